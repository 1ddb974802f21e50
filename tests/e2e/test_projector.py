"""The projector view in Debian Chromium at 1920×1080 and 1280×720.

Starts ``streamlit run tests/e2e/projector_page.py`` (a page that shows only
``ui.projector.render``) on a demo store, walks every slide (report.slides.SLIDES), saves screenshots under
``artifacts/screenshots/`` and measures the computed font size of every visible text.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _serve import serve
from playwright.sync_api import expect

from report.slides import SLIDES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
KEYS = list(SLIDES)
N = len(KEYS)          # the last slide (changes) is text only

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


# Elements of the slide and its navigation that end below the window, or below the box of an
# ancestor that hides its overflow: anything a projector would not show.
CUT = """() => {
  const H = innerHeight, out = [];
  const els = document.querySelectorAll(
    '.bw-slide *, .st-key-projector_next button, .st-key-projector_prev button, .bw-count');
  for (const el of els) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) || el.tagName === 'IMG';
    if (!own && el.tagName !== 'BUTTON') continue;
    let limit = H;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowY === 'hidden' || cs.overflow === 'hidden')
        limit = Math.min(limit, a.getBoundingClientRect().bottom);
    }
    if (r.bottom > limit + 0.5) out.push([el.tagName, (el.textContent || el.alt || '').trim().slice(0, 50),
                                          Math.round(r.bottom), Math.round(limit)]);
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


# The slide is ready to be measured when the script run that drew it is over (Streamlit's own
# ``data-test-script-state``), its navigation bar is drawn and its images are decoded: the same state a
# presenter waits for before talking to the slide. Waited for as a condition, never for a fixed time.
READY = """n => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (!document.querySelector('.st-key-projector_exit button') || !document.querySelector('.bw-slide')) return false;
  return [...document.querySelectorAll('.bw-slide img')].every(i => i.complete && i.naturalWidth > 0)
         && document.fonts.status === 'loaded';
}"""


def _ready(page) -> None:
    page.wait_for_function(READY, timeout=60_000)


def _walk(browser, url, width, height, lang="vi"):
    """Visit every slide; yield (index, page) after each has rendered."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{url}/?lang={lang}")
    nxt = "Trang sau ▶" if lang == "vi" else "Next ▶"
    counter = f"Trang {{i}}/{N}" if lang == "vi" else f"Slide {{i}}/{N}"
    for i in range(N):
        if i:
            page.get_by_role("button", name=nxt).click()
        page.get_by_text(counter.format(i=i + 1), exact=True).wait_for(timeout=60_000)
        page.locator(".bw-slide img").first.wait_for(timeout=60_000) if i < N - 1 else None
        _ready(page)
        yield i, page
    page.close()


def _measure(page, i: int, width: int, height: int) -> dict:
    """Everything the size and cut tests check on one slide, read from the page once."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"projector-{width}x{height}-{i + 1}-{KEYS[i]}.png"))
    return {
        "exceptions": page.locator('[data-testid="stException"]').count(),
        "slides": page.locator(f".bw-slide.{KEYS[i]}").count(),
        "sidebar": page.get_by_text("sidebar-should-be-hidden").is_visible(),
        "sizes": page.evaluate(FONT_SIZES),
        "title": page.locator(".bw-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"),
        "nav": page.get_by_role("button", name="Trang sau ▶").bounding_box(),
        "cut": page.evaluate(CUT),
        "scroll": page.evaluate("scrollY"),
    }


@pytest.fixture(scope="module")
def walked(server, chromium_session):
    """``walked(width, height)``: the measurements of every slide at that window size. A walk only reads
    the page, so the size test and the cut test at 1920×1080 share one walk instead of walking twice."""
    done: dict[tuple[int, int], list[dict]] = {}

    def get(width: int, height: int) -> list[dict]:
        if (width, height) not in done:
            done[width, height] = [_measure(page, i, width, height)
                                   for i, page in _walk(chromium_session, server, width, height)]
        return done[width, height]

    return get


