"""Hostile input through every path that shows it: import, map HTML (popups and tooltips), the page's
tables and text, exports (CSV, XLSX, GeoJSON) and the briefing PDF — using the other modules' public
functions. Script tags, ``<img onerror>``, attribute break-outs, spreadsheet formulas, SQL, Markdown links,
very long text and control characters."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import time

import pytest
from seclib import ROOT

from data.filters import Filter
from data.store import connect

LONG = "Đ" * 100_000
HOSTILE = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg/onload=alert(2)>",
    "=HYPERLINK(\"http://evil.example\",\"bấm\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'); DROP TABLE incidents; --",
    "[bấm vào](javascript:alert(4)) ![ảnh](http://127.0.0.1:9/x.png)",
    "Thôn\x00A\x07B\x1b[31m đỏ\u202egnp.exe",
    "{{7*7}} ${7*7} {0} %s",
    LONG,
]
RAW_TAGS = ("<script>alert", "<img src=x onerror", "<svg/onload")
DAY = "2026-11-27"          # the demo store's last days: these incidents are the most recent


@pytest.fixture(scope="module")
def hostile_db(accounts_template, tmp_path_factory):
    """The demo store after importing hostile incidents and renaming the busiest villages, through the importer."""
    from data.importers import import_file

    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "hostile.duckdb"
    shutil.copy(accounts_template, db)
    con = connect(db)
    try:
        top = con.execute(
            "SELECT v.id, v.commune, ST_Y(ST_Centroid(v.geom)), ST_X(ST_Centroid(v.geom)), count(*) AS n "
            "FROM villages v JOIN incidents i ON i.village_id = v.id GROUP BY ALL ORDER BY n DESC, v.id LIMIT ?",
            [len(HOSTILE)]).fetchall()
        vcsv = folder / "villages.csv"
        with vcsv.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "name", "commune", "lat", "lon"])
            for (vid, commune, lat, lon, _), name in zip(top, HOSTILE, strict=True):
                w.writerow([vid, name, commune, round(lat, 6), round(lon, 6)])
        res = import_file(con, "villages", vcsv, replace=True, who="u_editor")
        assert res.rows_written == len(top)
        icsv = folder / "incidents.csv"
        with icsv.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "occurred_at", "article", "drug", "persons", "lat", "lon", "description"])
            for i, (text, (_, _, lat, lon, _)) in enumerate(zip(HOSTILE, top, strict=True)):
                w.writerow([f"H-{i}<b>", f"{DAY} 10:{i:02d}", "250", "heroin", 2, round(lat, 5), round(lon, 5), text])
        res = import_file(con, "incidents", icsv, who="u_editor")
        assert res.rows_new == len(HOSTILE)
    finally:
        con.close()
    return db


def test_import_stores_text_as_typed_and_sql_stays_data(hostile_db):
    con = connect(hostile_db)
    try:
        got = dict(con.execute("SELECT id, description FROM incidents WHERE id LIKE 'H-%'").fetchall())
        assert got["H-0<b>"] == HOSTILE[0] and got["H-7<b>"] == HOSTILE[7] and got["H-11<b>"] == LONG
        assert got["H-9<b>"] == "ThônAB[31m đỏgnp.exe"      # control and bidi characters dropped
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] > 1000   # no table dropped
        names = {r[0] for r in con.execute("SELECT name FROM villages").fetchall()}
        assert HOSTILE[1] in names and LONG in names
    finally:
        con.close()


def test_import_limits_say_so_clearly(tmp_path, sec_con):
    from core.errors import InputError
    from data.importers import import_file

    big = tmp_path / "big.csv"
    big.write_text("id,occurred_at,article,drug,lat,lon\n" + "x,2026-01-01,250,heroin,16.6,106.6\n" * 50,
                   encoding="utf-8")
    with pytest.raises(InputError, match="big.csv"):
        import_file(sec_con, "incidents", big, max_bytes=200)
    with pytest.raises(InputError, match="big.csv"):
        import_file(sec_con, "incidents", big, max_rows=10)


def test_standalone_map_escapes_every_popup_and_tooltip(hostile_db):
    from layers.mapbuild import MapView, standalone_html

    con = connect(hostile_db)
    try:
        page = standalone_html(con, Filter(date_from=dt.date(2026, 11, 1)), lang="en",
                               view=MapView(layers=("incidents", "villages")))
    finally:
        con.close()
    for tag in RAW_TAGS:
        assert tag not in page
    assert "onerror=alert(1)" in page            # the text is there, only escaped
    assert re.search(r"&lt;img src=x onerror=alert\(1\)&gt;|\\u0026lt;img", page)


def test_standalone_map_cuts_very_long_text(hostile_db):
    from layers.mapbuild import MapView, standalone_html

    con = connect(hostile_db)
    try:
        page = standalone_html(con, Filter(date_from=dt.date(2026, 11, 1)), lang="en",
                               view=MapView(layers=("incidents", "villages")))
    finally:
        con.close()
    assert LONG[:1000] not in page


def _page_text_elements(at):
    """(kind, body, renders_html) of every element that renders text or HTML."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader"):
        for el in at.get(kind):
            body = getattr(el, "value", None) or getattr(el.proto, "body", "")
            out.append((kind, str(body), bool(getattr(el.proto, "allow_html", False))))
    for el in at.get("html"):
        out.append(("html", el.proto.body, True))
    return out


