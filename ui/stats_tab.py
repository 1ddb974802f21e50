"""Statistics tab: monthly incidents by article and by drug, seizures, persons; the briefing pack PDF."""
from __future__ import annotations

import streamlit as st

from core import roles
from core.i18n import t
from ui import briefing, cache, charts
from ui.context import Ctx


def render(ctx: Ctx) -> None:
    _charts(ctx)
    if ctx.can(roles.BRIEFING):
        st.divider()
        st.subheader(t("ui.brief.title", ctx.lang), anchor=False)
        briefing.render(cache.cursor(ctx.path), ctx.flt, lang=ctx.lang, user=ctx.user, key="brief",
                        sig=(ctx.path, ctx.rev))


def _charts(ctx: Ctx) -> None:
    lang = ctx.lang
    df = cache.monthly(ctx.path, ctx.rev, ctx.flt)
    if df.empty:
        st.info(t("ui.no_incidents", lang))
        return
    k = roles.min_cell(ctx.user)                 # viewers: no bar or point of fewer than k incidents
    left, right = st.columns(2)
    loc = charts.localized
    left.altair_chart(loc(charts.incidents_by_article(df, lang, k=k), lang), width="stretch", key="chart_article")
    right.altair_chart(loc(charts.incidents_by_drug(df, lang, k=k), lang), width="stretch", key="chart_drug")
    left, right = st.columns(2)
    left.altair_chart(loc(charts.grams_by_drug(df, lang, k=k), lang), width="stretch", key="chart_grams")
    right.altair_chart(loc(charts.tablets(df, lang, k=k), lang), width="stretch", key="chart_tablets")
    st.altair_chart(loc(charts.persons(df, lang, k=k), lang), width="stretch", key="chart_persons")
    st.caption(t("ui.chart.note", lang))
    if k > 1:
        st.caption(t("ui.small.note", lang, k=k))