@pytest.mark.parametrize("width,height,minimum", [(1920, 1080, 24.0), (1280, 720, 16.0)])
def test_slides_fit_and_text_is_large(walked, width, height, minimum):
    for i, m in enumerate(walked(width, height)):
        assert m["exceptions"] == 0
        assert m["slides"] == 1
        assert not m["sidebar"]                                                    # sidebar hidden
        sizes = m["sizes"]
        assert sizes, "no visible text"
        smallest = min(sizes)
        assert smallest[0] >= minimum - 0.01, f"slide {i + 1}: {smallest}"
        if width == 1920:
            assert m["title"] > 40
        nav = m["nav"]
        assert nav["y"] + nav["height"] <= height                                  # nothing scrolls off the slide


def test_english_navigation_back_and_exit(server, browser):
    for i, page in _walk(browser, server, 1920, 1080, lang="en"):
        if i == 1:
            assert page.locator(".bw-title").inner_text() == "Hotspots"
            page.get_by_role("button", name="◀ Previous").click()
            page.get_by_text(f"Slide 1/{N}", exact=True).wait_for(timeout=30_000)
            page.get_by_role("button", name="Leave projector").click()
            page.get_by_text("projector-closed").wait_for(timeout=30_000)
            page.close()
            return


def _counter(page) -> str:
    return page.locator(".bw-count").inner_text().strip()


def test_keyboard_and_presenter_clicker_move_the_slides(server, browser):
    """→/PageDown/Space forward, ←/PageUp back, Home/End to the ends; the slide number follows."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{server}/?lang=vi")
    page.get_by_text(f"Trang 1/{N}", exact=True).wait_for(timeout=60_000)
    page.locator(".bw-slide img").first.wait_for(timeout=60_000)
    # what a presenter waits for before the first key: the "next" button is there and enabled, the run is over
    expect(page.get_by_role("button", name="Trang sau ▶")).to_be_enabled(timeout=60_000)
    _ready(page)
    steps = [("ArrowRight", 2), ("PageDown", 3), ("Space", 4), ("ArrowLeft", 3), ("PageUp", 2), ("End", N),
             ("PageDown", N), ("Home", 1), ("ArrowLeft", 1), ("Space", 2)]
    for key, expected in steps:
        page.keyboard.press(key)
        page.get_by_text(f"Trang {expected}/{N}", exact=True).wait_for(timeout=60_000)
        page.locator(f".bw-slide.{KEYS[expected - 1]}").wait_for(timeout=60_000)
        _ready(page)                        # the run is over: a second step from one key would show now
        assert _counter(page) == f"Trang {expected}/{N}", key
        assert page.locator(f".bw-slide.{KEYS[expected - 1]}").count() == 1
        assert page.evaluate("scrollY") == 0, f"{key} scrolled the page"
    # a mouse click still works after the keys, and Space on the focused button does not step twice
    page.get_by_role("button", name="Trang sau ▶").click()
    page.get_by_text(f"Trang 3/{N}", exact=True).wait_for(timeout=60_000)
    _ready(page)
    page.keyboard.press("Space")
    page.get_by_text(f"Trang 4/{N}", exact=True).wait_for(timeout=60_000)
    _ready(page)
    page.wait_for_timeout(500)              # nothing may happen now: a late second step would show in this time
    _ready(page)
    assert _counter(page) == f"Trang 4/{N}"
    page.close()


def test_a_key_pressed_while_the_first_slide_loads_is_not_lost(server, browser):
    """The presenter presses → as soon as the first slide shows, before the navigation bar is drawn."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{server}/?lang=vi")
    page.locator(".bw-slide img").first.wait_for(timeout=60_000)
    page.keyboard.press("ArrowRight")
    page.get_by_text(f"Trang 2/{N}", exact=True).wait_for(timeout=60_000)
    _ready(page)
    assert _counter(page) == f"Trang 2/{N}"
    page.close()


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_nothing_is_cut_at_the_bottom(walked, width, height):
    for i, m in enumerate(walked(width, height)):
        assert not m["cut"], f"slide {i + 1} at {width}x{height}: {m['cut'][:5]}"
        assert m["scroll"] == 0
