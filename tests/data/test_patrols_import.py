"""data.patrols: GPX as a Garmin GPSMAP 66i and as phone apps write it, CSV points, GDAL-written lines, bad tracks."""
from __future__ import annotations

import datetime as dt

import _cli
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from gpxfiles import UTC, garmin_gpx, gpslogger_gpx, osmand_gpx, walk
from pyproj import Geod

from core.errors import InputError, ValidationError
from data.patrols import import_patrols, read_tracks
from data.store import read_layer

GEOD = Geod(ellps="WGS84")


@pytest.fixture(autouse=True)
def _no_demo_patrols(request):
    """The demo store carries illustrative patrols; these tests count what they import themselves."""
    if "demo_con" in request.fixturenames:
        request.getfixturevalue("demo_con").execute(
            "DELETE FROM patrol_cells; DELETE FROM patrols; DELETE FROM patrol_points")
T0 = dt.datetime(2024, 3, 5, 1, 0, 0, tzinfo=UTC)      # 08:00 Vietnam time


def trail(con, tid="TR-VANRI"):
    return read_layer(con, "trails", where="id = ?", params=[tid]).geometry.iloc[0]


def geod_km(points) -> float:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return GEOD.line_length(lons, lats) / 1000.0


def counts(con):
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("patrols", "patrol_points", "patrol_cells", "import_log")}


