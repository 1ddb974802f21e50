"""Issue 12 item 8: a village imported as a polygon (accepted and documented) works in
``borderwatch villages``, the briefing and the Villages tab, standing for its representative point."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import _cli
import geopandas as gpd
import pytest
from shapely.geometry import Point

from data.filters import Filter
from data.importers import commit, read_source
from data.store import connect

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def polygon_store(demo_db_template, tmp_path_factory):
    """The demo store plus village ``POLY-1`` (a 600 m square around the busiest village, from a GeoPackage)
    and a viewer account ``t_viewer``; built once for the module, the tests only read it."""
    from data import users

    tmp_path = tmp_path_factory.mktemp("polygon")
    demo_db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, demo_db)
    con = connect(demo_db)
    try:
        vid, lon, lat = _busiest(con)
        square = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(32648).buffer(300, cap_style=3).to_crs(4326)
        gpkg = tmp_path / "thon_polygon.gpkg"
        gpd.GeoDataFrame({"id": ["POLY-1"], "name": ["Bản Vùng"], "commune": ["Lao Bảo"]}, geometry=square,
                         crs=4326).to_file(gpkg, layer="villages", driver="GPKG", engine="pyogrio")
        commit(con, read_source(gpkg, layer="villages", lang="en"), who="tests", lang="en")
        status = tmp_path / "status.csv"
        with status.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["village_id", "status", "decided_on", "decision_ref"])
            w.writerow(["POLY-1", "recognised", "2025-01-15", "QĐ 12/2025"])
        commit(con, read_source(status, layer="village_status", lang="en"), who="tests", lang="en")
        kind = con.execute("SELECT ST_GeometryType(geom) FROM villages WHERE id = 'POLY-1'").fetchone()[0]
        assert kind == "POLYGON"
        users.create_user(con, "t_viewer", "viewer", "correct-horse-battery-9", who="tests")
    finally:
        con.close()
    return demo_db, vid


def _busiest(con):
    from data.queries import load_incidents, villages_with_status

    v = villages_with_status(con)
    inc = load_incidents(con, Filter())
    pts = v.geometry
    counts = [((inc["lon"] - p.x) ** 2 + (inc["lat"] - p.y) ** 2 < 0.02 ** 2).sum() for p in pts]
    i = max(range(len(counts)), key=counts.__getitem__)
    return v.iloc[i]["id"], pts.iloc[i].x, pts.iloc[i].y


def test_cli_villages_with_a_polygon_village(polygon_store, tmp_path):
    db, _ = polygon_store
    out = tmp_path / "villages.csv"
    res = _cli.bw("villages", "--db", db, "--out", out, lang="en")
    assert res.returncode == 0, res.stderr
    with out.open(encoding="utf-8-sig") as fh:
        rows = {r["village_id"]: r for r in csv.DictReader(fh)}
    assert int(rows["POLY-1"]["incidents_within"]) > 0


def test_briefing_with_a_polygon_village(polygon_store):
    from report.slides import build_briefing

    db, _ = polygon_store
    con = connect(db)
    try:
        b = build_briefing(con, Filter(), lang="en")
    finally:
        con.close()
    row = b.villages.set_index("id").loc["POLY-1"]
    assert row["incidents_within"] > 0 and row["status"] == "recognised"


def test_villages_tab_with_a_polygon_village(polygon_store, monkeypatch):
    import time

    from streamlit.testing.v1 import AppTest

    db, _ = polygon_store
    monkeypatch.setenv("BORDERWATCH_DB", str(db))
    monkeypatch.delenv("BORDERWATCH_TILE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["tab"] = "villages"
    at.query_params["period"] = "all"
    at.session_state["auth_user"] = {"name": "t_viewer", "role": "viewer"}
    at.session_state["auth_last_seen"] = time.time()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = at.dataframe(key="vil_table").value.set_index("village_id")
    assert table.loc["POLY-1", "name"] == "Bản Vùng"
    within = table.loc["POLY-1", "incidents_within"]        # a viewer's counts are text ("12", "< 3")
    assert str(within) not in ("0", ""), within
