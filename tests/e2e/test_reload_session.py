"""Issue 14 §4 in Chromium: reloading the page (F5) keeps the user logged in until the idle limit.

A real ``borderwatch serve`` with a 0.3-minute idle limit (18 s, longer than any wait between two page loads
here): the login sets a ``Secure; HttpOnly;
SameSite=Strict`` cookie the page's scripts cannot read; F5 keeps the session; logout clears the
cookie and ends the session in the store (a copied cookie no longer works); after the idle limit
F5 shows the login page. The store keeps SHA-256 digests only, and the audit log has each step.
"""
from __future__ import annotations

import shutil
import time

import pytest
from _serve import serve
from e2elib import PASSWORD, USER

from data import audit
from data.store import connect

pytestmark = pytest.mark.browser
IDLE_MIN = 0.3


@pytest.fixture(scope="module")
def short_idle(e2e_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reload")
    db = folder / "reload.duckdb"
    shutil.copy(e2e_store["path"], db)
    srv_cm = serve(db, env={"BORDERWATCH_SESSION_IDLE_MIN": str(IDLE_MIN), "BORDERWATCH_LOGIN_DELAY_S": "0"})
    srv = srv_cm.__enter__()
    try:
        yield srv, db
    finally:
        srv_cm.__exit__(None, None, None)


def _login(page) -> None:
    page.get_by_label("Tên tài khoản").fill(USER)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Mật khẩu", exact=True).press("Enter")
    page.get_by_role("tab").first.wait_for()


def _logged_in(page, idle) -> bool:
    page.locator("[role=tab], [data-testid='stFormSubmitButton']").first.wait_for()
    idle(page)
    return page.get_by_role("tab").count() > 0


def _cookie(ctx, port: int):
    return next((c for c in ctx.cookies() if c["name"] == f"bw_session_{port}"), None)


def _wait_cookie(ctx, page, port: int):
    for _ in range(20):                        # the cookie arrives right after the login run
        if _cookie(ctx, port):
            break
        page.wait_for_timeout(250)
    return _cookie(ctx, port)


def test_f5_keeps_the_session_until_logout_or_idle(browser, short_idle, idle):
    srv, db = short_idle
    seen_tokens = []
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    # a second browser logs in first and is then left alone: its idle time runs out while the first one works
    alone_ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    alone = alone_ctx.new_page()
    alone.set_default_timeout(60_000)
    try:
        alone.goto(srv.url + "/?tab=data")
        _login(alone)
        seen_tokens.append(_wait_cookie(alone_ctx, alone, srv.port)["value"])
        idle(alone)             # the login run is over: the stored session was last touched before this instant
        idle_from = time.monotonic()

        page.goto(srv.url + "/?tab=data")
        _login(page)
        for _ in range(20):                        # the cookie arrives right after the login run
            if _cookie(ctx, srv.port):
                break
            page.wait_for_timeout(250)
        cookie = _cookie(ctx, srv.port)
        assert cookie and cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/" and len(cookie["value"]) >= 40
        seen_tokens.append(cookie["value"])
        assert cookie["name"] not in page.evaluate("() => document.cookie")     # page scripts cannot read it

        page.reload()                                                          # F5
        assert _logged_in(page, idle)
        assert "tab=data" in page.url
        page.reload()
        assert _logged_in(page, idle)

        # a second browser with a copy of the cookie is the same session (the cookie is the credential) ...
        other = browser.new_context(viewport={"width": 1366, "height": 768})
        other.add_cookies([cookie])
        thief = other.new_page()
        thief.goto(srv.url + "/")
        assert _logged_in(thief, idle)
        # ... until the user logs out: the cookie is cleared and the stored session ended
        page.get_by_role("button", name="Đăng xuất").click()
        page.get_by_role("button", name="Đăng nhập").wait_for()
        for _ in range(20):
            if not _cookie(ctx, srv.port):
                break
            page.wait_for_timeout(250)
        assert _cookie(ctx, srv.port) is None
        page.reload()
        assert not _logged_in(page, idle)
        thief.reload()
        assert not _logged_in(thief, idle)
        other.close()

        # the browser left alone since its login, past the idle limit: F5 asks for the password
        alone.wait_for_timeout(max(0.0, idle_from + IDLE_MIN * 60 + 1.5 - time.monotonic()) * 1000)
        alone.reload()
        assert not _logged_in(alone, idle)
        assert alone.get_by_text("hết").count() or alone.get_by_test_id("stAlert").count()
    finally:
        ctx.close()
        alone_ctx.close()
    srv.stop()                                     # release the store, then read what the server wrote
    con = connect(db)
    try:
        rows = con.execute("SELECT * FROM web_sessions").fetchall()
        assert rows == []                          # logout and expiry both ended their sessions
        for token in seen_tokens:                  # no token in the audit log (tests/data/test_websessions.py
            assert not con.execute(             # checks the table holds digests only)
                "SELECT count(*) FROM audit WHERE what LIKE ?", [f"%{token}%"]).fetchone()[0]
        log = audit.entries(con, who=USER, limit=50)
        actions = list(log["action"])
        assert actions.count("session_resume") >= 3            # two reloads and the copied cookie
        assert "logout" in actions and "session_expired" in actions
        assert (log[log["action"] == "session_expired"]["what"] == "reload").any()
    finally:
        con.close()