def test_garmin_gpx_two_tracks_segments_and_waypoints(demo_con, tmp_path):
    line = trail(demo_con)
    a = walk(line, start_utc=T0, frm=0.45, to=0.75)
    b1 = walk(line, start_utc=T0 + dt.timedelta(hours=5), frm=0.5, to=0.6)
    b2 = walk(line, start_utc=T0 + dt.timedelta(hours=6), frm=0.65, to=0.7)
    inside = a[len(a) // 2]
    wpts = [("001", inside[0], inside[1], inside[3], "Flag, Blue"),
            ("002", a[0][0], a[0][1], T0 - dt.timedelta(days=2), "Pin, Red")]
    f = tmp_path / "Current.gpx"
    f.write_text(garmin_gpx({"2024-03-05 08:00:01": [a], "05-MAR-24 13:00": [b1, b2]}, wpts), encoding="utf-8")
    res = import_patrols(demo_con, f, station="Đồn Biên phòng Thuận", kind="đi bộ")
    assert (res.tracks_in, res.patrols_new, res.waypoints, res.problems) == (2, 2, 2, [])
    p = demo_con.execute("SELECT id, name, station_id, kind, started_at, ended_at, length_km, duration_h, no_times, "
                         "ST_GeometryType(geom), ST_NumGeometries(geom), n_points FROM patrols ORDER BY started_at"
                         ).fetchall()
    first, second = p
    assert first[1:4] == ("2024-03-05 08:00:01", "DBP-THUAN", "foot")
    assert first[4] == dt.datetime(2024, 3, 5, 8, 0, 0)                    # 01:00Z → 08:00 local
    assert first[5] == (a[-1][3] + dt.timedelta(hours=7)).replace(tzinfo=None)
    assert first[6] == pytest.approx(geod_km(a), rel=2e-3)                  # haversine vs WGS84 ellipsoid
    assert first[7] == pytest.approx((a[-1][3] - a[0][3]).total_seconds() / 3600)
    assert first[8] is False and first[11] == len(a)
    # two segments: a MultiLineString of 2 parts; the gap between them is not walked
    assert (second[9], second[10]) == ("MULTILINESTRING", 2)
    assert second[6] == pytest.approx(geod_km(b1) + geod_km(b2), rel=2e-3)
    # effort rows add up to the track length, hours to the time actually walked
    eff = demo_con.execute("SELECT patrol_id, sum(km), sum(hours), min(day) FROM patrol_cells GROUP BY 1").fetchall()
    by_id = {r[0]: r for r in eff}
    assert by_id[first[0]][1] == pytest.approx(first[6], rel=1e-9)
    assert by_id[first[0]][3] == dt.date(2024, 3, 5)
    walked = ((b1[-1][3] - b1[0][3]) + (b2[-1][3] - b2[0][3])).total_seconds() / 3600
    assert by_id[second[0]][2] == pytest.approx(walked)
    # waypoint 001 falls in track 1's span; 002 (two days earlier) in none
    wp = dict(demo_con.execute("SELECT name, patrol_id FROM patrol_points").fetchall())
    assert wp == {"001": first[0], "002": None}
    sym = demo_con.execute("SELECT symbol, \"time\" FROM patrol_points WHERE name = '001'").fetchone()
    assert sym == ("Flag, Blue", (inside[3] + dt.timedelta(hours=7)).replace(tzinfo=None))
    # the same file again: nothing new
    again = import_patrols(demo_con, f, station="dbp-thuan")
    assert (again.patrols_new, again.patrols_unchanged) == (0, 2)
    assert counts(demo_con)["patrols"] == 2


def test_station_from_area_when_not_given_and_phone_apps(demo_con, tmp_path):
    line = trail(demo_con)
    pts = walk(line, start_utc=T0, frm=0.5, to=0.7, every_s=5)
    f1 = tmp_path / "20240305.gpx"
    f1.write_text(gpslogger_gpx(pts), encoding="utf-8")
    f2 = tmp_path / "osmand.gpx"
    f2.write_text(osmand_gpx(walk(line, start_utc=T0 + dt.timedelta(days=1), frm=0.5, to=0.7)), encoding="utf-8")
    r1 = import_patrols(demo_con, f1, kind="vehicle")
    r2 = import_patrols(demo_con, f2)
    assert (r1.patrols_new, r2.patrols_new) == (1, 1)
    rows = demo_con.execute("SELECT kind, started_at, station_id FROM patrols ORDER BY started_at").fetchall()
    assert [r[0] for r in rows] == ["vehicle", "foot"]
    assert rows[0][1] == dt.datetime(2024, 3, 5, 8, 0)
    # no --station: the station whose stored area holds the first point
    start = shapely.Point(pts[0][1], pts[0][0])
    st = read_layer(demo_con, "stations")
    holder = st[st["area"].contains(start)]["id"].tolist()
    assert rows[0][2] == (holder[0] if holder else None) and holder


def _bad_file(con, tmp_path):
    line = trail(con)
    good = walk(line, start_utc=T0, frm=0.5, to=0.6)
    # 40 km inside Laos: from the border, away from the belt
    lao = [(16.52, 106.25, 200.0, T0 + dt.timedelta(seconds=10 * i)) for i in range(3)]
    jump = walk(line, start_utc=T0, frm=0.5, to=0.55)
    jump[5] = (jump[5][0] + 0.05, jump[5][1], jump[5][2], jump[5][3])      # 5.5 km in 10 s
    single = [good[0]]
    back = walk(line, start_utc=T0, frm=0.5, to=0.55)
    back[4], back[3] = ((back[4][0], back[4][1], back[4][2], back[3][3]),
                        (back[3][0], back[3][1], back[3][2], back[4][3]))
    f = tmp_path / "bad.gpx"
    f.write_text(garmin_gpx({"good": [good], "laos": [lao], "jump": [jump], "single": [single], "back": [back]}))
    return f


def test_bad_tracks_refused_with_track_point_and_reason(demo_con, tmp_path):
    f = _bad_file(demo_con, tmp_path)
    before = counts(demo_con)
    with pytest.raises(ValidationError) as exc:
        import_patrols(demo_con, f, lang="en")
    found = {(p.track, p.point): p.reason for p in exc.value.problems}
    assert set(found) == {("laos", 1), ("jump", 6), ("single", None), ("back", 5)}
    assert "Lao side" in found[("laos", 1)] and "3 point" in found[("laos", 1)]
    assert "150 km/h" in found[("jump", 6)]
    assert "at least 2 points" in found[("single", None)]
    assert "backwards" in found[("back", 5)]
    assert "bad.gpx, track jump, point 6" in str(exc.value)
    assert counts(demo_con) == before                       # nothing written


def test_skip_invalid_keeps_the_good_track_and_the_rejects(demo_con, tmp_path):
    f = _bad_file(demo_con, tmp_path)
    res = import_patrols(demo_con, f, skip_invalid=True)
    assert (res.patrols_new, res.tracks_rejected) == (1, 4)
    assert demo_con.execute("SELECT name FROM patrols").fetchall() == [("good",)]
    rej = demo_con.execute('SELECT raw, "row" FROM import_rejects WHERE import_id = ? ORDER BY raw',
                           [res.import_id]).fetchall()
    assert rej == [("back", 5), ("jump", 6), ("laos", 1), ("single", None)]


def test_points_near_the_border_on_the_lao_side_are_accepted(demo_con, tmp_path):
    """Within 2 km of the stored (generalised) line a point is fine whichever side; 3 km into Laos is not."""
    from shapely.ops import nearest_points

    from data.queries import border_line

    def to_m(g):                                                               # WGS 84 -> UTM 48N
        return gpd.GeoSeries([g], crs=4326).to_crs(32648).iloc[0]

    def back(x, y):                                                            # UTM 48N -> WGS 84
        return gpd.GeoSeries([shapely.Point(x, y)], crs=32648).to_crs(4326).iloc[0]

    p = to_m(trail(demo_con).interpolate(0.55, normalized=True))               # on the Vietnamese side
    q = nearest_points(to_m(border_line(demo_con)), p)[0]
    ux, uy = (q.x - p.x) / p.distance(q), (q.y - p.y) / p.distance(q)         # towards Laos

    def track(metres_past):
        pts = []
        d = p.distance(q)
        for i, along in enumerate([d * k / 10 for k in range(11)] + [d + metres_past]):   # to the line, then past it
            g = back(p.x + ux * along, p.y + uy * along)
            pts.append((g.y, g.x, 300.0, T0 + dt.timedelta(minutes=5 * i)))
        return pts

    f = tmp_path / "edge.gpx"
    f.write_text(garmin_gpx({"near": [track(1500)], "far": [track(3000)]}))
    with pytest.raises(ValidationError) as exc:
        import_patrols(demo_con, f, lang="en")
    assert [(x.track, x.point) for x in exc.value.problems] == [("far", 12)]
    assert "Lao side" in exc.value.problems[0].reason
    assert import_patrols(demo_con, f, skip_invalid=True).patrols_new == 1


def test_tracks_without_times_need_a_date_and_are_flagged(demo_con, tmp_path):
    line = trail(demo_con)
    pts = [(la, lo, e, None) for la, lo, e, _ in walk(line, start_utc=T0, frm=0.5, to=0.6)]
    f = tmp_path / "notime.gpx"
    f.write_text(garmin_gpx({"planned": [pts]}))
    with pytest.raises(ValidationError, match="--date"):
        import_patrols(demo_con, f)
    res = import_patrols(demo_con, f, date=dt.date(2024, 5, 1))
    row = demo_con.execute("SELECT no_times, started_at, duration_h FROM patrols").fetchone()
    assert row == (True, dt.datetime(2024, 5, 1), None)
    eff = demo_con.execute("SELECT DISTINCT day, hours FROM patrol_cells").fetchall()
    assert eff == [(dt.date(2024, 5, 1), None)] and res.patrols_new == 1


def test_csv_points_local_times_grouped_by_track(demo_con, tmp_path):
    line = trail(demo_con)
    a = walk(line, start_utc=T0, frm=0.5, to=0.55)
    b = walk(line, start_utc=T0 + dt.timedelta(hours=3), frm=0.6, to=0.65)
    lines = ["track_id,time,lat,lon"]
    # interleaved rows: grouped by track_id, file order kept within a track; no zone = local time
    rows = [("A", p) for p in a] + [("B", p) for p in b]
    rows = rows[::2] + rows[1::2]
    rows.sort(key=lambda r: (r[0], r[1][3]))
    for tid, (la, lo, _, tm) in rows:
        lines.append(f"{tid},{(tm + dt.timedelta(hours=7)).strftime('%Y-%m-%d %H:%M:%S')},{la:.7f},{lo:.7f}")
    f = tmp_path / "points.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = import_patrols(demo_con, f, station="DBP-THUAN")
    got = demo_con.execute("SELECT name, started_at, length_km FROM patrols ORDER BY name").fetchall()
    assert res.patrols_new == 2
    assert got[0][:2] == ("A", dt.datetime(2024, 3, 5, 8, 0))
    assert got[1][2] == pytest.approx(geod_km(b), rel=2e-3)


def test_csv_missing_column_is_named(demo_con, tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("track,time,lat,lon\nA,2024-01-01 08:00,16.5,106.6\n")
    with pytest.raises(InputError, match="track_id"):
        import_patrols(demo_con, f)


@pytest.mark.parametrize("suffix,driver", [(".gpkg", "GPKG"), (".geojson", "GeoJSON"), (".kml", "KML")])
def test_line_files_written_by_gdal(demo_con, tmp_path, suffix, driver):
    line = trail(demo_con)
    part = shapely.ops.substring(line, 0.5, 0.7, normalized=True)
    gdf = gpd.GeoDataFrame({"name": ["Tuần tra 12"], "team": ["Tổ 2"]}, geometry=[part], crs=4326)
    if driver != "KML":
        gdf["started_at"] = ["2024-03-05T08:00:00"]
        gdf["ended_at"] = ["2024-03-05T10:00:00"]
    f = tmp_path / f"route{suffix}"
    import pyogrio
    pyogrio.write_dataframe(gdf, f, driver=driver)
    tracks = read_tracks(f)
    assert list(tracks.meta["name"]) == ["Tuần tra 12"]
    res = import_patrols(demo_con, f, date=dt.date(2024, 3, 6), station="DBP-THUAN")
    row = demo_con.execute("SELECT started_at, ended_at, no_times, length_km FROM patrols").fetchone()
    km = GEOD.geometry_length(part) / 1000
    assert row[3] == pytest.approx(km, rel=2e-3) and res.patrols_new == 1
    if driver == "KML":
        assert row[:3] == (dt.datetime(2024, 3, 6), dt.datetime(2024, 3, 6), True)
    else:
        assert row[:3] == (dt.datetime(2024, 3, 5, 8), dt.datetime(2024, 3, 5, 10), False)


def test_unknown_station_and_kind_list_valid_values(demo_con, tmp_path):
    f = tmp_path / "x.gpx"
    f.write_text(garmin_gpx({"x": [walk(trail(demo_con), start_utc=T0, frm=0.5, to=0.55)]}))
    with pytest.raises(InputError, match="DBP-LAOBAO"):
        import_patrols(demo_con, f, station="Nowhere")
    with pytest.raises(InputError, match="foot, vehicle, joint"):
        import_patrols(demo_con, f, kind="boat")



def test_station_by_name_without_diacritics_or_a_unique_part_of_it(demo_db, tmp_path):
    from data.store import connect
    con = connect(demo_db, read_only=True)
    line = trail(con)
    names = dict(con.execute("SELECT id, name FROM stations").fetchall())
    con.close()
    for i, (given, want) in enumerate([("Lao Bảo", "DBP-LAOBAO"), ("lao bao", "DBP-LAOBAO"),
                                       ("ĐỒN BIÊN PHÒNG THUẬN", "DBP-THUAN"), ("dbp-thanh", "DBP-THANH")]):
        f = tmp_path / f"s{i}.gpx"
        f.write_text(garmin_gpx({f"s{i}": [walk(line, start_utc=T0 + dt.timedelta(days=i), frm=0.5, to=0.6)]}))
        r = _cli.bw("import", "patrols", f, "--db", demo_db, "--station", given, lang="en")
        assert r.returncode == 0, r.stderr
        con = connect(demo_db, read_only=True)
        got = con.execute("SELECT station_id FROM patrols WHERE name = ?", [f"s{i}"]).fetchone()
        con.close()
        assert got == (want,)
    hits = sorted(i for i, n in names.items() if " Hướng " in f" {n} ")
    assert len(hits) >= 2
    r = _cli.bw("import", "patrols", tmp_path / "s0.gpx", "--db", demo_db, "--station", "Hướng", lang="en")
    assert r.returncode == 2 and "several" in r.stderr and all(h in r.stderr for h in hits)
    assert "DBP-LAOBAO" not in r.stderr

def test_hostile_xml_is_refused(demo_con, tmp_path):
    f = tmp_path / "bomb.gpx"
    f.write_text('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                 '<gpx><trk><name>&b;</name></trk></gpx>')
    with pytest.raises(InputError, match="GPX"):
        import_patrols(demo_con, f)




def test_cli_import_patrols(demo_db, tmp_path):
    from data.store import connect
    con = connect(demo_db, read_only=True)
    line = trail(con)
    con.close()
    ok = tmp_path / "ok.gpx"
    ok.write_text(garmin_gpx({"t1": [walk(line, start_utc=T0, frm=0.5, to=0.6)]}))
    r = _cli.bw("import", "patrols", ok, "--db", demo_db, "--station", "DBP-THUAN", lang="en")
    assert r.returncode == 0, r.stderr
    assert "1 new" in r.stderr
    bad = _bad_file(connect(demo_db, read_only=True), tmp_path)
    r = _cli.bw("import", "patrols", bad, "--db", demo_db, lang="en")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "bad.gpx, track jump, point 6" in r.stderr


def test_gpx_points_keep_their_own_time_and_only_top_level_tracks_count(tmp_path):
    """A point without <time> (between timed ones), a time split by a comment, two segments, a <trk> inside
    <extensions> (not a patrol) and a waypoint description: nothing slides onto a neighbouring point."""
    f = tmp_path / "Track_2024-03-05.gpx"
    f.write_text(
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<gpx xmlns="http://www.topografix.com/GPX/1/1" creator="GPSMAP 66i" version="1.1">'
        '<wpt lat="16.6005" lon="106.6"><time>2024-03-05T01:01:00Z</time><name>Bản A</name>'
        '<desc>Xã Hướng Lập</desc><sym>Flag, Blue</sym></wpt>'
        '<extensions><trk><name>ghost</name><trkseg><trkpt lat="1" lon="1"/><trkpt lat="2" lon="2"/>'
        '</trkseg></trk></extensions>'
        '<trk><name>T1</name><trkseg>'
        '<trkpt lat="16.600" lon="106.6"><ele>300.0</ele><time>2024-03-05T01:00:00Z</time></trkpt>'
        '<trkpt lat="16.601" lon="106.6"><ele>301.0</ele></trkpt>'
        '<trkpt lat="16.602" lon="106.6"><time>2024-03-05T01:<!-- fix -->02:00Z</time></trkpt></trkseg>'
        '<trkseg><trkpt lat="16.603" lon="106.6"><time>2024-03-05T01:03:00Z</time></trkpt></trkseg></trk></gpx>',
        encoding="utf-8")
    p = read_tracks(f)
    assert p.meta["label"].tolist() == ["T1"]
    assert p.points["lat"].tolist() == [16.6, 16.601, 16.602, 16.603]
    assert p.points["part"].tolist() == [0, 0, 0, 1]
    assert [None if pd.isna(v) else str(v) for v in p.points["time"]] == [
        "2024-03-05 08:00:00", None, "2024-03-05 08:02:00", "2024-03-05 08:03:00"]
    assert p.waypoints[["name", "note", "symbol"]].values.tolist() == [["Bản A", "Xã Hướng Lập", "Flag, Blue"]]
