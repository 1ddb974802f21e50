"""The briefing pack PDF in the dashboard: build with a progress bar, download, audit; not for viewers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from data.store import connect

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture()
def rw_app(app_db, tmp_path, monkeypatch, as_role):
    """A private copy of the store (the audit log is written) and an AppTest factory on the stats tab."""
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "rw.duckdb"
    shutil.copy(app_db, path)
    monkeypatch.setenv("BORDERWATCH_DB", str(path))

    def make(role: str):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["tab"] = "stats"
        as_role(at, role)
        return at

    return make, path


def _briefings(path) -> list[tuple[str, str]]:
    con = connect(path)
    try:
        return con.execute("SELECT who, what FROM audit WHERE action = 'briefing' ORDER BY id").fetchall()
    finally:
        con.close()


def test_analyst_builds_the_pdf_downloads_it_and_it_is_audited(rw_app):
    make, path = rw_app
    at = make("analyst").run()
    assert not at.exception
    assert not at.get("download_button")                       # nothing until the button is pressed
    at.button(key="brief_make").click().run()
    assert not at.exception, at.exception
    assert not at.error
    buttons = at.get("download_button")
    assert len(buttons) == 1
    label = buttons[0].proto.label
    assert label.startswith("Tải borderwatch_briefing_") and label.endswith(".pdf")
    entries = _briefings(path)
    assert len(entries) == 1
    assert entries[0][0] == "t_analyst" and entries[0][1].startswith("borderwatch_briefing_")
    at.run()                                                    # still offered on the next rerun, no new entry
    assert len(at.get("download_button")) == 1
    assert len(_briefings(path)) == 1


def test_viewer_gets_no_briefing_button(rw_app):
    make, _ = rw_app
    at = make("viewer").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "brief_make"]
    assert not at.get("download_button")


def test_file_name_names_the_period():
    import datetime as dt

    from data.filters import Filter
    from ui.briefing import file_name

    flt = Filter(date_from=dt.date(2026, 8, 1), date_to=dt.date(2026, 10, 31))
    assert file_name(flt) == "borderwatch_briefing_2026-08-01_2026-10-31.pdf"
    assert file_name(Filter()) == "borderwatch_briefing_all_all.pdf"


def test_projector_offers_the_pdf_and_audits_a_saved_snapshot(rw_app):
    make, path = rw_app
    at = make("analyst")
    at.session_state["projector"] = True
    at.run()
    assert not at.exception, at.exception
    at.button(key="projector_save").click().run()
    assert not at.exception, at.exception
    assert [w for w, what in _briefings(path) if what.startswith("snapshot ")] == ["t_analyst"]
    at.button(key="projector_pdf_make").click().run()
    assert not at.exception, at.exception
    assert len(at.get("download_button")) == 1
    assert len(_briefings(path)) == 2