@pytest.mark.parametrize("tab", ["map", "hotspots", "stats", "villages", "data", "edit", "admin"])
def test_page_shows_hostile_text_as_text(hostile_db, monkeypatch, tab):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BORDERWATCH_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["tab"] = tab
    at.session_state["auth_user"] = {"name": "u_admin", "role": "admin"}
    at.session_state["auth_last_seen"] = time.time()
    at.run()
    assert not at.exception
    for kind, body, html in _page_text_elements(at):
        if html:
            for tag in RAW_TAGS:
                assert tag not in body, (tab, kind, body[:200])
        # Markdown would turn these into a live link or a fetched image
        assert "](javascript:" not in body and "![ảnh](http" not in body, (tab, kind, body[:200])
    if tab == "villages":            # tables hold text cells: the name is shown exactly as stored, never run
        cells = {v for df in at.dataframe for v in df.value.to_numpy().ravel() if isinstance(v, str)}
        assert HOSTILE[1] in cells and HOSTILE[0] in cells


def test_exports_neutralise_formulas_and_keep_text(hostile_db, tmp_path):
    from data.export import export_layer, make_watermark

    con = connect(hostile_db)
    try:
        flt = Filter(date_from=dt.date(2026, 11, 27), date_to=dt.date(2026, 11, 27))
        mark = make_watermark("u_analyst")
        export_layer(con, "incidents", tmp_path / "x.csv", flt=flt, watermark=mark)
        export_layer(con, "incidents", tmp_path / "x.xlsx", flt=flt, watermark=mark)
        export_layer(con, "incidents", tmp_path / "x.geojson", flt=flt, watermark=mark)
    finally:
        con.close()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text(encoding="utf-8-sig")))}
    for i in (3, 4, 5, 6):
        assert rows[f"H-{i}<b>"]["description"] == "'" + HOSTILE[i]
    assert rows["H-0<b>"]["description"] == HOSTILE[0]
    sidecar = json.loads((tmp_path / "x.csv.watermark.json").read_text(encoding="utf-8"))
    assert sidecar["exported_by"] == "u_analyst"
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "x.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("description")
    cells = {r[0].value: r[col].value for r in ws.iter_rows(min_row=2)}
    for i in (3, 4, 5, 6):
        assert cells[f"H-{i}<b>"] == "'" + HOSTILE[i]
        assert ws.cell(row=2, column=col + 1).data_type != "f"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    gj = json.loads((tmp_path / "x.geojson").read_text(encoding="utf-8"))
    texts = {f["properties"]["id"]: f["properties"]["description"] for f in gj["features"]}
    assert texts["H-3<b>"] == HOSTILE[3] and gj["watermark"]["exported_by"] == "u_analyst"


def _briefing_pdf(db, *, name_chars: int | None):
    from report.pdf import render_images, write_pdf
    from report.slides import build_briefing

    con = connect(db)
    try:
        if name_chars:
            con.execute("UPDATE villages SET name = left(name, ?)", [name_chars])   # test set-up on a copy
        b = build_briefing(con, Filter(date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 11, 28)), lang="en",
                           compare_to=False)
        return write_pdf(b, unit="<script>alert('unit')</script>", classification="=CMD() <b>MẬT</b>",
                         images=render_images(b))
    finally:
        con.close()


def test_briefing_pdf_prints_hostile_text_as_text(hostile_db, tmp_path):
    from pypdf import PdfReader

    db = tmp_path / "copy.duckdb"
    shutil.copy(hostile_db, db)
    data = _briefing_pdf(db, name_chars=16)
    assert data[:5] == b"%PDF-" and b"/JavaScript" not in data and b"/Launch" not in data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "<script>alert('unit')</script>" in text.replace("\n", "")
    assert "<b>MẬT</b>" in text and "<script>aler" in text      # names printed literally


def test_briefing_pdf_survives_long_village_names(hostile_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(hostile_db, db)
    assert _briefing_pdf(db, name_chars=None)[:5] == b"%PDF-"
