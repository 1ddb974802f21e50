"""Top of the page: title, period, a slim demo note and the headline numbers, in two short lines.

Kept compact so a 1366×768 station laptop shows at least half of its screen as map: the title
and the period (with the demo note) share one line, the four cards the next; tabs follow.
The cards always show the filter's whole period and say so; month playback shows its own
month's numbers above the map (``ui.map_tab``).
"""
from __future__ import annotations

from html import escape as esc

import streamlit as st

from core import roles
from core.i18n import fmt_date, t
from ui import cache
from ui.context import Ctx
from ui.small import totals_text

# Less space above and between the blocks, smaller cards: the map starts high on a laptop screen.
_CSS = ("<style>"
        "[data-testid='stMainBlockContainer']{padding:.7rem 1.2rem 1rem 1.2rem}"
        "[data-testid='stMain'] [data-testid='stVerticalBlock']{gap:.45rem}"
        "[data-testid='stHeader']{height:0;min-height:0;background:transparent}"
        "[data-testid='stMain'] [data-testid='stMetric']{padding:0}"
        "[data-testid='stMain'] [data-testid='stMetricLabel'] p{font-size:.8rem}"
        "[data-testid='stMain'] [data-testid='stMetricValue']{font-size:1.35rem;line-height:1.2}"
        ".st-key-bw_title h3{font-size:1.15rem;padding:0;line-height:1.3}"
        ".st-key-bw_title [data-testid='stMarkdownContainer'] p{margin:0}"
        ".st-key-bw_title [data-testid='stCaptionContainer']{margin:0;width:auto}"
        ".bw-demo{padding:0 .45rem;border-radius:.3rem;font-size:.8rem;"
        "background:#fff4d6;color:#7a4b00;border:1px solid #f0c36d;white-space:nowrap}"
        "[data-testid='stMain'] [data-testid='stTabs'] [role='tablist'] button{padding-top:0;padding-bottom:.2rem}"
        "</style>")


def period_text(ctx: Ctx) -> str:
    """The period the cards show, in words ("Từ 01/01/2026 đến 29/11/2026")."""
    lang, flt, facts = ctx.lang, ctx.flt, ctx.facts
    if flt.date_from and flt.date_to:
        return t("ui.period.span", lang, first=fmt_date(flt.date_from, lang), last=fmt_date(flt.date_to, lang))
    if facts.get("first"):
        return t("ui.period.all_span", lang, first=fmt_date(flt.date_from or facts["first"], lang),
                 last=fmt_date(flt.date_to or facts["last"], lang))
    return ""


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    st.html(_CSS)
    title, right = st.container(key="bw_title").columns([11, 9], vertical_alignment="center")
    title.subheader(t("ui.title", lang), anchor=False)
    period = right.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", gap="small")
    period.caption(period_text(ctx))
    if ctx.facts.get("demo"):
        period.html(f'<span class="bw-demo">⚠ {esc(t("ui.demo_banner", lang))}</span>', width="content")
    tot = cache.totals(ctx.path, ctx.rev, ctx.flt)
    k = roles.min_cell(ctx.user)                 # viewers: "< 3" instead of one incident's numbers
    shown = totals_text(tot, k, lang)
    note = t("ui.small.note", lang, k=k) if k > 1 else None
    cols = st.columns(4)
    for col, key in zip(cols, ("incidents", "quantity_g", "tablets", "persons"), strict=True):
        col.metric(t(f"ui.metric.{_METRIC[key]}", lang), shown[key], help=note)


_METRIC = {"incidents": "incidents", "quantity_g": "grams", "tablets": "tablets", "persons": "persons"}
