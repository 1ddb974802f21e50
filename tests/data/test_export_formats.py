"""KML/KMZ, GPX, Shapefile zip, FlatGeobuf, GPKG layers, typed columns: GDAL opens every export
with the declared CRS, the same count and the Vietnamese text, and each round-trips into a store
made by ``init`` (data.newstore) with equal values."""
from __future__ import annotations

import json
import math
import zipfile

import geopandas as gpd
import pyogrio
import pyproj
import pytest
import shapely

from core.errors import InputError, OutputError
from data.export import export_layer, make_watermark
from data.exporters.gdal import SHAPEFILE_NAMES, gpx_columns
from data.importers import import_file, supported_extensions
from data.newstore import create_store
from data.schema import LAYERS
from data.store import connect, is_demo, layer_counts, read_layer

POINT_LAYERS = ["crossings", "villages", "stations", "incidents"]
SPATIAL = ["border", "belt", "crossings", "trails", "villages", "stations", "incidents"]


def gdal_source(path, layer):
    """What GDAL opens for an export (and which layer)."""
    ext = path.suffix.lower()
    if ext == ".zip":
        return f"/vsizip/{path}", layer
    if ext == ".gpx":
        return str(path), "waypoints"
    return str(path), None


@pytest.mark.parametrize("ext", [".kml", ".kmz", ".gpx", ".zip", ".fgb", ".gpkg", ".geojson", ".csv"])
def test_gdal_opens_every_export_with_crs_count_and_vietnamese(demo_ro_con, tmp_path, ext):
    for layer in (POINT_LAYERS if ext == ".gpx" else SPATIAL):
        if ext == ".zip" and layer == "stations":
            continue          # checked in test_shapefile_zip (two shapefiles)
        out = tmp_path / f"{layer}{ext}"
        n = export_layer(demo_ro_con, layer, out, watermark=make_watermark("lan"))
        src, lyr = gdal_source(out, layer)
        info = pyogrio.read_info(src, layer=lyr)
        assert pyproj.CRS(info["crs"]).to_epsg() == 4326, (layer, ext)
        gdf = pyogrio.read_dataframe(src, layer=lyr)
        assert len(gdf) == n == layer_counts(demo_ro_con)[layer], (layer, ext)
        if layer != "incidents":
            names = set(read_layer(demo_ro_con, layer, columns=["name"])["name"])
            col = "Name" if ext in (".kml", ".kmz") else "name"
            assert set(gdf[col]) == names and any(not x.isascii() for x in names), (layer, ext)


def _fresh(tmp_path):
    path = tmp_path / "fresh.duckdb"
    create_store(path)
    return connect(path)


def _import(con, layer, path, ext, tmp_path):
    """Import an export the way a user would: directly when the importer reads the format,
    else converted by GDAL (ogr2ogr's library) to GeoPackage first; with the documented column table."""
    mapping = None
    if ext == ".gpx":
        mapping = gpx_columns(layer, LAYERS[layer].field_names)
    elif ext == ".zip":
        mapping = {v: k for k, v in SHAPEFILE_NAMES.items() if k in LAYERS[layer].field_names}
    if ext not in supported_extensions():
        src, lyr = gdal_source(path, layer)
        gdf = pyogrio.read_dataframe(src, layer=lyr)
        path = tmp_path / f"{layer}.via{ext[1:]}.gpkg"
        pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG")
    return import_file(con, layer, path, mapping=mapping)


