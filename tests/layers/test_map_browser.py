"""The standalone map in Debian Chromium: Leaflet renders, controls work, nothing is fetched, text is safe."""
import json
import math

import pytest
from maptest import HOSTILE
from pyproj import Transformer

import layers
from data.filters import Filter
from data.store import connect
from layers import mapbuild

pytestmark = pytest.mark.browser


# Every popup and tooltip the map can show, rendered as the browser would, collected for checks.
COLLECT = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const out = [];
  const take = (layer) => {
    for (const get of ["getPopup", "getTooltip"]) {
      const p = layer[get] && layer[get]();
      if (!p) continue;
      const c = p._content;
      out.push(typeof c === "function" ? c(layer) : c);
    }
  };
  map.eachLayer(take);
  Object.values(window).filter(v => v instanceof L.MarkerClusterGroup).forEach(g => g.getLayers().forEach(take));
  const box = document.createElement("div");
  box.id = "bw-probe";
  box.innerHTML = out.join("<hr>");
  document.body.appendChild(box);
  return {n: out.length, imgs: box.querySelectorAll("img").length, text: box.textContent};
}"""


@pytest.fixture(scope="module")
def page_file(hostile_db, tmp_path_factory):
    con = connect(hostile_db, read_only=True)
    try:
        html = mapbuild.standalone_html(con, Filter(), lang="vi")
    finally:
        con.close()
    path = tmp_path_factory.mktemp("browser") / "map.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_standalone_map_renders_offline_and_safely(browser, page_file):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests, dialogs, errors = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_selector(".leaflet-container")
    page.wait_for_function("document.querySelectorAll('.leaflet-container svg path').length > 10")

    # layer control: one base layer and every registered overlay, titles from the translation table
    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [o.strip() for o in overlays] == [layers.module(n).TITLE["vi"] for n in layers.names()]
    assert page.locator(".leaflet-control-layers-base label").count() == 1
    assert page.locator(".leaflet-control-scale").count() == 1
    assert "Chú giải" in page.locator(".bw-legend").inner_text()
    assert page.locator(".bw-icon svg").count() > 20                      # gate, village symbols
    assert page.locator(".marker-cluster").count() > 0

    # below 1500 px the legend starts collapsed (its title only); one click opens it
    assert "bw-collapsed" in page.locator(".bw-legend").get_attribute("class")
    page.locator(".bw-legend-title").click()
    assert "bw-collapsed" not in page.locator(".bw-legend").get_attribute("class")

    # switching the heat map on draws its canvas and shows its legend section
    heat = layers.module("heat").TITLE["vi"]
    assert heat not in page.locator(".bw-legend").inner_text()
    page.locator(".leaflet-control-layers-overlays label", has_text=heat).locator("input").check()
    page.wait_for_selector("canvas.leaflet-heatmap-layer")
    assert heat in page.locator(".bw-legend").inner_text()

    # mouse position: WGS84 and VN-2000, the JS maths equal pyproj in Chromium too
    page.mouse.move(640, 400)
    assert "VN-2000" in page.locator(".bw-mouse").inner_text()
    pts = [(16.61406, 106.60065), (16.81625, 107.10031), (17.69, 105.78)]
    got = page.evaluate(f"{json.dumps(pts)}.map(p => window.borderwatchVN2000(p[0], p[1]))")
    tr = Transformer.from_crs("EPSG:4326", "EPSG:9212", always_xy=True)
    for (lat, lon), (e, n) in zip(pts, got, strict=True):
        e_ref, n_ref = tr.transform(lon, lat)
        assert math.hypot(e - e_ref, n - n_ref) < 1.0

    # every overlay on, then every popup/tooltip rendered: the hostile texts stay text
    for box in page.locator(".leaflet-control-layers-overlays input").all():
        box.check()
    probe = page.evaluate(COLLECT)
    assert probe["n"] > 100 and probe["imgs"] == 0
    assert probe["text"].count(HOSTILE) >= 4                 # crossing, trail, village, incident
    page.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    page.close()
