"""The real page in Chromium: loads, map layers, period → count, language, offline, screenshots."""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from _browser import MAP_FRAME, map_drawn

from core.i18n import fmt_int, t

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TABS = ("map", "hotspots", "stats", "villages", "data")
#: inside the map frame: the overlay pane holds drawn vector layers and the legend is there
VECTORS_DRAWN = """() => !!document.querySelector('.leaflet-overlay-pane svg path, .leaflet-overlay-pane canvas')
    && !!document.querySelector('.bw-legend')"""
#: every Vega-Lite chart on the page has drawn its marks (a canvas or an SVG with a size)
CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return charts.length > 0 && charts.every(c => [...c.querySelectorAll('canvas, svg')]
      .some(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0));
}"""


def _offline(requests: list[str]) -> list[str]:
    """Every request that left 127.0.0.1 (data:, blob:, about: are in-page)."""
    return [u for u in requests if not u.startswith(("data:", "blob:", "about:"))
            and urlparse(u).hostname not in LOCAL_HOSTS]


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _layer_labels(page) -> list[str]:
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-control-layers-overlays label").first.wait_for(state="attached")
    return [s.strip() for s in frame.locator(".leaflet-control-layers label").all_inner_texts()]


def _layer_titles(lang: str) -> tuple[list[str], list[str]]:
    """Titles the map's layer switch lists (every base layer, the filtered layers shown by default)
    and those it does not (filtered layers not shown: added from the layer menu above the map)."""
    import layers

    listed = [s.name for s in layers.REGISTRY if not s.filtered or s.name in layers.default_names()]
    return ([t(f"layers.{n}", lang) for n in listed],
            [t(f"layers.{n}", lang) for n in layers.names() if n not in listed])


def test_page_map_period_language_and_nothing_leaves_localhost(open_page, e2e_store, shots, idle):
    page, requests = open_page(1920, 1080)
    idle(page)
    assert page.get_by_text(t("ui.title", "vi")).is_visible()
    assert page.get_by_text(t("ui.demo_banner", "vi")).first.is_visible()
    counts = e2e_store["counts"]
    assert _metric(page, "Số vụ việc").inner_text() == fmt_int(counts["year"], "vi")

    # the map, its layers in the layer control, scale bar and mouse position
    labels = _layer_labels(page)
    listed, not_drawn = _layer_titles("vi")
    for title in listed:
        assert title in labels, (title, labels)
    assert not_drawn and not set(not_drawn) & set(labels)
    frame = page.frame_locator(MAP_FRAME).first
    assert frame.locator(".leaflet-control-scale").count() == 1
    assert frame.locator(".bw-mouse").count() == 1
    page.screenshot(path=str(shots / "map_vi_1920x1080.png"))

    # changing the period changes the shown count
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Thời gian").click()
    page.get_by_role("option", name=t("ui.period.30d", "vi")).click()
    expected = fmt_int(counts["30d"], "vi")
    page.wait_for_function(
        """([label, want]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
             .some(m => m.innerText.includes(label) && m.querySelector('[data-testid="stMetricValue"]')
                        .innerText.trim() === want)""", arg=["Số vụ việc", expected])
    assert expected != fmt_int(counts["year"], "vi")
    page.wait_for_url(re.compile(r"period=30d"))

    # switching language changes the labels (page and map)
    sidebar.get_by_role("radio", name="English").click()
    page.get_by_role("tab", name="Statistics").wait_for()
    idle(page)
    assert _metric(page, "Incidents").inner_text() == fmt_int(counts["30d"], "en")
    # the chosen period is shown with its English label too (not the label it was first sent with)
    assert sidebar.get_by_label(t("ui.period", "en"), exact=True).input_value() == t("ui.period.30d", "en")
    assert page.get_by_text(t("ui.title", "en")).is_visible()
    page.wait_for_function("""(want) => {
        const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
        return f && f.contentDocument && f.contentDocument.body.innerText.includes(want); }""",
                           arg=t("layers.border", "en"))
    labels = _layer_labels(page)
    assert t("layers.border", "en") in labels and t("layers.border", "vi") not in labels
    page.screenshot(path=str(shots / "map_en_1920x1080.png"))

    assert requests, "no request recorded"
    assert _offline(requests) == []


def test_a_filter_change_redraws_the_overlay_on_the_same_map(open_page, idle):
    """The live map: a new period swaps the filtered layers, legend and control; the map, its
    position and zoom stay (the iframe is not reloaded, Leaflet not re-run)."""
    page, _ = open_page(1400, 900)
    idle(page)
    _layer_labels(page)
    body = page.frame_locator(MAP_FRAME).first.locator("body")
    body.evaluate("""() => { window.bwProbe = 233; window.bwOldLive = window.bwLive;
                             map_div.setView([16.62, 106.62], 11, {animate: false}); }""")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Thời gian").click()
    page.get_by_role("option", name=t("ui.period.30d", "vi")).click()
    page.wait_for_url(re.compile(r"period=30d"))
    body.evaluate("""() => new Promise((ok, fail) => { const t0 = Date.now(); (function poll() {
        if (window.bwLive !== window.bwOldLive) return ok();
        if (Date.now() - t0 > 20000) return fail(new Error("overlay not replaced"));
        setTimeout(poll, 50); })(); })""")
    state = body.evaluate("""() => ({probe: window.bwProbe, zoom: map_div.getZoom(),
        lat: map_div.getCenter().lat, lon: map_div.getCenter().lng,
        controls: document.querySelectorAll(".leaflet-control-layers").length,
        legends: document.querySelectorAll(".bw-legend").length,
        oldOnMap: window.bwOldLive.filter(x => x._map).length})""")
    assert state["probe"] == 233                       # same document: the map was not rebuilt
    assert state["zoom"] == 11 and abs(state["lat"] - 16.62) < 1e-6 and abs(state["lon"] - 106.62) < 1e-6
    assert state["controls"] == 1 and state["legends"] == 1     # the old control and legend are gone
    assert state["oldOnMap"] == 0                                # and so are the old layers
    assert page.get_by_test_id("stException").count() == 0


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1080p", "720p"])
def test_every_tab_renders_offline_with_screenshots(open_page, shots, size, idle):
    width, height = size
    page, requests = open_page(width, height, "/?period=all")
    for tab in TABS:
        page.get_by_role("tab", name=t(f"ui.tab.{tab}", "vi")).click()
        idle(page)
        if tab in ("map", "hotspots"):
            page.frame_locator(MAP_FRAME).first.locator(".leaflet-control-layers").wait_for()
            map_drawn(page).wait_for_function(VECTORS_DRAWN)   # vector layers, symbols and the legend drawn
        if tab == "stats":
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
            page.wait_for_function(CHARTS_DRAWN)
        assert page.get_by_test_id("stException").count() == 0, tab
        assert not page.get_by_text(re.compile("Traceback")).count(), tab
        page.screenshot(path=str(shots / f"{tab}_{width}x{height}.png"))
        if tab == "hotspots":                             # the border-corridor charts, a view of this tab
            page.get_by_role("tab", name=t("ui.hot.view.corridor", "vi")).click()
            idle(page)
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
            page.wait_for_function(CHARTS_DRAWN)
            page.screenshot(path=str(shots / f"corridor_{width}x{height}.png"))
    assert _offline(requests) == []