@pytest.mark.parametrize("ext", [".kml", ".kmz", ".zip", ".fgb", ".gpx"])
def test_round_trip_into_a_fresh_init_store(demo_ro_con, tmp_path, ext):
    fresh = _fresh(tmp_path)
    assert not is_demo(fresh)
    layers = ["belt", "border", "crossings", "trails", "villages", "stations", "incidents"]
    if ext == ".gpx":   # GPX: waypoints; the reference layers come from a GeoPackage
        for layer in ("belt", "border", "trails"):
            export_layer(demo_ro_con, layer, tmp_path / f"{layer}.gpkg")
            import_file(fresh, layer, tmp_path / f"{layer}.gpkg")
        layers = POINT_LAYERS
    for layer in layers:
        path = tmp_path / f"{layer}{ext}"
        n = export_layer(demo_ro_con, layer, path)
        result = _import(fresh, layer, path, ext, tmp_path)
        assert result.rows_new == n and result.rows_rejected == 0, (layer, ext)
    for layer in layers:
        spec = LAYERS[layer]
        fields = [f for f in spec.field_names]
        q = f"SELECT {', '.join(fields)} FROM {layer} ORDER BY id"
        got, want = fresh.execute(q).fetchall(), demo_ro_con.execute(q).fetchall()
        # dBASE numbers and GPX coordinates are decimal text with 15 significant digits (GDAL)
        rel = 1e-14 if ext in (".zip", ".gpx") else 0.0
        assert len(got) == len(want) and all(
            all(math.isclose(a, b, rel_tol=rel) if isinstance(a, float) and isinstance(b, float) else a == b
                for a, b in zip(g, w, strict=True)) for g, w in zip(got, want, strict=True)), (layer, ext)
        got = read_layer(fresh, layer).sort_values("id").geometry.values
        want = read_layer(demo_ro_con, layer).sort_values("id").geometry.values
        tol = 1e-12 if ext in (".zip", ".gpx") else 0.0
        assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=tol).all(), (layer, ext)
    fresh.close()


def test_gpkg_adds_layers_and_replaces_only_its_namesake(demo_ro_con, tmp_path):
    out = tmp_path / "picture.gpkg"
    export_layer(demo_ro_con, "villages", out)
    export_layer(demo_ro_con, "crossings", out)
    export_layer(demo_ro_con, "incidents", out, flt=None)
    layers = dict(pyogrio.list_layers(out))
    assert layers == {"villages": "Point", "crossings": "Point", "incidents": "Point"}
    import datetime as dt

    from data.filters import Filter
    april = Filter(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 30))
    n = export_layer(demo_ro_con, "incidents", out, flt=april)
    assert pyogrio.read_info(out, layer="incidents")["features"] == n < layer_counts(demo_ro_con)["incidents"]
    assert pyogrio.read_info(out, layer="villages")["features"] == layer_counts(demo_ro_con)["villages"]
    (tmp_path / "notgpkg.gpkg").write_text("hello")
    with pytest.raises(OutputError):
        export_layer(demo_ro_con, "villages", tmp_path / "notgpkg.gpkg")
    assert (tmp_path / "notgpkg.gpkg").read_text() == "hello"


def test_types_dates_times_and_fixed_geometry(demo_ro_con, tmp_path):
    out = tmp_path / "t.gpkg"
    export_layer(demo_ro_con, "village_status", out)
    info = pyogrio.read_info(out, layer="village_status")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["decided_on"] == "OFTDate" and types["review_due"] == "OFTDate"
    export_layer(demo_ro_con, "incidents", out)
    gdf = pyogrio.read_dataframe(out, layer="incidents")
    stored = demo_ro_con.execute("SELECT id, occurred_at FROM incidents").df().set_index("id")["occurred_at"]
    got = gdf.set_index("id")["occurred_at"].dt.tz_convert("+07:00").dt.tz_localize(None)
    assert (got.sort_index() == stored.sort_index()).all()        # the same instants
    export_layer(demo_ro_con, "incidents", tmp_path / "i.geojson")
    feats = json.loads((tmp_path / "i.geojson").read_text("utf-8"))["features"]
    assert all(f["properties"]["occurred_at"].endswith("+07:00") for f in feats)
    export_layer(demo_ro_con, "belt", tmp_path / "b.geojson")
    ring = json.loads((tmp_path / "b.geojson").read_text())["features"][0]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw                        # RFC 7946: outer ring counter-clockwise


