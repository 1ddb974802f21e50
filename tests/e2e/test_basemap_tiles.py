"""The unit's own basemaps in Chromium: an MBTiles made by GDAL and a VN-2000 GeoTIFF (EPSG:9212) tiled
by ``borderwatch basemap add``, served by ``borderwatch serve`` itself (``/bw/tiles``) and embedded in
the standalone ``borderwatch map --out`` file. Every request stays on 127.0.0.1 (or in the file)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from _browser import MAP_FRAME
from _serve import serve
from rasters import COLORS, gdal_missing, make_geotiff_vn2000, make_mbtiles

from cli import main as cli_main
from core.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.skipif(gdal_missing(), reason="GDAL tools (gdal-bin) not installed")]

USER, PASSWORD = "bm_admin", "bm-password-Lao-Bao-233"

# The opaque colours of a tile, read back from an <img> of the map (same origin or data: URI).
PIXEL = """(img) => { const c = document.createElement('canvas'); c.width = c.height = 256;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0, 256, 256);
  const d = g.getImageData(0, 0, 256, 256).data, seen = {};
  for (let i = 0; i < d.length; i += 4) { if (d[i + 3] === 255) seen[d[i] + "," + d[i + 1] + "," + d[i + 2]] = 1; }
  return Object.keys(seen).slice(0, 8).map(k => k.split(",").map(Number)); }"""


@pytest.fixture(scope="module")
def tiled_store(tmp_path_factory):
    from data import users
    from data.demo import build_demo
    from data.store import connect

    tmp = tmp_path_factory.mktemp("basemaps")
    db = tmp / "bm.duckdb"
    build_demo(db, incidents=500, seed=233, end=dt.date.today())
    con = connect(db)
    try:
        users.create_user(con, USER, "admin", PASSWORD, who="test")
    finally:
        con.close()
    mb, tif = make_mbtiles(tmp / "unit.mbtiles"), make_geotiff_vn2000(tmp / "vn2000.tif")
    for args in (["basemap", "add", str(mb), "--name", "unit"], ["basemap", "add", str(tif), "--name", "vn2000"]):
        assert cli_main([*args, "--db", str(db), "--as", USER]) == 0
    return db


def _outside(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith(("data:", "blob:", "about:", "file:"))
            and urlparse(u).hostname not in ("127.0.0.1", "localhost")]


def _login(page) -> None:
    page.get_by_label("Tên tài khoản").fill(USER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("stMetricValue").first.wait_for()


def _tile_colours(frame, name: str) -> list[list[int]]:
    """Switch the map's base layer to basemap ``name``; colours of its loaded tiles (waits for one)."""
    # the layer switch starts collapsed below 1500 px; el.click() on its label picks the layer as a click does
    frame.get_by_text(t("layers.unit_basemap", "vi", name=name), exact=True).evaluate("el => el.click()")
    sel = f'img.leaflet-tile-loaded[src*="/bw/tiles/{name}/"]'
    frame.locator(sel).first.wait_for(state="attached", timeout=30_000)
    return [img.evaluate(PIXEL) for img in frame.locator(sel).element_handles()[:6]]


def test_served_tiles_load_from_the_app_only(browser, tiled_store):
    with serve(tiled_store) as srv:
        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        requests: list[str] = []
        ctx.on("request", lambda r: requests.append(r.url))
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(srv.url)
        _login(page)
        frame = page.frame_locator(MAP_FRAME).first
        frame.locator(".leaflet-control-layers-base label").first.wait_for(state="attached")
        bases = [s.strip() for s in frame.locator(".leaflet-control-layers-base label").all_inner_texts()]
        assert t("layers.unit_basemap", "vi", name="unit") in bases
        assert t("layers.unit_basemap", "vi", name="vn2000") in bases
        assert t("layers.basemap", "vi") in bases
        for name in ("unit", "vn2000"):
            colours = _tile_colours(frame, name)
            # the raster's own colour came through the tiles (alpha 255 inside the raster)
            assert any(list(COLORS[name]) in found for found in colours), (name, colours)
        tiles = [u for u in requests if "/bw/tiles/" in u]
        assert any("/bw/tiles/unit/" in u for u in tiles) and any("/bw/tiles/vn2000/" in u for u in tiles)
        assert all(urlparse(u).hostname == "127.0.0.1" and urlparse(u).port == srv.port for u in tiles)
        assert _outside(requests) == []
        ctx.close()


def test_standalone_file_carries_the_tiles(browser, tiled_store, tmp_path):
    out = tmp_path / "map.html"
    assert cli_main(["map", "--db", str(tiled_store), "--as", USER, "--out", str(out),
                     "--basemap", "vn2000", "--basemap", "unit"]) == 0
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_selector(".leaflet-container")
    for name in ("vn2000", "unit"):
        page.get_by_text(t("layers.unit_basemap", "vi", name=name), exact=True).click()
        page.evaluate("() => { const m = Object.values(window).find(v => v instanceof L.Map); m.setZoom(10); }")
        sel = 'img.leaflet-tile-loaded[src^="data:image/png"]'
        page.wait_for_function(f"document.querySelectorAll('{sel}').length > 0")
        colours = [img.evaluate(PIXEL) for img in page.locator(sel).element_handles()[:12]]
        assert any(list(COLORS[name]) in found for found in colours), (name, colours)
    assert [u for u in requests if not u.startswith(("data:", "file:", "blob:", "about:"))] == []
