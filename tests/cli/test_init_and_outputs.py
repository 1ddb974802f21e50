"""``borderwatch init`` and the analysis outputs with geometry, through the console script."""
from __future__ import annotations

import json

import _cli
import pyogrio

from data.store import connect, is_demo, layer_counts


def bw(*args):
    r = _cli.bw(*args, lang=None)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def test_init_creates_an_empty_real_store_and_refuses_an_existing_one(tmp_path):
    db = tmp_path / "unit.duckdb"
    r = bw("init", "--db", db, "--lang", "en")
    assert r.returncode == 0, r.stderr
    con = connect(db, read_only=True)
    try:
        assert set(layer_counts(con).values()) == {0} and not is_demo(con)
        assert con.execute("SELECT count(*) FROM communes WHERE illustrative").fetchone()[0] == 0
    finally:
        con.close()
    before = db.read_bytes()
    again = bw("init", "--db", db)
    assert again.returncode == 2 and "đã tồn tại" in again.stderr and db.read_bytes() == before


def test_analysis_outputs_with_geometry(demo_db, tmp_path):
    gpkg = tmp_path / "a.gpkg"
    for cmd in ("hotspots", "emerging", "villages", "corridor"):
        assert bw(cmd, "--db", demo_db, "--out", gpkg).returncode == 0
    r = bw("corridor", "--db", demo_db, "--out", tmp_path / "c.csv", "--summary", tmp_path / "s.geojson")
    assert r.returncode == 0, r.stderr
    layers = dict(pyogrio.list_layers(gpkg))
    assert layers == {"hotspots": "Polygon", "emerging": "Polygon", "village_exposure": "Point",
                      "corridor_incidents": "Point"}
    h = pyogrio.read_dataframe(gpkg, layer="hotspots")
    assert h.crs.to_epsg() == 4326 and len(h) > 0 and {"h3", "z", "bin"} <= set(h.columns)
    cr = json.loads((tmp_path / "s_crossings.geojson").read_text("utf-8"))
    assert cr["features"][0]["geometry"]["type"] == "Point" and "Cửa khẩu" in json.dumps(cr, ensure_ascii=False)
    tr = pyogrio.read_info(tmp_path / "s_trails.geojson")
    assert tr["geometry_type"] == "LineString"
    assert (tmp_path / "c.csvt").exists()
    bad = bw("hotspots", "--db", demo_db, "--out", tmp_path / "h.shp", "--lang", "en")
    assert bad.returncode == 4 and "Output refused" in bad.stderr and "Input refused" not in bad.stderr
    assert ".gpkg" in bad.stderr and not (tmp_path / "h.shp").exists()
