"""In Chromium against a real ``borderwatch serve``: the login gate, click-to-place incident entry, logout."""
from __future__ import annotations

import re
import shutil
import time

import pytest
from _browser import LEAFLET_READY, RUN_OVER
from _serve import serve
from seclib import PASSWORD

from data import audit
from data.store import connect

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def served(accounts_template, tmp_path_factory):
    """(url, store path, server) of a server on a copy of the accounts store; stopped afterwards."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "served.duckdb"
    shutil.copy(accounts_template, db)
    with serve(db, log=folder / "serve.log", stop_timeout=20) as srv:
        yield srv.url, db, srv


def _page(browser, url, path="/?lang=en"):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto(url + path)
    return ctx, page, requests


def _login(page, name):
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_login_page_shows_nothing_of_the_store(browser, served):
    url, _, _ = served
    ctx, page, requests = _page(browser, url)
    try:
        page.get_by_role("button", name="Log in").wait_for()
        page.wait_for_function(RUN_OVER)                  # the login page's run is over: all it shows is here
        assert page.get_by_test_id("stMetricValue").count() == 0
        assert page.get_by_role("tab").count() == 0
        assert page.locator("iframe").count() == 0
        assert "Illustrative data" not in page.content()
        _login(page, "u_viewer")
        page.get_by_role("tab", name="Map").wait_for()
        assert [t.inner_text() for t in page.get_by_role("tab").all()] == ["Map", "Hot spots", "Statistics",
                                                                           "Villages"]
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="Log in").wait_for()
        assert page.get_by_role("tab").count() == 0
        assert all(urlparse_host(u) in ("127.0.0.1", None) for u in requests if not u.startswith("data:"))
    finally:
        ctx.close()


def urlparse_host(u: str):
    from urllib.parse import urlparse

    return urlparse(u).hostname


def test_editor_places_an_incident_by_clicking_the_map(browser, served):
    url, db, srv = served
    ctx, page, _ = _page(browser, url, "/?lang=en&tab=edit")
    try:
        _login(page, "u_editor")
        page.get_by_text("Click the map to place").wait_for()
        frame = page.locator('iframe[title="streamlit_folium.st_folium"]').first
        frame.scroll_into_view_if_needed()
        frame.element_handle().content_frame().wait_for_function(LEAFLET_READY)   # Leaflet drew it, takes clicks
        box = frame.bounding_box()
        lat_box = page.get_by_label("Latitude (WGS 84)")
        assert lat_box.input_value() == ""
        page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.6)   # open land, no marker
        deadline = time.monotonic() + 30
        while not lat_box.input_value() and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        lat = float(lat_box.input_value())
        lon = float(page.get_by_label("Longitude (WGS 84)").input_value())
        assert 14 < lat < 19 and 103 < lon < 110
        # a point the importer accepts: Lao Bảo, typed over the click
        lat_box.fill("16.62")
        page.get_by_label("Longitude (WGS 84)").fill("106.61")
        page.get_by_label("Longitude (WGS 84)").press("Tab")      # the typed point is previewed live (a rerun)
        page.get_by_text(re.compile(r"Position: 16\.620000, 106\.610000")).wait_for()
        page.wait_for_function(RUN_OVER)                 # the preview run is over: it cannot close a list now
        form = page.get_by_test_id("stForm").first
        for label, option in (("Offence", "251 –"), ("Drug", "Heroin")):   # lists without typing (issue 14 §3)
            box = form.get_by_test_id("stSelectbox").filter(has_text=label)
            choice = page.locator("[role=option]", has_text=option).first
            for _ in range(5):               # a live-preview rerun may close the list as it opens: open it again
                box.click()
                try:
                    choice.wait_for(timeout=5_000)
                    break
                except Exception:  # noqa: BLE001 - playwright TimeoutError: try once more
                    page.keyboard.press("Escape")
            choice.click()
        page.get_by_label("Description").fill("<img src=x onerror=alert(1)> nhập từ bản đồ")
        page.get_by_role("button", name="Save incident").click()
        page.get_by_text(re.compile(r"Incident NT-\S+ saved")).wait_for()
    finally:
        ctx.close()
    srv.stop()                                            # release the store to read it here
    con = connect(db)
    try:
        row = con.execute("SELECT article, drug, description, lat FROM incidents WHERE id LIKE 'NT-%'").fetchone()
        assert row == ("251", "heroin", "<img src=x onerror=alert(1)> nhập từ bản đồ", 16.62)
        assert audit.entries(con, action="incident_add", limit=1).iloc[0]["who"] == "u_editor"
    finally:
        con.close()
