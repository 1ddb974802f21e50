"""Context layers from files written by GDAL (ogr2ogr/pyogrio) and Google Earth KML, VN-2000 included."""
from __future__ import annotations

import shutil
import subprocess

import geopandas as gpd
import pyproj
import pytest
from shapely.geometry import LineString, Polygon

from cli import main as cli_main
from data import context
from data.store import connect

# Two roads near Lao Bảo in VN-2000 / TM-3 106-15 (EPSG:9212), metres.
ROADS_VN = [((528000.0, 1838000.0), (533000.0, 1839500.0), (540000.0, 1838200.0)),
            ((530000.0, 1832000.0), (531000.0, 1845000.0))]
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <name>Sông</name>
  <Placemark>
    <name>Sông Sê Pôn</name>
    <LineString><tessellate>1</tessellate>
      <coordinates>106.5801,16.6102,0 106.6012,16.6251,0 106.6203,16.6400,0 </coordinates>
    </LineString>
  </Placemark>
</Document>
</kml>
"""


def _roads(crs="EPSG:9212"):
    return gpd.GeoDataFrame({"TEN": ["Quốc lộ 9", "Đường tuần tra"], "cap": [1, 3]},
                            geometry=[LineString(c) for c in ROADS_VN], crs=crs)


@pytest.fixture()
def con(demo_db):
    c = connect(demo_db)
    yield c
    c.close()


def test_vn2000_shapefile_is_reprojected_exactly_and_labelled(demo_db, tmp_path):
    shp = tmp_path / "roads.shp"
    _roads().to_file(shp, engine="pyogrio")
    assert cli_main(["context", "add", str(shp), "--name", "Đường giao thông", "--color", "#aa3300",
                     "--db", str(demo_db)]) == 0
    c = connect(demo_db, read_only=True)
    try:
        got = context.features(c)
        row = c.execute("SELECT style, color, label_field, n_features FROM context_layers").fetchone()
    finally:
        c.close()
    assert row == ("line", "#AA3300", "TEN", 2)
    assert list(got["label"]) == ["Quốc lộ 9", "Đường tuần tra"]
    tr = pyproj.Transformer.from_crs("EPSG:9212", "EPSG:4326", always_xy=True)
    for geom, coords in zip(got.geometry, ROADS_VN, strict=True):
        for (x, y), (lon, lat) in zip(coords, geom.coords, strict=True):
            elon, elat = tr.transform(x, y)
            assert abs(lon - elon) < 1e-9 and abs(lat - elat) < 1e-9


def test_geopackage_with_two_layers_needs_layer(demo_db, tmp_path, capsys):
    gpkg = tmp_path / "nen.gpkg"
    _roads().to_crs(4326).to_file(gpkg, layer="duong", engine="pyogrio")
    area = gpd.GeoDataFrame({"name": ["Xã Tân Thành"]}, geometry=[Polygon([(106.58, 16.63), (106.62, 16.63),
                                                                            (106.62, 16.66), (106.58, 16.66)])],
                            crs=4326)
    area.to_file(gpkg, layer="ranh_gioi", engine="pyogrio")
    assert cli_main(["context", "add", str(gpkg), "--name", "x", "--db", str(demo_db), "--lang", "en"]) == 2
    assert "duong" in (err := capsys.readouterr().err) and "ranh_gioi" in err
    assert cli_main(["context", "add", str(gpkg), "--name", "Ranh giới", "--layer", "ranh_gioi",
                     "--db", str(demo_db)]) == 0
    c = connect(demo_db, read_only=True)
    assert c.execute("SELECT style, label_field FROM context_layers").fetchone() == ("area", "name")
    c.close()


def test_google_earth_kml(demo_db, tmp_path):
    kml = tmp_path / "song.kml"
    kml.write_text(KML, encoding="utf-8")
    assert cli_main(["context", "add", str(kml), "--name", "Sông suối", "--db", str(demo_db)]) == 0
    c = connect(demo_db, read_only=True)
    got = context.features(c)
    c.close()
    assert list(got["label"]) == ["Sông Sê Pôn"] and got["style"].iloc[0] == "line"
    assert got.geometry.iloc[0].coords[0][:2] == (106.5801, 16.6102)


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="ogr2ogr (gdal-bin) not installed")
def test_mapinfo_tab_by_ogr2ogr(demo_db, tmp_path, capsys):
    src = tmp_path / "roads.gpkg"
    _roads().to_file(src, engine="pyogrio")
    tab = tmp_path / "roads.tab"
    subprocess.run(["ogr2ogr", "-f", "MapInfo File", str(tab), str(src)], check=True, capture_output=True)
    # the TAB keeps the TM-3 grid but declares the WGS 84 datum: refused rather than placed ~200 m off
    assert cli_main(["context", "add", str(tab), "--name", "tab", "--db", str(demo_db), "--lang", "en"]) == 2
    assert "--crs vn2000-quangtri" in capsys.readouterr().err
    assert cli_main(["context", "add", str(tab), "--name", "tab", "--crs", "vn2000-quangtri",
                     "--db", str(demo_db)]) == 0
    c = connect(demo_db, read_only=True)
    got = context.features(c)
    c.close()
    tr = pyproj.Transformer.from_crs("EPSG:9212", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(*ROADS_VN[0][0])
    # MapInfo stores coordinates on its own integer grid: within a few centimetres
    assert abs(got.geometry.iloc[0].coords[0][0] - lon) < 1e-6 and abs(got.geometry.iloc[0].coords[0][1] - lat) < 1e-6


def test_no_crs_is_refused_then_given(demo_db, tmp_path, capsys):
    shp = tmp_path / "noprj.shp"
    _roads().to_file(shp, engine="pyogrio")
    shp.with_suffix(".prj").unlink()
    assert cli_main(["context", "add", str(shp), "--name", "r", "--db", str(demo_db), "--lang", "en"]) == 2
    assert "--crs" in capsys.readouterr().err
    # the wrong CRS puts the roads far away: refused with the bounds
    assert cli_main(["context", "add", str(shp), "--name", "r", "--crs", "EPSG:3857", "--db", str(demo_db),
                     "--lang", "en"]) == 2
    assert "outside" in capsys.readouterr().err
    assert cli_main(["context", "add", str(shp), "--name", "r", "--crs", "vn2000-quangtri", "--db", str(demo_db)]) == 0
    assert cli_main(["context", "remove", "r", "--db", str(demo_db)]) == 0
    c = connect(demo_db, read_only=True)
    assert c.execute("SELECT count(*) FROM context_features").fetchone()[0] == 0
    c.close()


def test_context_is_drawn_under_incidents_with_labels(demo_db, tmp_path):
    shp = tmp_path / "roads.shp"
    _roads().to_file(shp, engine="pyogrio")
    assert cli_main(["context", "add", str(shp), "--name", "Đường", "--db", str(demo_db)]) == 0
    out = tmp_path / "map.html"
    assert cli_main(["map", "--db", str(demo_db), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "bw-ctx-label" in html and "Quốc lộ 9" in html
    import layers

    order = layers.names()
    assert order.index("context") < min(order.index(n) for n in ("h3counts", "hotspots", "heat", "incidents"))
