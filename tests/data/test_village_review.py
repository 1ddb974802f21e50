"""Village status: a review date before the decision date is refused, in every import and in the
status form (both through data.village_rules)."""
from __future__ import annotations

import datetime as dt

import _cli
import duckdb
import openpyxl
import pytest

from core.errors import BorderwatchError, ValidationError
from data.store import connect


def _count(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM village_status").fetchone()[0]
    finally:
        con.close()


def _villages(db, n=2) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT id FROM villages ORDER BY id LIMIT ?", [n]).fetchall()]
    finally:
        con.close()


def test_import_refuses_a_review_before_the_decision(demo_db, tmp_path):
    a, b = _villages(demo_db)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["village_id", "status", "decided_on", "decision_ref", "review_due"])
    ws.append([a, "recognised", dt.date(2026, 3, 2), "15/QĐ-UBND", dt.date(2027, 3, 2)])
    ws.append([b, "under_review", dt.date(2026, 6, 10), "22/TB-BCĐ", dt.date(2026, 6, 9)])     # a day early
    path = tmp_path / "trang-thai.xlsx"
    wb.save(path)
    before = _count(demo_db)
    r = _cli.bw("import", "village_status", path, "--db", demo_db, lang="vi")
    assert r.returncode == 2, r.stderr
    assert "trang-thai.xlsx" in r.stderr and "review_due" in r.stderr and "Traceback" not in r.stderr
    assert "hạn xem xét lại 09/06/2026 trước ngày quyết định 10/06/2026" in r.stderr
    assert ("trang-thai.xlsx, dòng 3, cột review_due: hạn xem xét lại 09/06/2026 trước ngày quyết định 10/06/2026"
            in r.stderr)                                                 # the second data row, as the importer counts
    assert _count(demo_db) == before                                     # nothing written
    r = _cli.bw("import", "village_status", path, "--db", demo_db, "--skip-invalid", lang="vi")
    assert r.returncode == 0, r.stderr
    assert _count(demo_db) == before + 1


def test_status_form_refuses_a_review_before_the_decision(demo_db):
    from ui import edit
    con = connect(demo_db)
    try:
        vid = con.execute("SELECT id FROM villages ORDER BY id LIMIT 1").fetchone()[0]
        n = con.execute("SELECT count(*) FROM village_status").fetchone()[0]
        day = dt.date(2026, 11, 20)
        values = {"village_id": vid, "status": "recognised", "decided_on": day, "decision_ref": "QĐ 31/QĐ-UBND",
                  "review_due": day - dt.timedelta(days=30), "note": None}
        with pytest.raises(BorderwatchError) as exc:
            edit.change_village_status(con, values, who="u_editor", lang="vi")
        assert str(exc.value) == "Hạn xem xét lại: hạn xem xét lại 21/10/2026 trước ngày quyết định 20/11/2026"
        # the importer underneath refuses it too (a row written past the form's own check)
        with pytest.raises(ValidationError):
            edit.write_rows(con, "village_status", [values], edit.STATUS_FIELDS, who="u_editor", source_name="form",
                            lang="vi")
        assert con.execute("SELECT count(*) FROM village_status").fetchone()[0] == n
        # the same day, or later, is accepted
        edit.change_village_status(con, {**values, "review_due": day}, who="u_editor", lang="vi")
        assert con.execute("SELECT count(*) FROM village_status").fetchone()[0] == n + 1
    finally:
        con.close()
