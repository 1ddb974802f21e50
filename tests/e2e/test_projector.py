"""The projector view in Debian Chromium at 1920×1080 and 1280×720.

Starts ``streamlit run tests/e2e/projector_page.py`` (a page that shows only
``ui.projector.render``) on a demo store, walks the six slides, saves screenshots under
``artifacts/screenshots/`` and measures the computed font size of every visible text.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _serve import serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
KEYS = ["overview", "hotspots", "villages", "trends", "corridor", "changes"]

FONT_SIZES = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walk.nextNode())) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script,style,noscript')) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || +cs.opacity === 0) continue;
    if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
    out.push([parseFloat(cs.fontSize), text.slice(0, 40)]);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server(demo_db_template, tmp_path_factory, chromium):
    db = tmp_path_factory.mktemp("proj") / "proj.duckdb"
    shutil.copy(demo_db_template, db)
    period = {"BW_FROM": "2026-08-01", "BW_TO": "2026-10-31"}
    with serve(db, page=ROOT / "tests/e2e/projector_page.py", env=period) as srv:
        yield srv.url


def _walk(browser, url, width, height, lang="vi"):
    """Visit every slide; yield (index, page) after each has rendered."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{url}/?lang={lang}")
    nxt = "Trang sau ▶" if lang == "vi" else "Next ▶"
    counter = "Trang {i}/6" if lang == "vi" else "Slide {i}/6"
    for i in range(6):
        if i:
            page.get_by_role("button", name=nxt).click()
        page.get_by_text(counter.format(i=i + 1), exact=True).wait_for(timeout=60_000)
        page.locator(".bw-slide img").first.wait_for(timeout=60_000) if i < 5 else None
        page.wait_for_timeout(400)
        yield i, page
    page.close()


@pytest.mark.parametrize("width,height,minimum", [(1920, 1080, 24.0), (1280, 720, 16.0)])
def test_slides_fit_and_text_is_large(server, browser, width, height, minimum):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for i, page in _walk(browser, server, width, height):
        page.screenshot(path=str(SHOTS / f"projector-{width}x{height}-{i + 1}-{KEYS[i]}.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(f".bw-slide.{KEYS[i]}").count() == 1
        assert not page.get_by_text("sidebar-should-be-hidden").is_visible()      # sidebar hidden
        sizes = page.evaluate(FONT_SIZES)
        assert sizes, "no visible text"
        smallest = min(sizes)
        assert smallest[0] >= minimum - 0.01, f"slide {i + 1}: {smallest}"
        if width == 1920:
            titles = page.locator(".bw-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert titles > 40
        nav = page.get_by_role("button", name="Trang sau ▶").bounding_box()
        assert nav["y"] + nav["height"] <= height                                  # nothing scrolls off the slide


def test_english_navigation_back_and_exit(server, browser):
    for i, page in _walk(browser, server, 1920, 1080, lang="en"):
        if i == 1:
            assert page.locator(".bw-title").inner_text() == "Hotspots"
            page.get_by_role("button", name="◀ Previous").click()
            page.get_by_text("Slide 1/6", exact=True).wait_for(timeout=30_000)
            page.get_by_role("button", name="Leave projector").click()
            page.get_by_text("projector-closed").wait_for(timeout=30_000)
            page.close()
            return
