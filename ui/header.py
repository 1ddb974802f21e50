"""Top of the page: title, demo banner, headline numbers of the filtered period."""
from __future__ import annotations

import streamlit as st

from core import roles
from core.i18n import fmt_date, t
from ui import cache
from ui.context import Ctx
from ui.small import totals_text


# Less empty space above the title, so the map starts higher on a 1280×720 laptop screen.
_CSS = ("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem;padding-bottom:2rem}"
        "[data-testid='stMain'] [data-testid='stMetricValue']{font-size:1.9rem}"
        ".st-key-bw_title h3{font-size:1.45rem;padding-top:0}</style>")


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    st.html(_CSS)
    title, period = st.container(key="bw_title").columns([4, 1], vertical_alignment="bottom")
    title.subheader(t("ui.title", lang), anchor=False)
    flt, facts = ctx.flt, ctx.facts
    if flt.date_from and flt.date_to:
        period.caption(t("ui.period.span", lang, first=fmt_date(flt.date_from, lang), last=fmt_date(flt.date_to, lang)))
    elif facts.get("first"):
        period.caption(t("ui.period.all_span", lang, first=fmt_date(flt.date_from or facts["first"], lang),
                         last=fmt_date(flt.date_to or facts["last"], lang)))
    if facts.get("demo"):
        st.warning(t("ui.demo_banner", lang), icon=":material/warning:")
    tot = cache.totals(ctx.path, ctx.rev, flt)
    k = roles.min_cell(ctx.user)                 # viewers: "< 3" instead of one incident's numbers
    shown = totals_text(tot, k, lang)
    note = t("ui.small.note", lang, k=k) if k > 1 else None
    cols = st.columns(4)
    for col, key in zip(cols, ("incidents", "quantity_g", "tablets", "persons")):
        col.metric(t(f"ui.metric.{_METRIC[key]}", lang), shown[key], help=note)


_METRIC = {"incidents": "incidents", "quantity_g": "grams", "tablets": "tablets", "persons": "persons"}