def test_polygon_villages_get_their_own_layer(tmp_path):
    con = _fresh(tmp_path)
    src = gpd.GeoDataFrame({"id": ["V-1", "V-2"], "name": ["Thôn Cù Bai", "Bản Ka Tăng"], "commune": ["Lìa", "Lìa"]},
                           geometry=[shapely.Point(106.6, 16.6), shapely.box(106.7, 16.5, 106.71, 16.51)], crs=4326)
    pyogrio.write_dataframe(src, tmp_path / "v.geojson", driver="GeoJSON")
    import_file(con, "villages", tmp_path / "v.geojson")
    export_layer(con, "villages", tmp_path / "v.gpkg")
    assert dict(pyogrio.list_layers(tmp_path / "v.gpkg")) == {"villages": "Point", "villages_area": "Polygon"}
    area = pyogrio.read_dataframe(tmp_path / "v.gpkg", layer="villages_area")
    assert list(area["name"]) == ["Bản Ka Tăng"] and area.geometry[0].equals(shapely.box(106.7, 16.5, 106.71, 16.51))
    con.close()


def test_csv_sidecars_tell_gdal_types_and_crs(demo_ro_con, tmp_path):
    out = tmp_path / "inc.csv"
    export_layer(demo_ro_con, "incidents", out)
    assert out.with_suffix(".csvt").exists() and out.with_suffix(".prj").exists()
    info = pyogrio.read_info(out)
    assert pyproj.CRS(info["crs"]).to_epsg() == 4326 and info["geometry_type"] == "Point"
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["occurred_at"] == "OFTDateTime" and types["quantity_g"] == "OFTReal"


def test_shapefile_zip_parts_and_limits(demo_db, tmp_path):
    demo_ro_con = connect(demo_db)             # its own copy: it lengthens a description
    out = tmp_path / "s.zip"
    export_layer(demo_ro_con, "stations", out)
    names = set(zipfile.ZipFile(out).namelist())
    for stem in ("stations", "stations_area"):
        assert {f"{stem}.{e}" for e in ("shp", "shx", "dbf", "prj", "cpg")} <= names
    area = pyogrio.read_dataframe(f"/vsizip/{out}", layer="stations_area")
    assert len(area) == layer_counts(demo_ro_con)["stations"]
    assert pyogrio.read_info(f"/vsizip/{out}", layer="stations_area")["crs"] == "EPSG:4326"
    export_layer(demo_ro_con, "incidents", tmp_path / "i.zip")
    fields = list(pyogrio.read_info(f"/vsizip/{tmp_path / 'i.zip'}")["fields"])
    assert "occurred" in fields and "descriptn" in fields and all(len(f) <= 10 for f in fields)
    demo_ro_con.execute("UPDATE incidents SET description = ? WHERE id = (SELECT min(id) FROM incidents)", ["ừ" * 100])
    with pytest.raises(OutputError) as err:
        export_layer(demo_ro_con, "incidents", tmp_path / "long.zip", lang="en")
    demo_ro_con.close()
    assert "254" in str(err.value) and ".gpkg" in str(err.value) and not (tmp_path / "long.zip").exists()


def test_kml_styles_names_and_vietnamese(demo_ro_con, tmp_path):
    export_layer(demo_ro_con, "crossings", tmp_path / "c.kml")
    text = (tmp_path / "c.kml").read_text("utf-8")
    assert '<Style id="crossings-international_gate">' in text and "<styleUrl>#crossings-" in text
    assert "<name>Cửa khẩu quốc tế Lao Bảo</name>" in text


def test_no_geometry_layer_refused_for_geometry_formats(demo_ro_con, tmp_path):
    with pytest.raises(OutputError) as err:
        export_layer(demo_ro_con, "village_status", tmp_path / "s.kml", lang="en")
    assert not isinstance(err.value, InputError) and "no geometry" in str(err.value)
