"""The demo store holds the public facts the issue names, and seeded incidents with structure."""
from __future__ import annotations

import datetime as dt
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from data.demo import MONTHS, build_demo
from data.store import connect, get_meta, read_layer

METRIC = "EPSG:32648"
LAO_BAO_TOWN = Point(106.60065, 16.61406)


def _m(geom):
    return gpd.GeoSeries([geom], crs=4326).to_crs(METRIC).iloc[0]


def test_border_length_close_to_published_206_km(demo_ro_con):
    border = read_layer(demo_ro_con, "border").to_crs(METRIC)
    assert border.length.sum() / 1000 == pytest.approx(206, rel=0.03)


def test_lao_bao_town_within_2_km_of_border(demo_ro_con):
    line = read_layer(demo_ro_con, "border").to_crs(METRIC).geometry.iloc[0]
    assert line.distance(_m(LAO_BAO_TOWN)) < 2000


def test_five_gates_lao_bao_exact_others_on_line_and_approximate(demo_ro_con):
    gates = read_layer(demo_ro_con, "crossings")
    gates = gates[gates["kind"].isin(["international_gate", "secondary_gate"])].set_index("id")
    assert set(gates.index) == {"CK-LAOBAO", "CK-LALAY", "CK-THANH", "CK-BANCHENG", "CK-TARUNG"}
    assert _m(gates.loc["CK-LAOBAO"].geometry).distance(_m(LAO_BAO_TOWN)) < 1500
    assert not gates.loc["CK-LAOBAO", "approximate"]
    line = read_layer(demo_ro_con, "border").to_crs(METRIC).geometry.iloc[0]
    for gid in ["CK-LALAY", "CK-THANH", "CK-BANCHENG", "CK-TARUNG"]:
        assert gates.loc[gid, "approximate"]
        assert line.distance(_m(gates.loc[gid].geometry)) < 500


def test_eight_stations_with_areas_inside_the_belt(demo_ro_con):
    st = read_layer(demo_ro_con, "stations")
    assert len(st) == 8
    assert "Đồn Biên phòng Cửa khẩu Quốc tế Lao Bảo" in set(st["name"])
    belt = read_layer(demo_ro_con, "belt").geometry.iloc[0]
    for area in st["area"]:
        assert area is not None and area.area > 0 and belt.buffer(1e-4).contains(area)  # 1e-4° ≈ 10 m of reprojection


def test_villages_in_real_border_communes_with_histories(demo_ro_con):
    v = read_layer(demo_ro_con, "villages")
    assert len(v) >= 40
    communes = set(r[0] for r in demo_ro_con.execute("SELECT old_name FROM communes").fetchall())
    assert set(v["commune"]) <= communes
    belt = read_layer(demo_ro_con, "belt").geometry.iloc[0]
    assert belt.contains(v.geometry).all()
    hist = demo_ro_con.execute("SELECT village_id, count(*) FROM village_status GROUP BY 1").fetchall()
    assert len(hist) == len(v)
    statuses = {r[0] for r in demo_ro_con.execute("SELECT DISTINCT status FROM village_status").fetchall()}
    assert {"recognised", "not_recognised"} <= statuses


def test_trails_cross_the_line(demo_ro_con):
    trails = read_layer(demo_ro_con, "trails")
    assert len(trails) >= 8
    line = read_layer(demo_ro_con, "border").geometry.iloc[0]
    assert trails.geometry.intersects(line).all()


def test_incidents_cover_36_months_ending_this_month(demo_ro_con):
    first, last = demo_ro_con.execute("SELECT min(occurred_at), max(occurred_at) FROM incidents").fetchone()
    assert last.date() <= dt.date(2026, 11, 28) and (last.year, last.month) == (2026, 11)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    assert months == MONTHS >= 36


