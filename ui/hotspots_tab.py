"""Hot spot explorer: Gi* bins and emerging categories on the map and as a table.

Choosing a table row focuses the map on that cell. Below: incidents per crossing, per
trail and per kilometre of border (``corridor_for``).
"""
from __future__ import annotations

import streamlit as st

from core import palette, roles
from core.i18n import t
from core.roles import INCIDENT_DETAILS
from ui import cache, charts, frames, mapview, widgets
from ui.context import Ctx
from ui.small import counts_column, keep_cells
from ui.text import tr

#: Map layers of this tab (layer registry names).
HOTSPOT_LAYERS: tuple[str, ...] = ("belt", "hotspots", "emerging", "border", "trails", "crossings", "villages")
RESOLUTIONS = (6, 7, 8)
MAP_HEIGHT = 540


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    ss = st.session_state
    views = {"cells": t("ui.hot.view.cells", lang), "corridor": t("ui.hot.view.corridor", lang)}
    ss["_hot_view_labels"] = {v: k for k, v in views.items()}
    ss["hot_view"] = views[ss.get("hot_view_id", "cells")]
    cells, corridor = st.tabs(list(views.values()), key="hot_view", on_change=_on_view)
    if cells.open:
        with cells:
            _cells(ctx)
    if corridor.open:                       # corridor_for is the slow one: only when asked for
        with corridor:
            _corridor(ctx)


def _on_view() -> None:
    ss = st.session_state
    ss["hot_view_id"] = ss.get("_hot_view_labels", {}).get(ss.get("hot_view"), "cells")


def _cells(ctx: Ctx) -> None:
    lang = ctx.lang
    ss = st.session_state
    ss.setdefault("hot_res", 7)
    c1, c2 = st.columns([1, 4], vertical_alignment="center")
    widgets.selectbox(t("ui.hot.res", lang), RESOLUTIONS, key="hot_res", lang=lang, where=c1,
                      help=t("ui.hot.res.help", lang), format_func=lambda r: t("map.h3.res", lang, res=r),
                      label_visibility="collapsed")
    c2.caption(t("ui.hot.explain", lang))
    res = int(ss["hot_res"])
    with st.spinner(t("ui.working", lang)):
        hs = cache.hotspots(ctx.path, ctx.rev, ctx.flt, res)
        em = cache.emerging(ctx.path, ctx.rev, ctx.flt, res)
    table = frames.hotspot_table(hs, em, cache.villages(ctx.path, ctx.rev), cache.crossings(ctx.path, ctx.rev), lang)
    if table.empty:
        st.info(t("ui.no_incidents", lang))
        return
    k = roles.min_cell(ctx.user)
    shown_table = table.assign(count=counts_column(table["count"], k, lang)) if k > 1 else table
    left, right = st.columns([3, 2])          # the map gets the room; its layer switch and legend start collapsed
    with right:
        event = st.dataframe(
            frames.shown(shown_table, lang, decimals={"count": 0, "z": 2, "crossing_km": 1},
                         text=("place", "crossing", "category_label", "bin_label")),
            key="hot_table", on_select="rerun", selection_mode="single-row", hide_index=True, height=MAP_HEIGHT,
            column_order=["place", "count", "z", "bin_label", "category_label", "crossing", "crossing_km"],
            column_config=_columns(lang, k))
        rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    focus = frames.focus_of(table.iloc[rows[0]]) if rows and rows[0] < len(table) else None
    with left:
        if focus:
            st.caption(tr("ui.hot.focused", lang, place=table.iloc[rows[0]]["place"] or table.iloc[rows[0]]["h3"]))
        view = cache.MapView(layers=HOTSPOT_LAYERS, focus=focus, res=res, details=ctx.can(INCIDENT_DETAILS),
                             min_cell=k)
        args = cache.map_args(ctx.path, ctx.rev, ctx.flt, lang, view, cache.tile_url())
        mapview.show(args, key="map_hot", height=MAP_HEIGHT)


def _columns(lang: str, k: int = 1) -> dict:
    cc = st.column_config
    count = cc.NumberColumn(t("ui.col.count", lang), width="small") if k <= 1 else \
        cc.TextColumn(t("ui.col.count", lang), width="small", help=t("ui.small.note", lang, k=k))
    return {
        "place": cc.TextColumn(t("ui.col.place", lang), help=t("ui.col.place.help", lang), width="medium"),
        "count": count,
        "z": cc.NumberColumn("Gi* z", width="small"),
        "bin_label": cc.TextColumn(t("ui.col.bin", lang), help=t("ui.col.bin.help", lang), width="small"),
        "category_label": cc.TextColumn(t("ui.col.category", lang), width="medium"),
        "crossing": cc.TextColumn(t("ui.col.crossing", lang), width="medium"),
        "crossing_km": cc.NumberColumn(t("ui.col.crossing_km", lang), width="small"),
        "h3": cc.TextColumn(t("ui.col.cell", lang)),
    }


def _corridor(ctx: Ctx) -> None:
    lang = ctx.lang
    with st.spinner(t("ui.working", lang)):
        corr = cache.corridor(ctx.path, ctx.rev, ctx.flt)
    st.caption(t("ui.corr.note", lang))
    left, right = st.columns(2)
    crossings, trails, chain = _viewer_cells(ctx, corr)
    if crossings is not None and len(crossings):
        chart = charts.counts_bar(crossings, category="name", value="count", title=t("ui.corr.crossings", lang),
                                  category_title=t("ui.col.crossing", lang))
        left.altair_chart(charts.localized(chart, lang), width="stretch", height=charts.bars_height(len(crossings)),
                          key="chart_crossings")
    if trails is not None and len(trails):
        right.altair_chart(charts.localized(charts.counts_bar(
                               trails, category="name", value="count", title=t("ui.corr.trails", lang),
                               category_title=t("ui.col.trail", lang), color=palette.TRAIL_KIND["trail"]["color"]),
                               lang),
                           width="stretch", height=charts.bars_height(len(trails)), key="chart_trails")
    if chain is not None and len(chain):
        st.altair_chart(charts.localized(charts.per_km(chain, km="km_from", value="count",
                                                       title=t("ui.corr.per_km", lang), km_title=t("ui.corr.km", lang)),
                                         lang), width="stretch", key="chart_per_km")


def _viewer_cells(ctx: Ctx, corr: dict) -> tuple:
    """Crossings, trails and border kilometres; for viewers (ui.small) only bars resting on at least
    ``k`` incidents, and a caption saying how many were left out."""
    k = roles.min_cell(ctx.user)
    parts, dropped = [], 0
    for key in ("crossings", "trails", "chainage"):
        df = corr.get(key)
        if df is not None and len(df) and k > 1:
            df, n = keep_cells(df, k, count="count")
            dropped += n
        parts.append(df)
    if dropped:
        st.caption(t("ui.small.left_out", ctx.lang, n=dropped, k=k))
    return tuple(parts)
