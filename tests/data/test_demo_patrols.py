"""The demo's illustrative patrols: every station patrols, gates are covered, the planted hot spots are gaps."""
from __future__ import annotations

from core.vocab import fold
from data import demo_facts as F
from data.coverage import coverage_for, load_patrols
from data.demo_patrols import GAP_KINDS
from data.store import read_layer
from geo.h3grid import parent_cells, points_to_cells


def test_demo_patrols_flagged_and_from_every_station(demo_ro_con):
    rows = demo_ro_con.execute("SELECT station_id, count(*), bool_and(illustrative), min(length_km) FROM patrols "
                            "GROUP BY 1").fetchall()
    stations = {r[0] for r in demo_ro_con.execute("SELECT id FROM stations").fetchall()}
    assert {r[0] for r in rows} == stations
    assert all(r[1] > 100 and r[2] and r[3] > 0 for r in rows)
    # effort rows add up to the tracks' lengths
    a, b = demo_ro_con.execute("SELECT (SELECT sum(length_km) FROM patrols), "
                            "(SELECT sum(km) FROM patrol_cells)").fetchone()
    assert abs(a - b) < 1e-6 * a


def test_planted_current_hot_spots_are_left_unpatrolled_and_gates_are_not(demo_ro_con):
    tracks = load_patrols(demo_ro_con).to_crs(32648)
    vil = read_layer(demo_ro_con, "villages")
    wanted = {fold(F.PLANTED_DYNAMICS[k]) for k in GAP_KINDS}
    gap_v = vil[[any(w in fold(n) for w in wanted) for n in vil["name"]]]
    assert len(gap_v) == len(GAP_KINDS)
    pts = gap_v.geometry.representative_point().to_crs(32648)
    assert all(tracks.distance(p).min() > 2000 for p in pts)
    gates = read_layer(demo_ro_con, "crossings")
    gates = gates[gates["kind"].str.endswith("gate")].to_crs(32648)
    assert all(tracks.distance(g).min() < 800 for g in gates.geometry)
    table = coverage_for(demo_ro_con, res=7).set_index("h3")
    gp = gap_v.geometry.representative_point()
    cells = parent_cells(points_to_cells(gp.y.to_numpy(), gp.x.to_numpy(), res=9), res=7)
    assert all(table.loc[format(int(c), "x"), "patrol_days"] == 0 for c in cells)
