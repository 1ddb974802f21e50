"""Fixtures for the security tests: a demo store with one account per role, fast login delays."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from seclib import PASSWORD, ROLES, copy_store

from data.store import connect


@pytest.fixture(autouse=True)
def _fast_login(monkeypatch):
    """No pause after a failed login (the delay itself is tested with an injected sleep)."""
    monkeypatch.setenv("BORDERWATCH_LOGIN_DELAY_S", "0")
    monkeypatch.delenv("BORDERWATCH_USER", raising=False)
    monkeypatch.delenv("BORDERWATCH_ADMIN_PASSWORD", raising=False)


@pytest.fixture(scope="session")
def accounts_template(demo_db_template, tmp_path_factory) -> Path:
    """The demo store plus accounts ``u_viewer``, ``u_analyst``, ``u_editor``, ``u_admin``."""
    from data import users

    path = tmp_path_factory.mktemp("sec") / "sec.duckdb"
    shutil.copy(demo_db_template, path)
    con = connect(path)
    try:
        for role in ROLES:
            users.create_user(con, f"u_{role}", role, PASSWORD, who="tests")
    finally:
        con.close()
    return path


@pytest.fixture()
def sec_db(accounts_template, tmp_path) -> Path:
    return copy_store(accounts_template, tmp_path / "sec.duckdb")


@pytest.fixture()
def sec_con(sec_db):
    con = connect(sec_db)
    yield con
    con.close()
