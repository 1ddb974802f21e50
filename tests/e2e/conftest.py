"""A real ``borderwatch serve`` on 127.0.0.1 (free port, demo store in tmp) and Debian Chromium.

The server is started once per session as a subprocess, polled on ``/_stcore/health`` and
stopped at the end (its process group, which it alone owns). Browser tests are marked
``browser``; they are skipped with a reason when /usr/bin/chromium is missing.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
USER, PASSWORD = "e2e_admin", "e2e-password-Quang-Tri-233"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:   # noqa: S310 - 127.0.0.1 only
            return resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="session")
def e2e_store(tmp_path_factory) -> dict:
    """A demo store ending today with one admin account, plus counts the page must show."""
    from data import users
    from data.demo import build_demo
    from data.filters import Filter
    from data.queries import count_incidents
    from data.store import connect
    from ui.periods import preset_range

    path = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    build_demo(path, incidents=3000, seed=233, end=dt.date.today())
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
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path_factory.mktemp("e2e-log") / "serve.log").open("wb")
    env = {k: v for k, v in os.environ.items() if k not in ("BORDERWATCH_LANG", "BORDERWATCH_TILE_URL")}
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "borderwatch"), "serve", "--db", str(e2e_store["path"]),
                             "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not _healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(f"borderwatch serve exited with {proc.returncode}; see {log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"borderwatch serve not healthy after 90 s; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        log.close()


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


def login(page) -> None:
    page.get_by_label("Tên tài khoản").fill(USER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("stMetricValue").first.wait_for()


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
