"""Imports guard the border: a point on the Lao side beyond 2 km is refused (CSV and a pyogrio GeoJSON),
the same rule as patrols; ``outside_vietnam`` lets an editor record a joint operation (audited), not an analyst."""
from __future__ import annotations

import csv

import _cli
import geopandas as gpd
import numpy as np
import pytest
import shapely

from core import roles
from core.errors import ValidationError
from data import audit, users
from data.border_side import border_context
from data.importers import import_file
from data.store import connect

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "persons", "station_id"]
LAOS = (16.5, 106.2)            # the point of the issue: 40 km inside Laos
PASSWORD = "mật-khẩu-đủ-dài-1"


def run(*args, lang="vi"):
    r = _cli.bw(*args, lang=lang, env={"BORDERWATCH_LOGIN_DELAY_S": "0"})
    assert "Traceback" not in r.stderr, r.stderr
    return r


def across(con, km: float, *, towards=LAOS) -> tuple[float, float]:
    """(lat, lon) ``km`` from the stored border line, on the side of ``towards``, along its normal."""
    ctx = border_context(con)
    inv = __import__("pyproj").Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)
    px, py = ctx.to_metric(np.array([towards[1]]), np.array([towards[0]]))
    p = shapely.Point(float(px[0]), float(py[0]))
    q = shapely.line_interpolate_point(ctx.border_m, shapely.line_locate_point(ctx.border_m, p))
    d = p.distance(q)
    x, y = q.x + (p.x - q.x) * km * 1000 / d, q.y + (p.y - q.y) * km * 1000 / d
    lon, lat = inv.transform(x, y)
    return round(lat, 7), round(lon, 7)


def write_csv(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(i, lat, lon, *extra):
    return [f"BG-{i}", "03/04/2024 14:30", lat, lon, "250", "heroin", "12,5", 2, "DBP-LAOBAO", *extra]


def incident_ids(db) -> set[str]:
    con = connect(db, read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT id FROM incidents WHERE id LIKE 'BG-%'").fetchall()}
    finally:
        con.close()


@pytest.fixture()
def places(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        return {"vn": (16.62825, 106.73884),              # Khe Sanh
                "lao1": across(con, 1.0), "lao3": across(con, 3.0)}
    finally:
        con.close()


def test_csv_with_a_point_in_laos_is_refused_naming_the_border(demo_db, tmp_path, places):
    path = write_csv(tmp_path / "inc.csv", [row(1, *places["vn"]), row(2, *LAOS), row(3, *places["lao3"])])
    r = run("import", "incidents", path, "--db", demo_db)
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if "phía Lào" in ln]
    assert len(lines) == 2, r.stderr
    assert "dòng 3" in lines[0] and "biên giới Việt Nam – Lào" in lines[0] and "2 km" in lines[0]
    km = float(lines[0].split("cách đường biên giới ")[1].split(" km")[0].replace(",", "."))
    assert 30 < km < 60                                   # 16.5 N 106.2 E: tens of km inside Laos
    assert "dòng 4" in lines[1] and "cách đường biên giới 3.0 km" in lines[1]
    assert incident_ids(demo_db) == set()                 # all or nothing: Khe Sanh not written either


def test_geojson_made_with_pyogrio_is_refused_and_a_point_within_the_tolerance_passes(demo_db, tmp_path, places):
    import pyogrio

    gdf = gpd.GeoDataFrame({"id": ["BG-1", "BG-2"], "occurred_at": ["2024-04-03T14:30:00+07:00"] * 2,
                            "article": ["250", "250"], "drug": ["heroin", "heroin"]},
                           geometry=[shapely.Point(places["lao1"][1], places["lao1"][0]),
                                     shapely.Point(LAOS[1], LAOS[0])], crs="EPSG:4326")
    path = tmp_path / "inc.geojson"
    pyogrio.write_dataframe(gdf, path, driver="GeoJSON")
    r = run("import", "incidents", path, "--db", demo_db, lang="en")
    assert r.returncode == 2, r.stderr
    assert "1 problem(s)" in r.stderr                      # feature 1, 1 km across: within the generalisation
    assert "row 2, column geometry: lies on the Lao side of the Vietnam–Laos border" in r.stderr
    r = run("import", "incidents", path, "--db", demo_db, "--skip-invalid", lang="en")
    assert r.returncode == 0, r.stderr
    assert incident_ids(demo_db) == {"BG-1"}


def _accounts(db):
    con = connect(db)
    try:
        for role in ("analyst", "editor"):
            users.create_user(con, f"u_{role}", role, PASSWORD, who="tests")
    finally:
        con.close()


def test_outside_vietnam_flag_editor_allowed_and_audited_analyst_refused(demo_db, tmp_path, places):
    _accounts(demo_db)
    path = write_csv(tmp_path / "joint.csv", [row(1, *places["vn"], ""), row(2, *LAOS, "có")],
                     header=HEADER + ["outside_vietnam"])
    r = run("import", "incidents", path, "--db", demo_db, "--as", "u_analyst")
    assert r.returncode == 3, r.stderr
    assert incident_ids(demo_db) == set()
    r = run("import", "incidents", path, "--db", demo_db, "--as", "u_editor")
    assert r.returncode == 0, r.stderr
    con = connect(demo_db, read_only=True)
    try:
        flags = dict(con.execute("SELECT id, outside_vietnam FROM incidents WHERE id LIKE 'BG-%'").fetchall())
        entries = audit.entries(con, action="outside_vietnam")
        denied = audit.entries(con, action="access_denied")
    finally:
        con.close()
    assert flags == {"BG-1": False, "BG-2": True}
    assert len(entries) == 1
    entry = entries.iloc[0] if hasattr(entries, "iloc") else entries[0]
    assert entry["who"] == "u_editor" and "BG-2" in entry["what"] and "BG-1" not in entry["what"]
    assert len(denied) == 1
    r = run("import", "incidents", path, "--db", demo_db, "--as", "u_editor")   # same file again: unchanged
    assert r.returncode == 0 and "2 không đổi" in r.stderr, r.stderr


def test_the_flag_itself_needs_the_cross_border_capability(demo_db, tmp_path, places):
    """Below the CLI's role gate: a commit for a user without ``cross_border`` refuses the flagged row."""
    path = write_csv(tmp_path / "joint.csv", [row(2, *LAOS, "có")], header=HEADER + ["outside_vietnam"])
    con = connect(demo_db)
    try:
        with pytest.raises(ValidationError) as exc:
            import_file(con, "incidents", path, user=roles.User("lan", "analyst"), lang="en")
        reasons = [p.reason for p in exc.value.problems]
        assert reasons == ["outside_vietnam = yes (a case outside Vietnam) needs the Editor role; lan (analyst) "
                           "does not hold it"]
        result = import_file(con, "incidents", path, user=roles.User("minh", "editor"), lang="en")
        assert result.outside_ids == ["BG-2"]
    finally:
        con.close()
