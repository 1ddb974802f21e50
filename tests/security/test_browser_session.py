"""Issue 12 in Chromium against a real ``borderwatch serve``: 12 simultaneous logins (item 3), the
month player stops at session expiry (item 7), a village name cannot make the browser fetch a URL
(item 12), a prepared download is gone after logout and after the tab is closed (item 13).

The server runs with a 0.3-minute idle limit (18 s: longer than any wait between two actions of these tests,
which wait for conditions, not fixed times) and no login pause.
"""
from __future__ import annotations

import http.server
import shutil
import threading
import time
import urllib.error
import urllib.request

import pytest
from _browser import run_over
from _serve import serve
from seclib import PASSWORD

from data.store import connect

pytestmark = pytest.mark.browser
IDLE_MIN = 0.3


@pytest.fixture(scope="module")
def pixel():
    """A web server that records every path asked for (the URL a hostile name points at)."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            asked.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()


@pytest.fixture(scope="module")
def served(accounts_template, tmp_path_factory, pixel):
    folder = tmp_path_factory.mktemp("session")
    db = folder / "served.duckdb"
    shutil.copy(accounts_template, db)
    con = connect(db)           # every village named with a Markdown image pointing at the pixel server
    con.execute("UPDATE villages SET name = 'Bản ![p](' || ? || '/v' || id || '.png) **đậm**'", [pixel[0]])
    con.close()
    env = {"BORDERWATCH_LOGIN_DELAY_S": "0", "BORDERWATCH_SESSION_IDLE_MIN": str(IDLE_MIN)}
    with serve(db, env=env, log=folder / "serve.log", stop_timeout=20) as srv:
        yield srv.url, db, srv.proc


def _page(browser, url, path="/?lang=en", wait_until="load"):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto(url + path, wait_until=wait_until)
    return ctx, page


def _login(page, name, password=PASSWORD):
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def _status(url_: str) -> int:
    try:
        return urllib.request.urlopen(url_, timeout=5).status  # noqa: S310 - the test server on 127.0.0.1
    except urllib.error.HTTPError as exc:
        return exc.code


def test_twelve_logins_at_once_in_chromium(browser, served):
    """11 wrong passwords and the right one, all submitted at the same instant from 12 tabs of one browser
    (each tab its own Streamlit session; the tabs share the browser's cache, so the page's scripts load once)."""
    url, _, _ = served
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        pages = []
        for i in range(12):         # the first tab loads fully (filling the cache), the others side by side
            page = ctx.new_page()
            page.set_default_timeout(60_000)
            page.goto(url + "/?lang=en", wait_until="load" if i == 0 else "commit")
            pages.append((page, i == 6))
        for i, (page, _) in enumerate(pages):
            page.get_by_label("Account name").fill("u_editor")
            page.get_by_label("Password", exact=True).fill(PASSWORD if i == 6 else f"wrong-{i}-password")
        at = int(time.time() * 1000) + 1500
        for page, _ in pages:        # every tab clicks at the same wall-clock instant
            page.evaluate("""at => setTimeout(() => [...document.querySelectorAll('button')]
                               .find(b => b.innerText.trim() === 'Log in').click(), at - Date.now())""", at)
        outcomes = []
        for page, right in pages:
            page.locator("[data-testid='stAlert'], [role='tab']").first.wait_for()
            text = page.locator("[data-testid='stMain']").inner_text()
            outcome = "ok" if page.get_by_role("tab").count() else \
                "locked" if "locked" in text else "invalid" if "Wrong account name" in text else "?"
            outcomes.append((outcome, right))
    finally:
        ctx.close()
    right = next(o for o, r in outcomes if r)
    wrong = [o for o, r in outcomes if not r]
    assert "?" not in wrong and right in ("ok", "locked")
    assert wrong.count("invalid") <= (8 if right == "ok" else 4), outcomes     # old code: 11 invalid + ok
    assert wrong.count("locked") >= 3


def test_month_player_stops_when_the_session_expires(browser, served):
    url, _, _ = served
    ctx, page = _page(browser, url)
    try:
        _login(page, "u_viewer")
        page.get_by_role("tab", name="Map").wait_for()
        # the map's first load must finish before the month mode is switched on: a switch during that first
        # load leaves the map iframe at height 0 until the next change (known race, see the closing note)
        frame = page.locator('iframe[title="streamlit_folium.st_folium"] >> visible=true').first
        frame.wait_for()
        frame.content_frame.locator(".leaflet-container .leaflet-marker-pane").first.wait_for(state="attached")
        run_over(page)
        page.get_by_text("By month").click()
        page.get_by_text("Play").click()
        page.locator('iframe[title="streamlit_folium.st_folium"] >> visible=true').first.wait_for()
        slider = page.locator("[data-testid='stSlider']").first
        first = slider.inner_text()
        deadline = time.monotonic() + 30                      # playing: the month moves by itself
        while slider.inner_text() == first and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert slider.inner_text() != first
        # no interaction from here: the session expires after IDLE_MIN; the player must not keep it alive
        page.get_by_role("button", name="Log in").wait_for(timeout=(IDLE_MIN * 60 + 20) * 1000)
        assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
        assert "Your session ended after" in page.content()
    finally:
        ctx.close()


def test_a_village_name_is_shown_as_typed_and_fetches_nothing(browser, served, pixel):
    url, _, _ = served
    base, asked = pixel
    ctx, page = _page(browser, url, "/?lang=en&tab=villages")
    try:
        _login(page, "u_viewer")
        grid = page.locator("[data-testid='stDataFrame']").first
        grid.wait_for()
        run_over(page)                                               # the grid drawn, ready for a click
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)          # the first row's selection cell
        heading = page.get_by_text("Recognition history:")
        heading.wait_for()
        page.wait_for_timeout(1500)
        shown = heading.inner_text()
        assert f"![p]({base}/v" in shown and "**đậm**" in shown        # literally, not an image nor bold
        assert asked == []
    finally:
        ctx.close()


def test_a_prepared_download_is_gone_after_logout_and_after_the_tab_closes(browser, served):
    url, _, _ = served
    links = []
    for how in ("logout", "close"):
        ctx, page = _page(browser, url, "/?lang=en&tab=data")
        try:
            _login(page, "u_analyst")
            page.get_by_role("button", name="Prepare the file").click()
            button = page.get_by_role("button", name="Download")
            button.wait_for()
            with page.expect_download() as dl:
                button.click()
            link = dl.value.url
            assert "/media/" in link and _status(link) == 200
            links.append(link)
            if how == "logout":
                page.get_by_role("button", name="Log out").click()
                page.get_by_role("button", name="Log in").wait_for()   # the logout run dropped the file first
                assert _status(link) == 404
        finally:
            ctx.close()
    deadline = time.monotonic() + 30                     # the session ended with the tab: swept within ~10 s
    while _status(links[1]) == 200 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert _status(links[1]) == 404
