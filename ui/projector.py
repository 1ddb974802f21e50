"""Projector mode: the briefing as seven full-screen slides for the steering committee.

Laid out for 1920×1080 and 1280×720: every size is a multiple of ``--u`` (24 px at
1080p, 16 px at 720p), so body text is 24 px on a 1080p projector and titles larger.
Dark ink on white, thick strokes, status colours doubled by shapes; the sidebar and
Streamlit's chrome are hidden. First/previous/next/last are keyed buttons, pressed also by
the keyboard and a presenter clicker (→/←, PageDown/PageUp, Space, Home/End; :data:`KEYS`);
the slide number shows between them; the slide index lives in
``st.session_state["projector_slide"]``. The numbers come from
:func:`report.slides.build_briefing`, the same as the PDF.
"""
from __future__ import annotations

import base64
import html
import json

import duckdb
import streamlit as st

from core import roles
from core.errors import BorderwatchError
from core.i18n import t
from data import audit
from data.filters import Filter
from report.charts import render_visual
from report.pdf import footer_lines, visual_sizes
from report.slides import Briefing, Slide, build_briefing
from report.snapshots import latest_snapshot, quick_version, save_snapshot
from ui import briefing
from ui.text import tr

SLIDE_KEY = "projector_slide"
CSS = """
<style>
:root { --u: min(1.25vw, calc(100vh / 45)); }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
#MainMenu, footer { display: none !important; }
[data-testid="stMain"], [data-testid="stAppViewContainer"] { background: #FFFFFF; }
.block-container, [data-testid="stMainBlockContainer"] { padding: calc(var(--u) * 0.5) calc(var(--u) * 1) 0 !important;
  max-width: 100% !important; }
[data-testid="stVerticalBlock"] { gap: calc(var(--u) * 0.3) !important; }
.bw-slide { color: #111; font-size: var(--u); line-height: 1.25; font-family: "DejaVu Sans", "Noto Sans", sans-serif; }
.bw-top { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 4px solid #111;
  padding-bottom: calc(var(--u) * 0.2); }
.bw-title { font-size: calc(var(--u) * 2.1); font-weight: 700; }
.bw-flag { font-size: var(--u); font-weight: 700; color: #B2182B; border: 3px solid #B2182B; padding: 0 0.4em; }
.bw-sub { font-size: var(--u); margin: calc(var(--u) * 0.25) 0 calc(var(--u) * 0.4); }
.bw-body { display: flex; gap: calc(var(--u) * 1.2); height: calc(100vh - var(--u) * 9.6); }
.bw-visual img { height: 100%; width: auto; max-width: 100%; border: 2px solid #111; object-fit: contain; }
.bw-visual { height: 100%; flex: 0 0 auto; max-width: 50%; }
.bw-visual.wide { max-width: 100%; height: 70%; flex: 0 0 auto; display: flex; gap: var(--u); justify-content: center; }
.bw-visual.wide img { flex: 0 1 auto; min-width: 0; height: 100%; width: auto; }
.bw-wide-side { display: flex; gap: calc(var(--u) * 1.5); flex: 1 1 auto; overflow: hidden; }
.bw-side { flex: 1 1 auto; overflow: hidden; }
.bw-cards { display: grid; grid-template-columns: 1fr 1fr; gap: calc(var(--u) * 0.5);
            margin-bottom: calc(var(--u) * 0.6); }
.bw-card { border: 3px solid #111; padding: calc(var(--u) * 0.3) calc(var(--u) * 0.5); }
.bw-card .lbl { font-size: var(--u); }
.bw-card .val { font-size: calc(var(--u) * 1.7); font-weight: 700; }
.bw-card .chg { font-size: calc(var(--u) * 1.3); font-weight: 700; float: right; }
.bw-card .prev { font-size: var(--u); }
.bw-card .sym { font-size: calc(var(--u) * 1.3); -webkit-text-stroke: 1px #111; }
.bw-slide table { border-collapse: collapse; font-size: var(--u); margin-bottom: calc(var(--u) * 0.5); }
.bw-slide th { background: #111; color: #FFF; text-align: left; padding: 0.1em 0.4em; }
.bw-slide td { border-bottom: 2px solid #111; padding: 0.1em 0.4em; }
.bw-slide ul { margin: 0; padding-left: 2em; }
.bw-slide li { font-size: var(--u); margin-bottom: 0.3em; }
.bw-slide.changes li { font-size: calc(var(--u) * 1.25); }
.bw-foot { font-size: var(--u); display: flex; justify-content: space-between; gap: var(--u); }
.bw-foot .demo { color: #B2182B; font-weight: 700; }
.stButton button, .stButton button p, [data-testid="stBaseButton-secondary"] p, .bw-count {
  font-size: var(--u) !important; font-weight: 700; }
.stButton button { border: 3px solid #111 !important; color: #111 !important; background: #FFF !important;
  min-height: calc(var(--u) * 2); padding: 0 calc(var(--u) * 0.6) !important; }
[data-testid="stAlert"] p, [data-testid="stAlert"] { font-size: var(--u) !important; }
</style>
"""


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


