"""The page per role (AppTest): the login gate, which tabs and buttons each role gets, session timeout,
logout, and refusals on the server side even when a tab is reached."""
from __future__ import annotations

import time

import pytest
from seclib import PASSWORD, ROOT
from streamlit.testing.v1 import AppTest

from data import audit, users
from data.store import connect

APP = str(ROOT / "app.py")

TABS = {   # tab ids each role sees, in order
    "viewer": ["map", "hotspots", "stats", "villages"],
    "analyst": ["map", "hotspots", "stats", "villages", "data"],
    "editor": ["map", "hotspots", "stats", "villages", "data", "edit"],
    "admin": ["map", "hotspots", "stats", "villages", "data", "edit", "admin"],
}
LABELS = {"map": "Map", "hotspots": "Hot spots", "stats": "Statistics", "villages": "Villages", "data": "Data",
          "edit": "Data entry", "admin": "Administration"}


@pytest.fixture()
def page(sec_db, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DB", str(sec_db))
    monkeypatch.delenv("BORDERWATCH_TILE_URL", raising=False)

    def make(role: str | None = None, **query) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params["lang"] = "en"
        for k, v in query.items():
            at.query_params[k] = v
        if role:
            at.session_state["auth_user"] = {"name": f"u_{role}", "role": role}
            at.session_state["auth_last_seen"] = time.time()
        return at

    return make


def _tab_labels(at) -> list[str]:
    return [tab.label for tab in at.tabs]


def _nothing_of_the_store(at) -> None:
    assert not at.tabs and not at.dataframe and not at.metric and not at.get("deckgl_json_chart")
    assert not [e for e in at.get("iframe")] and not at.get("arrow_vega_lite_chart")
    assert not [m for m in at.markdown if "incident" in m.value.lower() and "login" not in m.value.lower()]
    labels = [w.label for w in at.text_input]
    assert labels == ["Account name", "Password"]


def test_no_data_before_login(page):
    at = page()
    at.run()
    assert not at.exception
    _nothing_of_the_store(at)
    assert at.title[0].value == "Log in"
    assert not at.sidebar.multiselect          # no filters either


def test_wrong_password_shows_an_error_and_nothing_else(page, sec_db):
    at = page()
    at.run()
    at.text_input(key="auth_name").input("u_viewer")
    at.text_input(key="auth_password").input("not-the-password")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Wrong account name or password."]
    _nothing_of_the_store(at)
    con = connect(sec_db)
    assert audit.entries(con, limit=1).iloc[0]["action"] == "login_failed"
    con.close()


def test_login_then_logout(page, sec_db):
    at = page()
    at.run()
    at.text_input(key="auth_name").input("u_analyst")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert _tab_labels(at) == [LABELS[t] for t in TABS["analyst"]]
    assert at.session_state["auth_user"] == {"name": "u_analyst", "role": "analyst"}
    at.button(key="auth_logout").click().run()
    assert not at.exception
    _nothing_of_the_store(at)
    assert "Logged out." in [i.value for i in at.info]
    con = connect(sec_db)
    assert list(audit.entries(con, limit=2)["action"]) == ["logout", "login"]
    con.close()


@pytest.mark.parametrize("role", list(TABS))
def test_each_role_sees_its_tabs(page, role):
    at = page(role)
    at.run()
    assert not at.exception
    assert _tab_labels(at) == [LABELS[t] for t in TABS[role]]
    projector = [w for w in at.sidebar.toggle if w.key == "projector"]
    assert bool(projector) == (role != "viewer")          # briefings: analyst and up


@pytest.mark.parametrize("role", ["analyst", "editor", "admin"])
def test_data_tab_import_only_for_editors(page, role):
    at = page(role, tab="data")
    at.run()
    assert not at.exception
    assert bool([c for c in at.get("bidi_component") if c.key == "imp_file"]) == (role in ("editor", "admin"))
    assert [b for b in at.get("download_button")] or [b for b in at.button if "xport" in (b.label or "")] \
        or [s for s in at.selectbox if "ormat" in (s.label or "")]


def test_edit_tab_has_both_forms_for_editors(page):
    at = page("editor", tab="edit")
    at.run()
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert subheaders.index("Enter an incident") < subheaders.index("Village status decision")
    labels = [b.label for b in at.button]
    assert "Save incident" in labels and "Save decision" in labels
    assert "Administration" not in _tab_labels(at)


def test_admin_tab_lists_accounts_and_audit_without_hashes(page):
    at = page("admin", tab="admin")
    at.run()
    assert not at.exception
    accounts = next(d.value for d in at.dataframe if "Account" in d.value.columns)
    assert set(accounts.iloc[:, 0]) >= {"u_viewer", "u_analyst", "u_editor", "u_admin"}
    assert not any("argon2" in str(v) for v in accounts.to_numpy().ravel())
    log = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert len(log) >= 4 and "Account created" in set(log.iloc[:, 3])
    assert any("hash chain matches" in s.value for s in at.success)


@pytest.mark.parametrize("role, tab", [("viewer", "edit"), ("viewer", "admin"), ("analyst", "edit"),
                                       ("editor", "admin"), ("viewer", "data")])
def test_a_tab_asked_for_by_url_is_not_given_to_a_role_without_it(page, role, tab):
    at = page(role, tab=tab)
    at.run()
    assert not at.exception
    assert LABELS[tab] not in _tab_labels(at)
    assert not [c for c in at.get("bidi_component") if c.key == "imp_file"]
    assert not [d for d in at.dataframe if {"Account", "Action"} & set(d.value.columns)]


def test_modules_refuse_on_the_server_even_if_called(sec_db):
    """Calling the admin or edit page with a viewer context renders a refusal, never the content."""
    script = f"""
import streamlit as st
from ui.context import Ctx
from core.roles import User
from data.filters import Filter
import ui.admin, ui.edit
ctx = Ctx(path={str(sec_db)!r}, rev=(), flt=Filter(), lang="en", user=User("u_viewer", "viewer"))
ui.admin.render(ctx)
ui.edit.render(ctx)
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.error) == 2 and all("Access denied" in e.value for e in at.error)
    assert not at.dataframe and not at.button


def test_idle_session_is_logged_out(page, sec_db, monkeypatch):
    at = page("analyst")
    at.session_state["auth_last_seen"] = time.time() - 31 * 60
    at.run()
    assert not at.exception
    _nothing_of_the_store(at)
    assert any("30 minutes" in i.value for i in at.info)
    con = connect(sec_db)
    assert audit.entries(con, limit=1).iloc[0]["action"] == "session_expired"
    con.close()


def test_a_disabled_account_is_logged_out_at_the_next_click(page, sec_db):
    at = page("editor")
    at.run()
    assert at.tabs
    con = connect(sec_db)
    users.disable(con, "u_editor", who="u_admin")
    con.close()
    at.run()
    assert not at.exception
    _nothing_of_the_store(at)


def test_role_in_session_is_reread_from_the_store(page, sec_db):
    """A session claiming admin for a viewer account gets the viewer's tabs (the store decides)."""
    at = page("viewer")
    at.session_state["auth_user"] = {"name": "u_viewer", "role": "admin"}
    at.run()
    assert _tab_labels(at) == [LABELS[t] for t in TABS["viewer"]]
