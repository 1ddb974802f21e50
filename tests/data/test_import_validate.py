"""Every validation rule, each problem naming file, row, column and reason, all reported at once."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from core.errors import InputError, ValidationError
from data.importers import import_file, read_source, validate
from data.queries import study_area

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
          "description"]
HANOI = (21.0285, 105.8542)


def stored_incident(con) -> dict:
    row = con.execute("SELECT id, occurred_at, lat, lon, article, drug, quantity_g, tablets, persons, station_id, "
                      "description FROM incidents ORDER BY id LIMIT 1").fetchone()
    return dict(zip(HEADER, row, strict=True))


def as_row(d: dict) -> list:
    return [None if pd.isna(d[c]) else (d[c].isoformat(sep=" ") if c == "occurred_at" else d[c]) for c in HEADER]


def test_every_problem_at_once(demo_con, files, incident_rows, snapshot):
    stored = stored_incident(demo_con)
    changed = dict(stored, drug="opium")
    ok = incident_rows[0]
    rows = [                                                          # file rows 2-8 (header is row 1)
        ok,                                                                                    # 1 valid
        ["V-2", "31/02/2024", ok[2], ok[3], "250", "", None, None, 1, None, None],             # 2 date, drug
        ["V-3", "2024-04-03", ok[3], ok[2], "250", "bột trắng", None, None, 1, None, None],    # 3 enum, swapped
        [ok[0], "2024-04-03", ok[2], ok[3], "250", "heroin", None, None, 1, None, None],       # 4 duplicate id
        ["V-5", "2024-04-03", *HANOI, "250", "heroin", None, None, 1, None, None],             # 5 far away
        as_row(changed),                                                                       # 6 stored, differs
        ["V-7", "hôm qua", ok[2], ok[3], "Điều 999", "heroin", "-2", "1.5", "nhiều", "DBP-NOWHERE", None],  # 7
    ]
    path = files.csv("all.csv", HEADER, rows)
    before = snapshot(demo_con)
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    got = {(p.row, p.column): p.reason for p in report.problems}
    assert all(p.file == "all.csv" for p in report.problems)
    assert set(got) == {
        (3, "occurred_at"), (3, "drug"),
        (4, "lat"), (4, "drug"),
        (5, "id"),
        (6, "lat/lon"),
        (7, "id"),
        (8, "occurred_at"), (8, "article"), (8, "quantity_g"), (8, "tablets"), (8, "persons"), (8, "station_id"),
    }
    assert got[(3, "occurred_at")] == "impossible date: 31/02/2024"
    assert got[(3, "drug")] == "required value missing"
    assert "swapped?" in got[(4, "lat")]
    assert got[(4, "drug")].startswith("unknown value: bột trắng. Valid values: heroin (Heroin), methamphetamine")
    assert got[(5, "id")] == f"duplicate id {ok[0]} (already in row 2)"
    assert "km from the border belt (limit 50 km)" in got[(6, "lat/lon")]
    assert got[(7, "id")] == (f"id {stored['id']} is already stored with different content (drug); "
                              "use --replace to overwrite")
    assert "unreadable date: hôm qua" in got[(8, "occurred_at")]
    assert "256a" in got[(8, "article")]
    assert got[(8, "quantity_g")] == "must not be negative: -2"
    assert got[(8, "tablets")] == "must be a whole number: 1.5"
    assert got[(8, "persons")] == "not a number: nhiều"
    assert "DBP-LAOBAO" in got[(8, "station_id")]
    assert report.rejected_rows == [3, 4, 5, 6, 7, 8]
    assert list(report.valid["id"]) == [ok[0]] and report.new == 1 and report.changed == 1
    assert [p.row for p in report.problems] == sorted(p.row for p in report.problems)
    assert snapshot(demo_con) == before                      # validation writes nothing
    vi = validate(read_source(path, layer="incidents"), demo_con, lang="vi")
    assert {(p.row, p.column) for p in vi.problems} == set(got)
    assert any(p.reason == "ngày không tồn tại: 31/02/2024" for p in vi.problems)


def test_far_point_distance_is_measured_in_metres(demo_con, files):
    belt = gpd.GeoSeries([study_area(demo_con)], crs=4326).to_crs(32648).iloc[0]
    lat, lon = HANOI
    expected_km = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(32648).distance(belt).iloc[0] / 1000
    path = files.csv("far.csv", HEADER, [["F-1", "2024-04-03", lat, lon, "250", "heroin"] + [None] * 5])
    [p] = validate(read_source(path, layer="incidents"), demo_con, lang="en").problems
    assert p.reason == f"{expected_km:.1f} km from the border belt (limit 50 km)"
    assert validate(read_source(path, layer="incidents"), demo_con, max_distance_km=expected_km + 1).ok
    assert not validate(read_source(path, layer="incidents"), demo_con, max_distance_km=expected_km - 1).ok


def test_point_a_little_outside_the_belt_is_fine(demo_con, files):
    belt = gpd.GeoSeries([study_area(demo_con)], crs=4326).to_crs(32648)
    outside = belt.buffer(5_000).boundary.to_crs(4326).iloc[0]          # 5 km outside the belt
    p = outside.interpolate(0.3, normalized=True)
    path = files.csv("near.csv", HEADER, [["N-1", "2024-04-03", p.y, p.x, "250", "heroin"] + [None] * 5])
    report = validate(read_source(path, layer="incidents"), demo_con)
    assert report.ok, report.problems
    assert not validate(read_source(path, layer="incidents"), demo_con, max_distance_km=4).ok


def _incident_gdf(geoms):
    n = len(geoms)
    return gpd.GeoDataFrame({"id": [f"G-{k}" for k in range(n)], "occurred_at": ["2024-04-03"] * n,
                             "article": ["250"] * n, "drug": ["heroin"] * n}, geometry=geoms, crs=4326)


def test_geometry_rules(demo_con, files, village_points):
    lat, lon = village_points[0]
    geoms = [Point(lon, lat), LineString([(lon, lat), (lon + 0.01, lat)]), None,
             MultiPoint([(lon, lat)]), MultiPoint([(lon, lat), (lon + 0.01, lat)])]
    path = files.gis("geoms.gpkg", _incident_gdf(geoms))
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    got = {p.row: p.reason for p in report.problems}
    assert set(got) == {2, 3, 5}
    assert got[2] == "wrong geometry type: LineString (this layer takes: Point)"
    assert got[3] == "geometry missing"
    assert got[5] == "wrong geometry type: MultiPoint (this layer takes: Point)"
    assert all(p.column == "geometry" for p in report.problems)
    assert list(report.valid.geometry.geom_type) == ["Point", "Point"]   # single-part multipoint → point


def test_self_intersecting_polygon(demo_con, files, village_points):
    lat, lon = village_points[0]
    d = 0.01
    bowtie = Polygon([(lon, lat), (lon + d, lat + d), (lon + d, lat), (lon, lat + d), (lon, lat)])
    square = Polygon([(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d)])
    gdf = gpd.GeoDataFrame({"id": ["X-1", "X-2"], "name": ["Thôn Nơ", "Thôn Vuông"], "commune": ["A Dơi"] * 2},
                           geometry=[bowtie, square], crs=4326)
    report = validate(read_source(files.gis("v.geojson", gdf), layer="villages"), demo_con, lang="en")
    [p] = report.problems
    assert (p.row, p.column) == (1, "geometry") and p.reason.startswith("invalid geometry: Self-intersection")
    report = validate(read_source(files.gis("t.geojson", gdf.assign(kind="trail")), layer="trails"), demo_con,
                      lang="en")
    assert {p.reason for p in report.problems} == {
        "wrong geometry type: Polygon (this layer takes: LineString, MultiLineString)"}


def test_stored_rows_identical_changed_and_replace(demo_con, files):
    stored = stored_incident(demo_con)
    same = as_row(stored)
    moved = as_row(dict(stored, lat=stored["lat"] + 0.001, description="đã sửa"))
    path = files.csv("st.csv", HEADER, [same, ["NEW-1"] + same[1:]])
    report = validate(read_source(path, layer="incidents"), demo_con)
    assert report.ok and (report.new, report.unchanged, report.changed) == (1, 1, 0)
    path = files.csv("st2.csv", HEADER, [moved])
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    [p] = report.problems
    assert "(description, geometry)" in p.reason
    report = validate(read_source(path, layer="incidents"), demo_con, replace=True)
    assert report.ok and report.changed == 1 and list(report.to_write()["_status"]) == ["changed"]


def test_village_status_has_no_geometry_and_needs_known_villages(demo_con, files):
    header = ["Mã thôn", "Trạng thái", "Ngày quyết định", "Số quyết định", "Hạn xem xét", "Ghi chú"]
    rows = [["V-001", "Được công nhận", "15/03/2025", "12/QĐ-UBND", "15/03/2026", "Công nhận lại"],
            ["V-999", "recognised", "2025-03-15", None, None, None],
            ["V-002", "thu hồi", "31/04/2025", None, None, None],
            ["V-001", "RECOGNISED", "2025-03-15", None, None, "trùng"]]
    for path in (files.csv("vs.csv", header, rows), files.xlsx("vs.xlsx", header, rows)):
        src = read_source(path, layer="village_status")
        assert src.coords is None and src.mapping["Mã thôn"] == "village_id"
        report = validate(src, demo_con, lang="en")
        got = {(p.row, p.column): p.reason for p in report.problems}
        assert got == {(3, "Mã thôn"): "no village with id V-999 in the villages layer",
                       (4, "Ngày quyết định"): "impossible date: 31/04/2025",
                       (5, "Mã thôn"): "duplicate id V-001 / recognised / 2025-03-15 (already in row 2)"}
        first = report.valid.iloc[0]
        assert (first["status"], str(first["decided_on"]), first["decision_ref"]) == (
            "recognised", "2025-03-15", "12/QĐ-UBND")


def test_missing_required_column_is_a_file_problem(demo_con, files, incident_rows):
    rows = [r[:5] + r[6:] for r in incident_rows]
    path = files.csv("nodrug.csv", [h for h in HEADER if h != "drug"], rows)
    report = validate(read_source(path, layer="incidents", lang="vi"), demo_con, lang="en")
    [p] = report.problems
    assert (p.row, p.column) == (None, "drug") and "required column drug is missing" in p.reason
    assert report.file_problems == [p]
    with pytest.raises(ValidationError):
        import_file(demo_con, "incidents", path, skip_invalid=True)


def test_mapping_renames_columns(demo_con, files, incident_rows):
    header = ["so_hieu", "thoi_diem", "vd", "kd", "dieu_luat", "chat", "kl", "vien", "nguoi", "don", "ghi"]
    path = files.csv("m.csv", header, incident_rows)
    mapping = {"so_hieu": "id", "THOI_DIEM": "occurred_at", "vd": "lat", "kd": "lon", "dieu_luat": "article",
               "chat": "drug", "kl": "quantity_g", "vien": "tablets", "nguoi": "persons", "don": "station_id",
               "ghi": "description"}
    src = read_source(path, layer="incidents", mapping=mapping)
    assert validate(src, demo_con).new == 5
    bare = read_source(path, layer="incidents", mapping={"vd": "lat", "kd": "lon"})
    # "dieu_luat", "vien" and "don" are recognised on their own (điều luật, viên, đồn)
    assert bare.mapping == {"vd": "lat", "kd": "lon", "dieu_luat": "article", "vien": "tablets", "don": "station_id"}
    assert bare.unmapped() == ["so_hieu", "thoi_diem", "chat", "kl", "nguoi", "ghi"]
    assert {p.column for p in validate(bare, demo_con).file_problems} == {"id", "occurred_at", "drug"}
    assert validate(bare.with_mapping(mapping), demo_con).new == 5


@pytest.mark.parametrize("mapping, words", [
    ({"nope": "id"}, "no column nope"),
    ({"so_hieu": "identifier"}, "not a valid field"),
    ({"so_hieu": "id", "ghi": "id"}, "two columns map to id"),
])
def test_bad_mapping_is_refused(files, mapping, words):
    path = files.csv("m.csv", ["so_hieu", "ghi", "lat", "lon"], [["a", "b", 16.6, 106.6]])
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", mapping=mapping, lang="en")
    assert words in str(err.value)
    if words == "not a valid field":
        assert "occurred_at" in str(err.value) and "lat" in str(err.value)


def test_two_columns_that_look_alike_are_refused(files):
    path = files.csv("two.csv", ["id", "lat", "latitude", "lon"], [["a", 16.6, 16.6, 106.6]])
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    assert "lat and latitude both look like lat" in str(err.value)
    assert read_source(path, layer="incidents", mapping={"latitude": "lat"}).column_for("lat") == "latitude"


def test_station_given_by_name(demo_con, files, incident_rows):
    rows = [r[:9] + ["Đồn Biên phòng Cửa khẩu Quốc tế Lao Bảo"] + r[10:] for r in incident_rows]
    report = validate(read_source(files.csv("st.csv", HEADER, rows), layer="incidents"), demo_con)
    assert report.ok and set(report.valid["station_id"]) == {"DBP-LAOBAO"}



def test_station_given_by_a_part_of_its_name_or_ambiguous(demo_con, files, incident_rows):
    rows = [r[:9] + ["lao bao"] + r[10:] for r in incident_rows]
    report = validate(read_source(files.csv("part.csv", HEADER, rows), layer="incidents"), demo_con)
    assert report.ok and set(report.valid["station_id"]) == {"DBP-LAOBAO"}
    rows = [r[:9] + ["Hướng"] + r[10:] for r in incident_rows]
    report = validate(read_source(files.csv("amb.csv", HEADER, rows), layer="incidents"), demo_con, lang="en")
    assert not report.ok
    reasons = {p.reason for p in report.problems if p.column == "station_id"}
    assert len(reasons) == 1 and "several" in reasons.pop()

def test_row_with_wrong_field_count(demo_con, files, incident_rows):
    path = files.csv("fc.csv", HEADER, incident_rows)
    text = path.read_text().splitlines()
    text[2] = text[2] + ",extra"
    path.write_text("\n".join(text) + "\n")
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    [p] = report.problems
    assert (p.row, p.column) == (3, None) and p.reason == "the row has 12 values, the header has 11 columns"


def test_valid_frame_is_canonical(demo_con, files, incident_rows):
    report = validate(read_source(files.csv("c.csv", HEADER, incident_rows), layer="incidents"), demo_con)
    v = report.valid
    assert isinstance(v, gpd.GeoDataFrame) and v.crs.to_epsg() == 4326
    assert list(v["drug"]) == ["methamphetamine", "methamphetamine", "synthetic_tablets", "heroin", "opium"]
    assert str(v["occurred_at"].dtype).startswith("datetime64")
    assert v["occurred_at"].iloc[0] == pd.Timestamp("2024-04-03 14:30")
    assert list(v["_row"]) == [2, 3, 4, 5, 6]       # file rows: the header is row 1
    assert shapely.get_x(v.geometry.values[0]) == incident_rows[0][3]
