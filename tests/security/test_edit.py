"""Editing: incidents typed by editors and village status decisions go through the importer's rules,
in one transaction, with history kept and an audit entry."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from seclib import ROOT
from streamlit.testing.v1 import AppTest

from core.errors import BorderwatchError, ValidationError
from data import audit
from data.store import connect
from ui import edit

LAO_BAO = (16.6200, 106.6100)


def _incident(**kw):
    base = {"occurred_at": "2026-11-20T09:30", "article": "250", "drug": "heroin", "quantity_g": 350.0,
            "tablets": None, "persons": 2, "station_id": None, "description": "Bắt quả tang tại km 3",
            "lat": LAO_BAO[0], "lon": LAO_BAO[1]}
    return {**base, **kw}


def _count(con, sql="SELECT count(*) FROM incidents", params=()):
    return con.execute(sql, list(params)).fetchone()[0]


def test_add_incident_writes_one_row_with_log_and_audit(sec_con):
    n, logs = _count(sec_con), _count(sec_con, "SELECT count(*) FROM import_log")
    new_id = edit.add_incident(sec_con, _incident(), who="u_editor", lang="en")
    assert new_id.startswith("NT-") and _count(sec_con) == n + 1
    row = sec_con.execute("SELECT article, drug, persons, description, village_id, h3_9 FROM incidents WHERE id = ?",
                          [new_id]).fetchone()
    assert row[:4] == ("250", "heroin", 2, "Bắt quả tang tại km 3") and row[4] and row[5]
    assert _count(sec_con, "SELECT count(*) FROM import_log") == logs + 1
    assert sec_con.execute("SELECT who FROM import_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "u_editor"
    last = audit.entries(sec_con, limit=1).iloc[0]
    assert (last.who, last.action, last.n_rows) == ("u_editor", "incident_add", 1) and new_id in last.what


@pytest.mark.parametrize("bad, column", [
    ({"article": "999"}, "article"),
    ({"drug": "sugar"}, "drug"),
    ({"occurred_at": "2026-02-31T10:00"}, "occurred_at"),
    ({"lat": 21.03, "lon": 105.85}, None),          # Hà Nội: far from the border belt
])
def test_importer_rules_refuse_bad_values_and_nothing_is_written(sec_con, bad, column):
    n, logs = _count(sec_con), _count(sec_con, "SELECT count(*) FROM import_log")
    with pytest.raises(ValidationError) as err:
        edit.add_incident(sec_con, _incident(**bad), who="u_editor", lang="en")
    if column:
        assert any(p.column == column for p in err.value.problems)
    assert _count(sec_con) == n and _count(sec_con, "SELECT count(*) FROM import_log") == logs
    assert audit.entries(sec_con, limit=1).iloc[0]["action"] != "incident_add"


def test_a_stored_id_is_not_overwritten(sec_con):
    edit.add_incident(sec_con, _incident(id="HS-2026-001"), who="u_editor")
    with pytest.raises(ValidationError):
        edit.add_incident(sec_con, _incident(id="HS-2026-001", persons=5), who="u_editor")
    assert _count(sec_con, "SELECT persons FROM incidents WHERE id = 'HS-2026-001'") == 2
    with pytest.raises(BorderwatchError):   # identical: nothing to write, said so
        edit.add_incident(sec_con, _incident(id="HS-2026-001"), who="u_editor", lang="en")


def test_hostile_text_is_stored_as_typed(sec_con):
    text = '<script>alert(1)</script><img src=x onerror=alert(2)> =HYPERLINK("http://x") \x07'
    new_id = edit.add_incident(sec_con, _incident(description=text), who="u_editor")
    stored = sec_con.execute("SELECT description FROM incidents WHERE id = ?", [new_id]).fetchone()[0]
    assert "<script>alert(1)</script>" in stored and "=HYPERLINK" in stored


def _village(con):
    return con.execute("SELECT id FROM villages ORDER BY id LIMIT 1").fetchone()[0]


def test_status_change_adds_history_and_becomes_current(sec_con):
    vid = _village(sec_con)
    before = _count(sec_con, "SELECT count(*) FROM village_status WHERE village_id = ?", [vid])
    day = dt.date.today()
    edit.change_village_status(sec_con, {"village_id": vid, "status": "under_review", "decided_on": day,
                                         "decision_ref": "QĐ 12/QĐ-UBND", "review_due": day + dt.timedelta(days=90),
                                         "note": None}, who="u_editor")
    edit.change_village_status(sec_con, {"village_id": vid, "status": "revoked", "decided_on": day,
                                         "decision_ref": "QĐ 13/QĐ-UBND", "review_due": None, "note": "tái phạm"},
                               who="u_editor")
    hist = sec_con.execute("SELECT status, decision_ref FROM village_status WHERE village_id = ? ORDER BY decided_on",
                           [vid]).fetchall()
    assert len(hist) == before + 2 and hist[-2:] == [("under_review", "QĐ 12/QĐ-UBND"), ("revoked", "QĐ 13/QĐ-UBND")]
    assert [a for a in audit.entries(sec_con, action="village_status")["what"] if vid in a]


def test_same_decision_is_never_overwritten(sec_con):
    vid = _village(sec_con)
    day = dt.date.today() - dt.timedelta(days=1)
    values = {"village_id": vid, "status": "recognised", "decided_on": day, "decision_ref": "QĐ 1", "review_due": None,
              "note": None}
    edit.change_village_status(sec_con, values, who="u_editor")
    with pytest.raises(ValidationError):
        edit.change_village_status(sec_con, {**values, "decision_ref": "QĐ 1-sửa"}, who="u_editor")
    assert sec_con.execute("SELECT decision_ref FROM village_status WHERE village_id = ? AND decided_on = ?",
                           [vid, day]).fetchall() == [("QĐ 1",)]


@pytest.mark.parametrize("bad", [{"decision_ref": "  "}, {"decided_on": dt.date.today() + dt.timedelta(days=3)},
                                 {"village_id": "NO-SUCH"}, {"status": "maybe"}])
def test_status_change_refusals(sec_con, bad):
    n = _count(sec_con, "SELECT count(*) FROM village_status")
    values = {"village_id": _village(sec_con), "status": "recognised", "decided_on": dt.date.today(),
              "decision_ref": "QĐ 9", "review_due": None, "note": None, **bad}
    with pytest.raises(BorderwatchError):
        edit.change_village_status(sec_con, values, who="u_editor")
    assert _count(sec_con, "SELECT count(*) FROM village_status") == n


def test_editor_saves_an_incident_from_the_page(sec_db, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DB", str(sec_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.query_params["tab"] = "edit"
    at.session_state["auth_user"] = {"name": "u_editor", "role": "editor"}
    at.session_state["auth_last_seen"] = time.time()
    at.run()
    assert not at.exception
    at.button(key="FormSubmitter:edit_incident_form-Save incident").click().run()
    assert [e.value for e in at.error] == ["No position yet: click the map or type the coordinates."]
    at.text_input(key="edit_lat").input(str(LAO_BAO[0])).run()     # typed coordinates: text (degrees or DMS)
    at.text_input(key="edit_lon").input(str(LAO_BAO[1])).run()
    at.selectbox(key="edit_article").set_value("251")
    at.selectbox(key="edit_drug").set_value("methamphetamine")
    at.number_input(key="edit_qty").set_value(1200.0)
    at.text_area(key="edit_description").input("<b>bold?</b> [link](http://x)")
    at.button(key="FormSubmitter:edit_incident_form-Save incident").click().run()
    assert not at.exception and not at.error
    assert any(s.value.startswith("Incident NT\\-") for s in at.success)    # the id escaped (it can be typed)
    con = connect(sec_db)
    row = con.execute("SELECT drug, quantity_g, description FROM incidents ORDER BY rowid DESC LIMIT 1").fetchone()
    assert row == ("methamphetamine", 1200.0, "<b>bold?</b> [link](http://x)")
    assert audit.entries(con, limit=1).iloc[0]["who"] == "u_editor"
    con.close()
