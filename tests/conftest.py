"""Shared fixtures: a small demo store built once per session, fresh in-memory stores, Debian Chromium."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from data.demo import build_demo
from data.store import connect

DEMO_END = dt.date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; a test that needs it is skipped with a reason when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium):
    """Chromium for one test module (module scope: Playwright's sync API allows one running instance,
    and the next module starts its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """A demo store (3,000 incidents, fixed seed and end date) built once; copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, incidents=3000, seed=233, end=DEMO_END)
    return path


@pytest.fixture()
def demo_db(demo_db_template, tmp_path) -> Path:
    """A private, writable copy of the demo store."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture()
def demo_con(demo_db):
    con = connect(demo_db)
    yield con
    con.close()


@pytest.fixture()
def empty_con():
    con = connect(":memory:")
    yield con
    con.close()