def test_incidents_cluster_at_gates_and_trails(demo_ro_con):
    """Incidents near crossings are far denser than the belt average."""
    lonlat = demo_ro_con.execute("SELECT lon, lat FROM incidents").df()
    inc = gpd.GeoDataFrame(lonlat, crs=4326, geometry=gpd.points_from_xy(*lonlat.T.values))
    inc = inc.to_crs(METRIC)
    gate = _m(Point(106.601, 16.614))
    near = (inc.distance(gate) < 3000).sum()
    belt_area = read_layer(demo_ro_con, "belt").to_crs(METRIC).area.iloc[0]
    expected_uniform = len(inc) * (np.pi * 3000 ** 2) / belt_area
    assert near > 5 * expected_uniform


def test_incidents_inside_belt_and_all_flagged_illustrative(demo_ro_con):
    assert demo_ro_con.execute("SELECT count(*) FROM incidents WHERE NOT illustrative").fetchone()[0] == 0
    inside = demo_ro_con.execute(
        "SELECT count(*) FROM incidents i, belt b WHERE ST_Within(i.geom, b.geom)").fetchone()[0]
    assert inside == demo_ro_con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    for layer in ("crossings", "villages", "stations", "trails", "border", "belt", "village_status"):
        assert demo_ro_con.execute(f"SELECT count(*) FROM {layer} WHERE NOT illustrative").fetchone()[0] == 0
    assert get_meta(demo_ro_con, "demo") == "true"
    assert "Natural Earth" in get_meta(demo_ro_con, "attribution")


def test_drugs_and_articles_as_in_domain(demo_ro_con):
    drugs = dict(demo_ro_con.execute("SELECT drug, count(*) FROM incidents GROUP BY 1").fetchall())
    assert {"heroin", "methamphetamine", "synthetic_tablets"} <= set(drugs)
    assert "cannabis" not in drugs  # no corridor source for cannabis (DOMAIN.md)
    # 256a exists only from 1/7/2025
    early = demo_ro_con.execute("SELECT count(*) FROM incidents WHERE article = '256a' "
                             "AND occurred_at < '2025-07-01'").fetchone()[0]
    assert early == 0
    tabs = demo_ro_con.execute("SELECT count(*) FROM incidents WHERE drug='synthetic_tablets' "
                            "AND tablets IS NULL").fetchone()[0]
    assert tabs == 0


def test_same_seed_same_data_and_other_seed_differs(tmp_path):
    end = dt.date(2026, 11, 28)
    a, b, c = (tmp_path / f"{k}.duckdb" for k in "abc")
    build_demo(a, incidents=500, seed=7, end=end)
    build_demo(b, incidents=500, seed=7, end=end)
    build_demo(c, incidents=500, seed=8, end=end)
    q = "SELECT id, occurred_at, drug, lon, lat FROM incidents ORDER BY id"
    da, db_, dc = (connect(p, read_only=True).execute(q).df() for p in (a, b, c))
    pd.testing.assert_frame_equal(da, db_)
    assert not da.equals(dc)


def test_zero_incidents_builds_the_layers(tmp_path):
    p = tmp_path / "z.duckdb"
    build_demo(p, incidents=0, seed=1, end=dt.date(2026, 11, 28))
    con = connect(p, read_only=True)
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM villages").fetchone()[0] >= 40


def test_build_replaces_atomically(demo_db_template, tmp_path):
    p = tmp_path / "r.duckdb"
    shutil.copy(demo_db_template, p)            # an existing demo store (3,000 incidents), built once per session
    build_demo(p, incidents=50, seed=1, end=dt.date(2026, 11, 28))
    assert connect(p, read_only=True).execute("SELECT count(*) FROM incidents").fetchone()[0] == 50
    assert not list(tmp_path.glob("*.building*"))


def test_planted_dynamics_show_as_emerging_categories(tmp_path):
    """The default-size demo holds hotspots that emerge, intensify, persist, fade and stop."""
    from data.analysis import emerging_for

    p = tmp_path / "full.duckdb"
    build_demo(p, incidents=20_000, seed=233, end=dt.date(2026, 11, 28))
    cats = set(emerging_for(connect(p, read_only=True))["category"])
    assert {"new_hot", "consecutive_hot", "intensifying_hot", "persistent_hot", "diminishing_hot",
            "historical_hot", "sporadic_hot"} <= cats
