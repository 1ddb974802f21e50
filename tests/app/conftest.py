"""Fixtures for the dashboard tests: a demo store ending today, and an AppTest factory."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="session")
def app_db(demo_today_template, tmp_path_factory) -> Path:
    """A demo store whose last month is the current one, so "7 days" and "this year" hold data."""
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copy(demo_today_template, path)
    add_accounts(path)
    return path


def add_accounts(path: Path) -> None:
    """One account per role, ``t_<role>`` (the login gate re-reads the account on every run)."""
    from core.roles import ROLES
    from data import users
    from data.store import connect

    con = connect(path)
    try:
        for role in ROLES:
            users.create_user(con, f"t_{role}", role, "correct-horse-battery-9", who="tests")
    finally:
        con.close()


def login(at, role: str = "admin") -> None:
    """Start the AppTest session logged in as ``t_<role>`` (``ui.auth`` session keys)."""
    at.session_state["auth_user"] = {"name": f"t_{role}", "role": role}
    at.session_state["auth_last_seen"] = time.time()


@pytest.fixture()
def as_role():
    """``as_role(at, role)`` logs an AppTest session in as ``t_<role>``."""
    return login


@pytest.fixture()
def app(app_db, monkeypatch):
    """``app(role="admin", **query)`` → an AppTest of app.py on the demo store, logged in (not yet run)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BORDERWATCH_DB", str(app_db))
    monkeypatch.delenv("BORDERWATCH_LANG", raising=False)
    monkeypatch.delenv("BORDERWATCH_TILE_URL", raising=False)

    def make(*, role: str | None = "admin", **query) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        if role:
            login(at, role)
        return at

    return make
