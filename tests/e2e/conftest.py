"""A real ``borderwatch serve`` on 127.0.0.1 (free port, demo store in tmp) and Debian Chromium.

The server is started once per session with :func:`_serve.serve` (its own process group,
health poll on ``/_stcore/health``, log file) and stopped at the end. Browser tests are
marked ``browser``; they are skipped with a reason when /usr/bin/chromium is missing.
"""
from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest
from _serve import serve
from e2elib import PASSWORD, USER, login

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def e2e_store(demo_today_template, tmp_path_factory) -> dict:
    """A demo store ending today with one admin account, plus counts the page must show."""
    from data import users
    from data.filters import Filter
    from data.queries import count_incidents
    from data.store import connect
    from ui.periods import preset_range

    path = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    shutil.copy(demo_today_template, path)
    con = connect(path)
    try:
        users.create_user(con, USER, "admin", PASSWORD, who="e2e")
        counts = {p: count_incidents(con, Filter(*preset_range(p, dt.date.today()))) for p in ("year", "30d")}
    finally:
        con.close()
    return {"path": path, "counts": counts}


@pytest.fixture(scope="session")
def server(e2e_store, tmp_path_factory):
    """Base URL of ``borderwatch serve --db <tmp store> --port <free port>`` (stopped after the session)."""
    with serve(e2e_store["path"], log=tmp_path_factory.mktemp("e2e-log") / "serve.log") as srv:
        yield srv.url


@pytest.fixture()
def open_page(browser, server):
    """``open_page(width, height, path="/")`` → (page, requests): a logged-in page and every URL it asked for."""
    contexts = []

    def make(width: int = 1920, height: int = 1080, path: str = "/"):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        contexts.append(ctx)
        requests: list[str] = []
        ctx.on("request", lambda r: requests.append(r.url))
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(server + path)
        login(page)
        return page, requests

    yield make
    for ctx in contexts:
        ctx.close()


def wait_idle(page, timeout: float = 60) -> None:
    """Wait until Streamlit has finished running the script (no "running" status widget)."""
    deadline = time.monotonic() + timeout
    page.wait_for_timeout(300)
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            page.wait_for_timeout(300)
            if page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return
        page.wait_for_timeout(200)
    raise TimeoutError("the page kept running")


@pytest.fixture(scope="session")
def idle():
    """``idle(page)``: wait until the script run is over."""
    return wait_idle


@pytest.fixture(scope="session")
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
