"""KML/KMZ, GPX, Shapefile zip, FlatGeobuf, GPKG layers, typed columns: GDAL opens every export
with the declared CRS, the same count and the Vietnamese text, and each round-trips into a store
made by ``init`` (data.newstore) with equal values."""
from __future__ import annotations

import json
import math
import zipfile

import geopandas as gpd
import pandas as pd
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
def test_gdal_opens_every_export_with_crs_count_and_vietnamese(demo_con, tmp_path, ext):
    for layer in (POINT_LAYERS if ext == ".gpx" else SPATIAL):
        if ext == ".zip" and layer == "stations":
            continue          # checked in test_shapefile_zip (two shapefiles)
        out = tmp_path / f"{layer}{ext}"
        n = export_layer(demo_con, layer, out, watermark=make_watermark("lan"))
        src, lyr = gdal_source(out, layer)
        info = pyogrio.read_info(src, layer=lyr)
        assert pyproj.CRS(info["crs"]).to_epsg() == 4326, (layer, ext)
        gdf = pyogrio.read_dataframe(src, layer=lyr)
        assert len(gdf) == n == layer_counts(demo_con)[layer], (layer, ext)
        if layer != "incidents":
            names = set(read_layer(demo_con, layer, columns=["name"])["name"])
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
def test_round_trip_into_a_fresh_init_store(demo_con, tmp_path, ext):
    fresh = _fresh(tmp_path)
    assert not is_demo(fresh)
    layers = ["belt", "border", "crossings", "trails", "villages", "stations", "incidents"]
    if ext == ".gpx":   # GPX: waypoints; the reference layers come from a GeoPackage
        for layer in ("belt", "border", "trails"):
            export_layer(demo_con, layer, tmp_path / f"{layer}.gpkg")
            import_file(fresh, layer, tmp_path / f"{layer}.gpkg")
        layers = POINT_LAYERS
    for layer in layers:
        path = tmp_path / f"{layer}{ext}"
        n = export_layer(demo_con, layer, path)
        result = _import(fresh, layer, path, ext, tmp_path)
        assert result.rows_new == n and result.rows_rejected == 0, (layer, ext)
    for layer in layers:
        spec = LAYERS[layer]
        fields = [f for f in spec.field_names]
        q = f"SELECT {', '.join(fields)} FROM {layer} ORDER BY id"
        got, want = fresh.execute(q).fetchall(), demo_con.execute(q).fetchall()
        # dBASE numbers and GPX coordinates are decimal text with 15 significant digits (GDAL)
        rel = 1e-14 if ext in (".zip", ".gpx") else 0.0
        assert len(got) == len(want) and all(
            all(math.isclose(a, b, rel_tol=rel) if isinstance(a, float) and isinstance(b, float) else a == b
                for a, b in zip(g, w)) for g, w in zip(got, want)), (layer, ext)
        got = read_layer(fresh, layer).sort_values("id").geometry.values
        want = read_layer(demo_con, layer).sort_values("id").geometry.values
        tol = 1e-12 if ext in (".zip", ".gpx") else 0.0
        assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=tol).all(), (layer, ext)
    fresh.close()
