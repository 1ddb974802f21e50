"""Coordinates: DMS, column names, swapped axes, CRS from file or --crs, VN-2000 within 1 m."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Geod, Transformer
from shapely.geometry import Point

from core.errors import InputError, ValidationError
from data.importers import import_file, read_source, validate
from data.importers.coords import coordinate_role, parse_degrees
from data.importers.values import BadValue

GEOD = Geod(ellps="WGS84")
HEADER = ["id", "occurred_at", "article", "drug"]


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.abs(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize("text, axis, expected", [
    ('16°36\'50.6"N', "lat", 16 + 36 / 60 + 50.6 / 3600),
    ("16° 36' 50.6\" N", "lat", 16 + 36 / 60 + 50.6 / 3600),
    ("N 16 36 50.6", "lat", 16 + 36 / 60 + 50.6 / 3600),
    ("16°36′50,6″N", "lat", 16 + 36 / 60 + 50.6 / 3600),       # typographic marks, decimal comma
    ("106°36’02”E", "lon", 106 + 36 / 60 + 2 / 3600),
    ("16°36.843'N", "lat", 16 + 36.843 / 60),                 # degrees and decimal minutes
    ("16:36:50.6", "lat", 16 + 36 / 60 + 50.6 / 3600),
    ("16.6140", "lat", 16.614),
    ("16,6140", "lat", 16.614),
    ("-16.5", "lat", -16.5),
    ('16°30\'00"S', "lat", -16.5),
    ("106°30'W", "lon", -106.5),
    (106.6, "lon", 106.6),
])
def test_degrees_decimal_and_dms(text, axis, expected):
    assert parse_degrees(text, axis=axis) == pytest.approx(expected, abs=1e-12)


def test_hemisphere_of_the_other_axis_says_swapped():
    with pytest.raises(BadValue) as err:
        parse_degrees("106°36'02\"E", axis="lat")
    assert err.value.key == "import.coord_swapped_hemi"


@pytest.mark.parametrize("text", ["abc", "16°75'", "16°30'75\"", "16 30 20 10", "N-16", "16-36-50", "nan", "1e400"])
def test_unreadable_degrees(text):
    with pytest.raises(BadValue) as err:
        parse_degrees(text, axis="lat")
    assert err.value.key == "import.bad_coord"


@pytest.mark.parametrize("name, role", [
    ("lat", "lat"), ("Latitude", "lat"), ("Vĩ độ", "lat"), ("vi do", "lat"), ("VĨ ĐỘ", "lat"),
    ("lon", "lon"), ("lng", "lon"), ("long", "lon"), ("Longitude", "lon"), ("Kinh độ", "lon"), ("kinh do", "lon"),
    ("x", "x"), ("Y", "y"), ("WKT", "wkt"), ("name", None), ("latest", None),
])
def test_coordinate_column_names(name, role):
    assert coordinate_role(name) == role


def test_vietnamese_headers_and_dms_values_import(demo_con, files, village_points):
    lat, lon = village_points[0]
    dms_lat = f"{int(lat)}°{int(lat * 60 % 60)}'{(lat * 3600) % 60:.4f}\"N"
    dms_lon = f"{int(lon)}°{int(lon * 60 % 60)}'{(lon * 3600) % 60:.4f}\"E"
    path = files.csv("vn.csv", ["Mã", "Ngày", "Vĩ độ", "Kinh độ", "Điều", "Loại ma túy"],
                     [["DMS-1", "03/04/2024", dms_lat, dms_lon, "250", "ma túy đá"]])
    src = read_source(path, layer="incidents")
    assert src.coords == "latlon"
    assert src.mapping["Vĩ độ"] == "lat" and src.mapping["Kinh độ"] == "lon" and src.mapping["Ngày"] == "occurred_at"
    import_file(demo_con, "incidents", path)
    got = demo_con.execute("SELECT lon, lat FROM incidents WHERE id = 'DMS-1'").fetchone()
    assert metres(got[0], got[1], lon, lat) < 0.01


def test_swapped_lat_lon_columns_are_reported(demo_con, files, village_points):
    lat, lon = village_points[0]
    path = files.csv("swap.csv", HEADER + ["lat", "lon"], [["S-1", "2024-04-03", "250", "heroin", lon, lat]])
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    [p] = report.problems
    assert (p.file, p.row, p.column) == ("swap.csv", 2, "lat")
    assert "swapped?" in p.reason and str(lon) in p.reason
    report = validate(read_source(path, layer="incidents"), demo_con, lang="vi")
    assert "nhầm cột vĩ độ và kinh độ?" in report.problems[0].reason


def test_swapped_geojson_coordinates_are_reported(demo_con, files, village_points):
    lat, lon = village_points[0]
    gdf = gpd.GeoDataFrame({"id": ["S-2"], "occurred_at": ["2024-04-03"], "article": ["250"], "drug": ["heroin"]},
                           geometry=[Point(lat, lon)], crs=4326)
    path = files.gis("swap.geojson", gdf)
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    [p] = report.problems
    assert p.column == "geometry" and "swapped?" in p.reason


def test_out_of_range_longitude(demo_con, files):
    path = files.csv("lon.csv", HEADER + ["lat", "lon"], [["R-1", "2024-04-03", "250", "heroin", 16.6, 200.5]])
    [p] = validate(read_source(path, layer="incidents"), demo_con, lang="en").problems
    assert p.column == "lon" and "200.5" in p.reason and "out of range" in p.reason


def test_lat_lon_csv_without_crs_is_wgs84_exactly(demo_con, files, village_points):
    lat, lon = village_points[3]
    path = files.csv("wgs.csv", HEADER + ["lat", "lon"], [["W-1", "2024-04-03", "250", "heroin", lat, lon]])
    import_file(demo_con, "incidents", path)
    assert demo_con.execute("SELECT lat, lon FROM incidents WHERE id = 'W-1'").fetchone() == (lat, lon)


VN2000_PROJ = ("+proj=tmerc +lat_0=0 +lon_0=106.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
               "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 "
               "+units=m +no_defs")


@pytest.mark.parametrize("crs", ["vn2000-quangtri", "EPSG:9212", "9212", VN2000_PROJ])
def test_vn2000_xy_lands_within_1_m_of_wgs84(demo_con, files, village_points, crs):
    """Points converted independently (pyproj, EPSG:4326 → EPSG:9212), written as x/y, imported with --crs."""
    pts = village_points[:4]
    lat = np.array([p[0] for p in pts])
    lon = np.array([p[1] for p in pts])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:9212", always_xy=True).transform(lon, lat)
    rows = [[f"VN-{k}", "2024-04-03", "250", "heroin", f"{x[k]:.3f}", f"{y[k]:.3f}"] for k in range(len(pts))]
    path = files.csv("vn2000.csv", HEADER + ["x", "y"], rows)
    import_file(demo_con, "incidents", path, crs=crs)
    got = demo_con.execute("SELECT lon, lat FROM incidents WHERE id LIKE 'VN-%' ORDER BY id").fetchall()
    d = metres(np.array([g[0] for g in got]), np.array([g[1] for g in got]), lon, lat)
    assert d.max() < 1.0
    # the datum shift matters: reading the same VN-2000 coordinates as if they were WGS 84 is ~hundreds of m off
    lon_naive, lat_naive = Transformer.from_crs("EPSG:4756", "EPSG:4326", always_xy=True).transform(lon, lat)
    assert metres(lon_naive, lat_naive, lon, lat).min() > 100


def test_vn2000_shapefile_with_prj_needs_no_crs(demo_con, files, village_points, make_gdf, incident_rows):
    gdf = make_gdf(incident_rows).to_crs("EPSG:9212")
    path = files.shp("vn2000", gdf)
    src = read_source(path, layer="incidents")
    assert src.crs.to_epsg() == 9212
    import_file(demo_con, "incidents", path)
    got = demo_con.execute("SELECT lon, lat FROM incidents WHERE id LIKE 'IMP-%' ORDER BY id").fetchall()
    want = make_gdf(incident_rows).sort_values("id")
    assert metres(np.array([g[0] for g in got]), np.array([g[1] for g in got]),
                  want.geometry.x.to_numpy(), want.geometry.y.to_numpy()).max() < 1.0


def test_file_crs_wins_over_crs_option_with_a_note(demo_con, files, make_gdf, incident_rows):
    path = files.gis("inc.gpkg", make_gdf(incident_rows).to_crs("EPSG:32648"))
    src = read_source(path, layer="incidents", crs="vn2000-quangtri", lang="en")
    assert src.crs.to_epsg() == 32648
    assert any("ignored" in n for n in src.notes)
    assert validate(src, demo_con).ok


def test_xy_without_crs_is_refused(demo_con, files):
    path = files.csv("xy.csv", HEADER + ["x", "y"], [["X-1", "2024-04-03", "250", "heroin", "537253", "1837549"]])
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    assert "--crs" in str(err.value) and "xy.csv" in str(err.value)
    assert "\n" not in str(err.value)


def test_lat_lon_with_a_projected_crs_is_refused(files):
    path = files.csv("ll.csv", HEADER + ["lat", "lon"], [["X-1", "2024-04-03", "250", "heroin", "16.6", "106.6"]])
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", crs="vn2000-quangtri", lang="en")
    assert "projected" in str(err.value)


def test_lat_lon_in_vn2000_geographic_is_shifted(demo_con, files, village_points):
    lat, lon = village_points[1]
    vlon, vlat = Transformer.from_crs("EPSG:4326", "EPSG:4756", always_xy=True).transform(lon, lat)
    path = files.csv("geo.csv", HEADER + ["lat", "lon"], [["G-1", "2024-04-03", "250", "heroin", vlat, vlon]])
    import_file(demo_con, "incidents", path, crs="vn2000")
    got = demo_con.execute("SELECT lon, lat FROM incidents WHERE id = 'G-1'").fetchone()
    assert metres(got[0], got[1], lon, lat) < 1.0


def test_unknown_crs_is_one_line(files):
    path = files.csv("xy.csv", HEADER + ["x", "y"], [["X-1", "2024-04-03", "250", "heroin", "1", "2"]])
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", crs="EPSG:99999999", lang="en")
    assert str(err.value).startswith("Unknown CRS: EPSG:99999999")


def test_no_coordinate_columns(files):
    path = files.csv("none.csv", HEADER, [["N-1", "2024-04-03", "250", "heroin"]])
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    assert "no coordinate columns" in str(err.value) and "--map" in str(err.value)
    with pytest.raises(InputError) as err:
        read_source(files.csv("half.csv", HEADER + ["lat"], [["N-1", "2024-04-03", "250", "heroin", "16"]]),
                    layer="incidents", lang="en")
    assert "lon" in str(err.value)


def test_unreadable_coordinate_is_a_row_problem(demo_con, files, village_points):
    lat, lon = village_points[0]
    path = files.csv("bad.csv", HEADER + ["lat", "lon"], [["B-1", "2024-04-03", "250", "heroin", "mười sáu", lon],
                                                           ["B-2", "2024-04-03", "250", "heroin", lat, lon]])
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang="en")
    [p] = err.value.problems
    assert (p.row, p.column) == (2, "lat") and "mười sáu" in p.reason


# -- Vietnamese hemisphere letters (issue 11 §2) ---------------------------------------------

LAT = 16 + 36 / 60 + 50.6 / 3600


@pytest.mark.parametrize("text, axis, expected", [
    ('16°36\'50,6"B', "lat", LAT),
    ("16° 36' 50,6\" Bắc", "lat", LAT),
    ("16° 36′ 50,6″ bắc", "lat", LAT),
    ('B 16°36\'50,6"', "lat", LAT),
    ("B16°36'50,6\"", "lat", LAT),
    ("16 36 50,6 B", "lat", LAT),
    ("16 42 00 B", "lat", 16.7),
    ("16 42 00 BAC", "lat", 16.7),
    ("16°30'00\" Nam", "lat", -16.5),
    ('106°36\'02"Đ', "lon", 106 + 36 / 60 + 2 / 3600),
    ("Đông 106 36 02", "lon", 106 + 36 / 60 + 2 / 3600),
    ("106 30 00 T", "lon", -106.5),
    ("106°30' Tây", "lon", -106.5),
])
def test_vietnamese_hemisphere_letters(text, axis, expected):
    assert parse_degrees(text, axis=axis) == pytest.approx(expected, abs=1e-12)


def test_n_is_nam_next_to_vietnamese_letters_and_north_next_to_e_w():
    assert parse_degrees("16 30 00 N", axis="lat", letters="vi") == -16.5
    assert parse_degrees("16 30 00 N", axis="lat", letters="en") == 16.5
    assert parse_degrees("16 30 00 N", axis="lat") == 16.5


@pytest.mark.parametrize("text, axis", [('16°36\'50"Đ', "lat"), ("106 36 00 B", "lon")])
def test_vietnamese_letter_of_the_other_axis_says_swapped(text, axis):
    with pytest.raises(BadValue) as err:
        parse_degrees(text, axis=axis)
    assert err.value.key == "import.coord_swapped_hemi"


def test_vietnamese_dms_file_imports_and_n_follows_the_row(demo_con, files, village_points):
    def dms(x: float, letter: str, comma=True) -> str:
        d = int(x)
        m = int((x - d) * 60)
        sec = round(((x - d) * 60 - m) * 60, 1)
        text = f"{d}°{m:02d}'{sec:04.1f}\""
        return (text.replace(".", ",") if comma else text) + letter
    (la0, lo0), (la1, lo1), (la2, lo2) = village_points[:3]
    rows = [["D-1", "2024-04-03", "250", "heroin", dms(la0, "B"), dms(lo0, "Đ")],
            ["D-2", "2024-04-03", "250", "heroin", "B " + dms(la1, ""), "Đông " + dms(lo1, "")],
            ["D-3", "2024-04-03", "250", "heroin", dms(la2, " N", comma=False), dms(lo2, " E", comma=False)],
            ["D-4", "2024-04-03", "250", "heroin", dms(la2, " N"), dms(lo2, " Đ")]]   # N next to Đ: Nam
    path = files.csv("dms.csv", ["id", "occurred_at", "article", "drug", "Vĩ độ", "Kinh độ"], rows)
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    assert [(p.row, p.column) for p in report.problems] == [(5, "Vĩ độ/Kinh độ")]    # the Nam row: far south
    assert "latitude" in report.problems[0].reason or "km" in report.problems[0].reason
    got = report.valid.sort_values("id")
    want = village_points[:3]
    assert metres(got.geometry.x.to_numpy(), got.geometry.y.to_numpy(),
                  [p[1] for p in want], [p[0] for p in want]).max() < 3.5      # 0.1" of arc ≈ 3 m


@pytest.mark.parametrize("lang, words", [("en", ["unreadable coordinate: mười sáu", "16°36'50,6\"B"]),
                                         ("vi", ["tọa độ không đọc được: mười sáu", "16°36'50,6\"B"])])
def test_refused_coordinate_shows_an_accepted_example(demo_con, files, village_points, lang, words):
    lat, lon = village_points[0]
    path = files.csv("bad.csv", HEADER + ["lat", "lon"], [["X-1", "2024-04-03", "250", "heroin", "mười sáu", lon]])
    (p,) = validate(read_source(path, layer="incidents"), demo_con, lang=lang).problems
    for w in words:
        assert w in p.reason


# -- round trips (Hypothesis): any degrees written the ways a form or a GPS unit writes them read back --------

_HEMIS = {  # axis -> (positive words, negative words), each as a person would type them
    "lat": (("N", "B", "Bắc", "bắc", "BAC"), ("S", "Nam")),
    "lon": (("E", "Đ", "Đông", "DONG"), ("W", "T", "Tây", "TAY")),
}
_MARKS = (("°", "'", '"'), ("°", "′", "″"), ("º", "’", "”"), (" ", " ", ""), (":", ":", ""))


@st.composite
def _dms_text(draw: st.DrawFn) -> tuple[str, str, float]:
    """``(text, axis, value)``: whole degrees and minutes, seconds with up to 3 decimals, marks, decimal
    point or comma, a hemisphere word before or after; ``value`` computed from the same integers."""
    axis = draw(st.sampled_from(("lat", "lon")))
    deg = draw(st.integers(0, 89 if axis == "lat" else 179))
    minutes = draw(st.integers(0, 59))
    millis = draw(st.integers(0, 59_999))
    negative = draw(st.booleans())
    word = draw(st.sampled_from(_HEMIS[axis][negative]))
    d_mark, m_mark, s_mark = draw(st.sampled_from(_MARKS))
    comma = draw(st.booleans())
    sec = f"{millis // 1000}.{millis % 1000:03d}".replace(".", "," if comma else ".")
    number = f"{deg}{d_mark}{minutes:02d}{m_mark}{sec}{s_mark}"
    text = f"{word} {number}" if draw(st.booleans()) else f"{number} {word}"
    value = (deg + minutes / 60 + millis / 3_600_000) * (-1 if negative else 1)
    return text, axis, value


@given(_dms_text())
def test_dms_round_trip(case: tuple[str, str, float]) -> None:
    text, axis, value = case
    assert parse_degrees(text, axis=axis) == pytest.approx(value, abs=1e-12)


@given(st.floats(-180, 180, allow_nan=False), st.booleans())
def test_decimal_degrees_round_trip_exactly(value: float, comma: bool) -> None:
    text = repr(value)
    if comma and "e" not in text:
        text = text.replace(".", ",")            # a decimal comma, as Vietnamese spreadsheets write it
    assert parse_degrees(text, axis="lon") == value
    assert parse_degrees(value, axis="lon") == value


@given(_dms_text())
def test_a_hemisphere_word_and_a_minus_sign_together_are_refused(case: tuple[str, str, float]) -> None:
    text, axis, _ = case
    word_first = not text[0].isdigit()
    signed = text.replace(" ", " -", 1) if word_first else "-" + text
    with pytest.raises(BadValue) as err:
        parse_degrees(signed, axis=axis)
    assert err.value.key == "import.bad_coord"


def test_whole_degree_cells_then_one_other_cell_are_read_at_once():
    """A column of whole degrees (``16``) with one cell of another form after them: the column check
    backtracked exponentially in the number of cells (22 cells: 0.4 s; 60: years). The plain cells are read
    at once, the other one is left to the general parser, which reads it."""
    from data.importers import coords

    column = ["16"] * 60 + ["16°36'50.6\"N"]
    got = coords.plain_degrees(column)
    assert list(got[:60]) == [16.0] * 60 and np.isnan(got[60])
    assert parse_degrees(column[60], axis="lat") == pytest.approx(16 + 36 / 60 + 50.6 / 3600, abs=1e-12)


@given(st.text(alphabet=st.sampled_from(list("0123456789 .\t\n°'\"NSEWBĐTÔGAMYẮCDO,-+١x\u00a0")), max_size=14))
def test_trailing_hemisphere_word_is_the_regex_s_answer(text):
    """The linear reading of a hemisphere word after the number gives what the reference regex gives."""
    from data.importers import coords

    m = coords._TRAILING.fullmatch(text)
    assert coords._trailing_word(text) == ((m.group(2), m.group(1)) if m else None)


def test_a_long_cell_is_read_in_linear_time_and_refused():
    """200,000 characters (a CSV cell may hold that much) with no number form: refused, not a minutes-long
    search (the hemisphere regex was quadratic: 20,000 characters took 2.5 s)."""
    for text in ("1." * 100_000, "1 " * 100_000 + "N", "1" * 200_000 + "Đ"):
        with pytest.raises(BadValue):
            parse_degrees(text, axis="lat")


@pytest.mark.parametrize("text, axis", [('17°20"B', "lat"), ('106°03"Đ', "lon"), ("106°36\"03'", "lon"),
                                        ("16°36°50°", "lat"), ("16'", "lat"), ("°16", "lat")])
def test_a_mark_on_the_wrong_number_is_refused(text, axis):
    """``17°20"`` has a seconds mark on the second number: read by position it became 17°20' (36 km off).
    A mark must follow the number of its rank (° the first, ' the second, " the third)."""
    with pytest.raises(BadValue):
        parse_degrees(text, axis=axis)


def test_two_primes_for_seconds_are_seconds():
    """``50.6''`` (two apostrophes, as typed on a keyboard without ″) is seconds."""
    want = 16 + 36 / 60 + 50.6 / 3600
    assert parse_degrees("16°36'50.6''N", axis="lat") == parse_degrees('16°36\'50.6"N', axis="lat") == want


def test_a_seconds_mark_after_the_minutes_is_a_row_problem(demo_con, files, village_points):
    lat, lon = village_points[0]
    path = files.csv("marks.csv", HEADER + ["lat", "lon"], [["M-1", "2024-04-03", "250", "heroin", '17°20"B', lon],
                                                             ["M-2", "2024-04-03", "250", "heroin", lat, lon]])
    [p] = validate(read_source(path, layer="incidents"), demo_con, lang="en").problems
    assert (p.row, p.column) == (2, "lat") and '17°20"B' in p.reason
