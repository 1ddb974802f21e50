"""--layer for multi-layer sources and --crs for every format (issue 11 §2)."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pyogrio
import pytest
from pyproj import Geod

from core.errors import InputError
from data.importers import import_file, read_source

GEOD = Geod(ellps="WGS84")


def test_geopackage_several_layers_refused_listing_them_then_layer_option(demo_con, files, incident_rows, make_gdf):
    gdf = make_gdf(incident_rows)
    path = files.dir / "hai_lop.gpkg"
    gdf.to_file(path, layer="thang_3")
    gdf.iloc[:2].to_file(path, layer="thang_4")
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    msg = str(err.value)
    assert "thang_3, thang_4" in msg and "--layer" in msg and "\n" not in msg
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="vi")
    assert "--layer" in str(err.value) and "nhiều lớp" in str(err.value)
    assert import_file(demo_con, "incidents", path, source_layer="thang_4").rows_new == 2
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", source_layer="thang_5", lang="en")
    assert "thang_5" in str(err.value) and "thang_3, thang_4" in str(err.value)


def test_zip_of_several_shapefiles_needs_layer(demo_con, files, incident_rows, make_gdf):
    gdf = make_gdf(incident_rows)
    a = files.shp("vu_viec", gdf)
    b = files.shp("khac", gdf.iloc[:1])
    path = files.dir / "bo.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for shp in (a, b):
            for part in shp.parent.iterdir():
                zf.write(part, part.name)
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    assert "khac, vu_viec" in str(err.value) and "--layer" in str(err.value)
    assert import_file(demo_con, "incidents", path, source_layer="khac").rows_new == 1


def _projected_geojson(files, gdf, epsg, *, crs_member: bool):
    """GeoJSON with projected coordinates, as ogr2ogr writes it (RFC 7946 has no crs member: dropped here)."""
    path = files.dir / f"p{epsg}.geojson"
    pyogrio.write_dataframe(gdf.to_crs(epsg), path, driver="GeoJSON")
    if not crs_member:
        doc = json.loads(path.read_text("utf-8"))
        assert "crs" in doc
        del doc["crs"]
        path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


@pytest.mark.parametrize("epsg", [32648, 9212])
def test_geojson_without_crs_member_is_read_in_the_given_crs(demo_con, files, incident_rows, make_gdf, epsg):
    gdf = make_gdf(incident_rows)
    path = _projected_geojson(files, gdf, epsg, crs_member=False)
    result = import_file(demo_con, "incidents", path, crs=f"EPSG:{epsg}")
    assert result.rows_new == 5 and not result.notes
    got = demo_con.execute("SELECT lon, lat FROM incidents WHERE id LIKE 'IMP-%' ORDER BY id").fetchall()
    d = GEOD.inv([g[0] for g in got], [g[1] for g in got], gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy())[2]
    assert np.abs(d).max() < 0.01                      # centimetres


@pytest.mark.parametrize("epsg, first", [(32648, "EPSG:32648"), (9212, "EPSG:9212")])
def test_plainly_projected_without_crs_suggests_the_likely_crs(files, incident_rows, make_gdf, epsg, first):
    path = _projected_geojson(files, make_gdf(incident_rows), epsg, crs_member=False)
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    msg = str(err.value)
    assert "projected metres" in msg and "--crs" in msg and "\n" not in msg
    assert msg.index(first) == min(msg.find(c) for c in ("EPSG:32648", "EPSG:9212") if c in msg)


def test_geojson_with_crs_member_keeps_its_own(demo_con, files, incident_rows, make_gdf):
    path = _projected_geojson(files, make_gdf(incident_rows), 32648, crs_member=True)
    assert read_source(path, layer="incidents").crs.to_epsg() == 32648
    result = import_file(demo_con, "incidents", path, crs="EPSG:9212")
    assert result.rows_new == 5 and any("ignored" in n or "Bỏ qua" in n for n in result.notes)


def test_xy_without_crs_names_candidates(files):
    path = files.csv("xy.csv", ["id", "occurred_at", "article", "drug", "x", "y"],
                     [["A", "2024-04-03", "250", "heroin", "537000", "1850000"]])
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    assert "EPSG:32648" in str(err.value) and "EPSG:9212" in str(err.value)