@st.cache_data(show_spinner=False, max_entries=16)
def _briefing(_con, flt: Filter, lang: str, version: str, last_snapshot: int | None) -> Briefing:
    return build_briefing(_con, flt, lang=lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _image(_b: Briefing, key: tuple, name: str) -> str:
    w, h = visual_sizes(name)
    png = render_visual(_b, name, width_in=w, height_in=h, dpi=150)
    return base64.b64encode(png).decode("ascii")


def _cards_html(s: Slide, lang: str) -> str:
    out = []
    for c in s.cards:
        sym = (f'<span class="sym" style="color:{_esc(c["color"])}">{_esc(c["symbol"])}</span> '
               if c.get("symbol") else "")
        chg = f'<span class="chg">{_esc(c["change"])}</span>' if c.get("change") else ""
        prev = ""
        if c.get("last_year"):
            prev_text = t("report.proj.prev_value", lang, value=c["last_year"], prev=c["previous"],
                          change=c["previous_change"])
            prev = f'<div class="prev">{_esc(prev_text)}</div>'
        out.append(f'<div class="bw-card"><div class="lbl">{sym}{_esc(c["label"])}</div>'
                   f'<div>{chg}<span class="val">{_esc(c["value"])}</span></div>{prev}</div>')
    return f'<div class="bw-cards">{"".join(out)}</div>' if out else ""


def _table_html(s: Slide) -> str:
    if s.table is None or s.table.empty:
        return ""
    head = "".join(f"<th>{_esc(c)}</th>" for c in s.table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in r) + "</tr>"
                   for r in s.table.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def slide_html(b: Briefing, s: Slide, images: dict[str, str], *, flag: str) -> str:
    """The slide as HTML; every user-supplied string escaped."""
    imgs = "".join(f'<img alt="{_esc(name)}" src="data:image/png;base64,{images[name]}"/>' for name in s.visuals)
    wide = bool(s.visuals) and not s.visuals[0].startswith("map:")
    visual = f'<div class="bw-visual{" wide" if wide else ""}">{imgs}</div>' if imgs else ""
    bullets = "".join(f"<li>{_esc(x)}</li>" for x in s.bullets)
    side = _cards_html(s, b.lang) + _table_html(s) + (f"<ul>{bullets}</ul>" if bullets else "")
    body = (f'<div class="bw-body">{visual}<div class="bw-side">{side}</div></div>' if not wide else
            f'<div class="bw-body" style="flex-direction:column">{visual}<div class="bw-wide-side">'
            f'{("<ul>" + bullets + "</ul>") if bullets else ""}{_table_html(s)}</div></div>')
    foot = footer_lines(b)
    demo = f'<span class="demo">{_esc(t("report.demo", b.lang))}</span>' if b.demo else ""
    return (f'<div class="bw-slide {s.key}"><div class="bw-top"><div class="bw-title">{_esc(s.title)}</div>'
            f'<div class="bw-flag">{_esc(flag)}</div></div><div class="bw-sub">{_esc(s.subtitle)}</div>{body}'
            f'<div class="bw-foot">{demo}<span>{_esc(foot[1])}</span></div></div>')


#: keyboard and presenter clicker (which sends PageDown/PageUp) -> the keyed button it presses
KEYS = {"ArrowRight": "projector_next", "PageDown": "projector_next", " ": "projector_next",
        "ArrowLeft": "projector_prev", "PageUp": "projector_prev", "Home": "projector_first", "End": "projector_last"}

# A fixed script (no user data in it): one keydown listener on the page that presses the keyed
# navigation buttons, so the slide changes through the same callbacks as a click. Keys typed in a
# form field are left alone; Space does not also scroll the page or press a focused button. A key
# pressed while the bar is not drawn yet (the slide still loading) is not lost: its button is pressed
# when it appears (within 3 s).
KEYS_JS = """<script>
(() => {
  const KEYS = %s;
  if (window.__bwProjectorKeys) { window.__bwProjectorKeys.keys = KEYS; return; }
  const state = window.__bwProjectorKeys = {keys: KEYS};
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  const button = (key) => document.querySelector(".st-key-" + key + " button");
  const later = (key, until) => setTimeout(() => {
    const btn = button(key);
    if (btn) { if (!btn.disabled) btn.click(); } else if (Date.now() < until) later(key, until);
  }, 100);
  document.addEventListener("keydown", (ev) => {
    const key = state.keys[ev.key];
    if (!key || ev.altKey || ev.ctrlKey || ev.metaKey || typing(ev.target)) return;
    const btn = button(key);
    if (!btn) { later(key, Date.now() + 3000); return; }
    ev.preventDefault();
    ev.stopPropagation();
    if (!btn.disabled) btn.click();
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  }, true);
  document.addEventListener("keyup", (ev) => {
    if (ev.key === " " && document.querySelector(".st-key-projector_next") && !typing(ev.target)) ev.preventDefault();
  }, true);
})();
</script>"""


def _step(delta: int, n: int) -> None:
    st.session_state[SLIDE_KEY] = min(max(int(st.session_state.get(SLIDE_KEY, 0)) + delta, 0), n - 1)


def _go(index: int) -> None:
    st.session_state[SLIDE_KEY] = index


def _exit() -> None:
    st.session_state["projector"] = False


def render(con: duckdb.DuckDBPyConnection, flt: Filter, *, lang: str = "vi", user=None,
           classification: str | None = None) -> None:
    """Draw the current slide of the briefing for ``flt`` with its navigation bar."""
    st.html(CSS)
    st.session_state.setdefault(SLIDE_KEY, 0)
    try:
        last = latest_snapshot(con)
        with st.spinner(t("report.proj.loading", lang)):
            b = _briefing(con, flt, lang, quick_version(con), last.id if last else None)
    except BorderwatchError as exc:
        st.error(tr("report.proj.error", lang, msg=str(exc)))
        return
    n = len(b.slides)
    i = min(int(st.session_state[SLIDE_KEY]), n - 1)
    s = b.slides[i]
    key = (b.flt, lang, b.version.hash, b.previous.id if b.previous else None)
    images = {name: _image(b, key, name) for name in s.visuals}
    flag = t("report.classification.default", lang) if classification is None else classification
    st.html(KEYS_JS % json.dumps(KEYS), unsafe_allow_javascript=True)       # listening before the slide shows
    st.html(slide_html(b, s, images, flag=flag))
    cols = st.columns([0.8, 2, 1.2, 2, 0.8, 3, 2])
    cols[0].button("|◀", key="projector_first", on_click=_go, args=(0,), disabled=i == 0, use_container_width=True,
                   help=t("report.proj.first", lang))
    cols[1].button(t("report.proj.prev", lang), key="projector_prev", on_click=_step, args=(-1, n),
                   disabled=i == 0, use_container_width=True)
    cols[2].html('<div class="bw-count" '
                 'style="text-align:center;font-size:var(--u);font-weight:700;padding-top:0.3em">'
                 f'{_esc(t("report.proj.counter", lang, i=i + 1, n=n))}</div>')
    cols[3].button(t("report.proj.next", lang), key="projector_next", on_click=_step, args=(1, n),
                   disabled=i == n - 1, use_container_width=True)
    cols[4].button("▶|", key="projector_last", on_click=_go, args=(n - 1,), disabled=i == n - 1,
                   use_container_width=True, help=t("report.proj.last", lang))
    if user is None or roles.can(user, roles.BRIEFING):
        if cols[5].button(t("report.proj.save", lang), key="projector_save", use_container_width=True):
            sid = save_snapshot(con, b.flt, b.summary, version=b.version, saved_by=getattr(user, "name", None))
            audit.log(con, str(getattr(user, "name", "") or "local"), "briefing", f"snapshot {sid} (projector)")
            st.session_state["projector_saved"] = sid
    cols[6].button(t("report.proj.exit", lang), key="projector_exit", on_click=_exit, use_container_width=True)
    saved = st.session_state.pop("projector_saved", None)
    if saved:
        st.success(t("report.proj.saved", lang, id=saved))
    briefing.render(con, flt, lang=lang, user=roles.LOCAL_ADMIN if user is None else user, key="projector_pdf",
                    classification=classification, sig=(b.version.hash,))
