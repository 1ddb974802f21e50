"""The importer's column-at-once fast paths give exactly what the per-cell rules give (issue #15).

Generated columns mix plain decimals, DMS with Vietnamese and English letters, decimal commas, blanks,
white space, control characters and junk; every value and every refusal (row, column, reason) must match.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.importers import coords, geometry
from data.importers import number_format as numbers
from data.importers.source import _number_samples
from data.importers.validate import FileKeys, _cells, _check_duplicates, _key_text, _parse_column, lao_points
from data.importers.values import (
    BadValue,
    clean_text,
    clean_texts,
    is_blank,
    parse_float,
    parse_timestamp,
    parse_timestamps,
)
from data.schema import LAYERS

_PLAIN = st.floats(min_value=-200, max_value=200, allow_nan=False).map(repr)
_FIXED = st.builds(lambda x, d: f"{x:.{d}f}", st.floats(min_value=-200, max_value=200), st.integers(0, 12))
_DMS = st.builds(lambda d, m, s, h: f"{d}°{m}'{s:.1f}\"{h}", st.integers(0, 120), st.integers(0, 59),
                 st.floats(min_value=0, max_value=59.9), st.sampled_from(["N", "B", "E", "Đ", "S", "T", "W", ""]))
_COMMA = _FIXED.map(lambda s: s.replace(".", ","))
_ODD = st.sampled_from(["", "  ", " 16.5", "16.5 ", "16.", ".5", "+16.5", "1" * 400, "inf", "nan", "1e3",
                        "16_5", "abc", "16.5.5", "16,614,1", "Đ 106 36 03", "16 36 50.6 N", "\x0016.5", "١٦.٥",
                        "16.5\n17.5", "-", "'16.5"])
_CELL = st.one_of(_PLAIN, _FIXED, _DMS, _COMMA, _ODD, st.text(max_size=8))
_COLUMN = st.lists(_CELL, min_size=1, max_size=40)


def _reference_build(lat: list, lon: list) -> tuple[np.ndarray, np.ndarray, list]:
    """The per-cell reading of lat/lon columns, as geometry.build did it before its fast path."""
    problems: list = []
    a, b = np.full(len(lat), np.nan), np.full(len(lat), np.nan)
    for arr, col, role, vals, other in ((a, "lon", "lon", lon, lat), (b, "lat", "lat", lat, lon)):
        for i, v in enumerate(vals):
            if is_blank(v):
                problems.append((i, col, "import.required", {}))
                continue
            try:
                letters = coords.hemisphere(v)[1] or coords.hemisphere(other[i])[1]
                arr[i] = coords.parse_degrees(v, axis=role, letters=letters)
            except BadValue as exc:
                problems.append((i, col, exc.key, exc.fields))
    return a, b, problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_degree_columns_read_at_once_equal_the_per_cell_reading(data) -> None:
    lat = data.draw(_COLUMN)
    lon = data.draw(st.lists(_CELL, min_size=len(lat), max_size=len(lat)))
    got: list = []
    source = SimpleNamespace(coords="latlon", frame=pd.DataFrame({"lat": lat, "lon": lon}, dtype=object),
                             column_for={"lat": "lat", "lon": "lon"}.get, crs=None, numbers=numbers.NONE)
    points, label = geometry.build(source, lambda i, col, key, **fields: got.append((i, col, key, fields)))
    a, b, want = _reference_build(lat, lon)
    ok = np.isfinite(a) & np.isfinite(b)
    for k in np.flatnonzero(ok):                 # the range check of build, on the reference values
        hit = coords.check_lat_lon(b[k], a[k])
        if hit:
            want.append((int(k), "lat" if hit[0] == "lat" else "lon", hit[1], hit[2]))
            a[k] = b[k] = np.nan
    assert got == want and label == "lat/lon"
    present = ~shapely.is_missing(points)
    assert np.array_equal(present, np.isfinite(a) & np.isfinite(b))
    assert np.array_equal(shapely.get_x(points[present]), a[present])
    assert np.array_equal(shapely.get_y(points[present]), b[present])


@settings(max_examples=300, deadline=None)
@given(_COLUMN)
def test_plain_degrees_are_parse_degrees_or_deferred(column: list) -> None:
    fast = coords.plain_degrees(column)
    for v, x in zip(column, fast, strict=True):
        if not np.isnan(x):
            assert x == coords.parse_degrees(v, axis="lat")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aáđ Ơ\u0301\u0300\r\n\t\x00\x85\u202e\u2000e̊x,.'\ue000")),
                        max_size=8), max_size=30))
def test_clean_texts_equals_clean_text(column: list) -> None:
    assert clean_texts(column) == [clean_text(v) for v in column]


_TIMES = st.builds(lambda y, mo, d, h, mi, s: f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
                   st.integers(0, 2200), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25),
                   st.integers(0, 61), st.integers(0, 61))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TIMES, _ODD), max_size=30))
def test_timestamps_read_at_once_are_parse_timestamp_or_deferred(column: list) -> None:
    for v, got in zip(column, parse_timestamps(column), strict=True):
        if got is not None:
            assert got == parse_timestamp(v) and type(got) is type(parse_timestamp(v))


_FIELDS = {f.name: f for f in LAYERS["incidents"].fields}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(_FIELDS)), st.lists(st.one_of(_CELL, _TIMES, st.sampled_from(
    ["heroin", "ma túy đá", "250", "Điều 249", "12", "1.500", "2,5", "0", "-3"])), min_size=1, max_size=40))
def test_text_column_parse_equals_per_cell_parse(name: str, column: list) -> None:
    """A column of text takes the distinct-values path; one None cell at its end sends it cell by cell."""
    f = _FIELDS[name]
    conv = numbers.Convention(numbers.COMMA)
    fast_problems: list = []
    slow_problems: list = []
    fast = _parse_column(column, f, name, lambda *a, **k: fast_problems.append((a, k)), "en", conv)
    slow = _parse_column(column + [None], f, name, lambda *a, **k: slow_problems.append((a, k)), "en", conv)
    assert fast == slow[:-1]
    assert [type(x) for x in fast] == [type(x) for x in slow[:-1]]
    assert fast_problems == [p for p in slow_problems if p[0][0] != len(column)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=40), st.sampled_from([None, ";", ","]))
def test_number_evidence_from_distinct_texts_decides_like_every_cell(rows: list, delimiter: str | None) -> None:
    frame = pd.DataFrame(rows, columns=["Vĩ độ", "g", "viên"], dtype=object)
    cols = {"Vĩ độ": "lat", "g": "quantity_g", "viên": "tablets"}
    spec, row_numbers = LAYERS["incidents"], np.arange(2, len(rows) + 2)

    def every_cell():
        for col, tgt in cols.items():
            coord = {"lat": "degrees"}.get(tgt)
            for row, v in zip(row_numbers, frame[col].tolist(), strict=True):
                if isinstance(v, str) and v.strip():
                    yield col, int(row), v.strip(), coord

    assert (numbers.decide(_number_samples(frame, cols, spec, row_numbers), delimiter=delimiter)
            == numbers.decide(every_cell(), delimiter=delimiter))


_CONVENTIONS = [numbers.NONE, numbers.Convention(numbers.COMMA), numbers.Convention(numbers.POINT),
                numbers.Convention(mixed=True)]
_NUMBER_TEXT = st.one_of(st.from_regex(r"[0-9]{1,5}(?:[.,][0-9]{1,4})?", fullmatch=True), st.sampled_from(
    ["1" * 400, "1" * 400 + ".5", ".5", "5.", "١٢.٥", "1.234,5", "1,234.5", "-3.5", " 2.5", "0.0", "007", "1.500"]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(_FIELDS)), st.sampled_from(_CONVENTIONS),
       st.lists(st.one_of(_NUMBER_TEXT, _CELL, _TIMES), min_size=1, max_size=40))
def test_arrow_text_column_parse_equals_per_cell_parse(name: str, conv, column: list) -> None:
    """The columnar CSV read's Arrow text columns (factorized in Arrow, plain quantities read at once) give
    what the per-cell loop gives, under every number convention."""
    f = _FIELDS[name]
    fast_problems: list = []
    slow_problems: list = []
    cut = len(column) // 2              # in two blocks, as pyarrow's CSV reader gives a large column
    arrow = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(
        [pa.array(column[:cut], pa.string()), pa.array(column[cut:], pa.string())])))
    fast = _parse_column(_cells(arrow), f, name, lambda *a, **k: fast_problems.append((a, k)), "en", conv)
    slow = _parse_column(column + [None], f, name, lambda *a, **k: slow_problems.append((a, k)), "en", conv)
    assert fast == slow[:-1]
    assert [type(x) for x in fast] == [type(x) for x in slow[:-1]]
    assert fast_problems == [p for p in slow_problems if p[0][0] != len(column)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_CONVENTIONS), st.lists(_NUMBER_TEXT, max_size=30))
def test_plain_quantities_are_parse_float_or_deferred(conv, column: list) -> None:
    for v, got in zip(column, numbers.plain_quantities(column, conv), strict=True):
        if got is not None:
            assert got == parse_float(v, conv) and type(got) is float


@pytest.fixture(scope="module")
def demo_border(demo_db_template):
    from data.border_side import border_context
    from data.queries import study_area
    from data.store import connect

    con = connect(demo_db_template, read_only=True)
    try:
        return border_context(con), study_area(con)
    finally:
        con.close()


def _points_around(belt, data, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in and around the belt, some on its outline and its vertices."""
    xmin, ymin, xmax, ymax = shapely.bounds(belt)
    ring = shapely.get_coordinates(shapely.boundary(belt))
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    lon = rng.uniform(xmin - 0.3, xmax + 0.3, n)
    lat = rng.uniform(ymin - 0.3, ymax + 0.3, n)
    k = rng.integers(0, len(ring), n // 4)
    lon[: n // 4], lat[: n // 4] = ring[k, 0], ring[k, 1]
    return lon, lat


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_belt_distance_measured_only_outside_equals_every_distance(demo_border, data) -> None:
    from geo.crs import transformer

    _, belt = demo_border
    lon, lat = _points_around(belt, data, 2000)
    pts = shapely.points(lon, lat)
    tr = transformer("EPSG:4326", geometry.METRIC)

    def fn(xy):
        return np.column_stack(tr.transform(xy[:, 0], xy[:, 1], errcheck=False))

    every = shapely.distance(shapely.transform(pts, fn), shapely.transform(belt, fn)) / 1000.0
    assert np.array_equal(geometry.distance_km(pts, belt), every)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_lao_side_found_outside_the_belt_equals_every_point_checked(demo_border, data) -> None:
    from data.border_side import lao_beyond

    ctx, belt = demo_border
    lon, lat = _points_around(belt, data, 2000)
    sides = ctx.sides(lon, lat)
    want = np.flatnonzero(lao_beyond(sides))
    at, distance_m = lao_points(ctx, lon, lat)
    assert np.array_equal(at, want) and len(want)
    assert np.array_equal(distance_m, sides["distance_m"].to_numpy(dtype=float)[want])


@settings(max_examples=300, deadline=None)
@given(st.one_of(_NUMBER_TEXT, _CELL, st.from_regex(r"[0-9]{0,4}\.[0-9]{1,4}", fullmatch=True)),
       st.sampled_from([None, "degrees", "xy"]))
def test_simple_point_texts_show_weak_point_or_nothing(text: str, coordinate) -> None:
    """What lets numbers.decide skip such texts once weak decimal-point evidence is found."""
    if numbers.SIMPLE_POINT.fullmatch(text):
        assert numbers.evidence(text, coordinate=coordinate) in ((numbers.POINT, False), None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["QT-1", "QT-2", "qt-1", "QT-1 ", "Đ-3", "x\udc80"]),
                          st.tuples(st.sampled_from(["V1", "V2"]), st.sampled_from(["a", "b"]))), max_size=40),
       st.lists(st.integers(0, 40), max_size=4), st.booleans())
def test_duplicate_keys_found_across_pieces_as_in_one_pass(keys: list, cuts: list, text_only: bool) -> None:
    """FileKeys (Arrow for text keys, a dict otherwise) finds the duplicates one dict over the file finds."""
    if text_only:
        keys = [k for k in keys if k is None or (isinstance(k, str) and "\udc80" not in k)]
    rows = np.arange(2, len(keys) + 2)

    def found(pieces) -> list:
        got: list = []
        seen = FileKeys()
        for lo, hi in pieces:
            problems = SimpleNamespace(rows=rows[lo:hi], add=lambda i, col, key, _lo=lo, **f: got.append(
                (int(_lo + i), col, key, f)))
            _check_duplicates(keys[lo:hi], "id", problems, seen)
        return got

    bounds = sorted({0, len(keys), *(c for c in cuts if c <= len(keys))})
    assert found(list(zip(bounds[:-1], bounds[1:], strict=True))) == found([(0, len(keys))])
    first: dict = {}
    want = []
    for i, k in enumerate(keys):
        if k is not None and k in first:
            want.append((i, "id", "import.duplicate_key", {"id": _key_text(k), "first": first[k]}))
        elif k is not None:
            first[k] = int(rows[i])
    assert found([(0, len(keys))]) == want
