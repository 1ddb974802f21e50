"""Map tab: the layered map, with a month player that redraws the time layers.

The map area is a fragment: stepping or playing through months reruns only the map
(``st.fragment(run_every=...)`` while playing), not the whole page. The rendered map is
cached per (filter, language, layers, month, focus) in :func:`ui.cache.map_args`.
"""
from __future__ import annotations

import time

import streamlit as st

import layers as registry
from core.i18n import t
from core.roles import INCIDENT_DETAILS, MAP, min_cell
from ui import auth, cache, mapview
from ui.context import Ctx
from ui.periods import month_label, month_starts

PLAY_SECONDS = 2.0
MAP_HEIGHT = 650


def months_of(ctx: Ctx) -> list:
    lo = ctx.flt.date_from or ctx.facts.get("first")
    hi = ctx.flt.date_to or ctx.facts.get("last")
    return month_starts(lo, hi) if lo and hi else []


def _on_by_month() -> None:
    """Turning month-by-month on also shows the heat layer (the time layers are the point of it)."""
    ss = st.session_state
    if ss.get("map_by_month") and "heat" not in ss.get("map_layers", []):
        if "heat" in registry.names():
            ss["map_layers"] = [*ss.get("map_layers", []), "heat"]


def _step(delta: int, months: list) -> None:
    ss = st.session_state
    i = months.index(ss["map_month"]) if ss.get("map_month") in months else len(months) - 1
    ss["map_month"] = months[(i + delta) % len(months)]
    ss["_map_tick"] = time.monotonic()


def _clicked(delta: int, months: list) -> None:
    auth.touch()
    _step(delta, months)


def layer_choice(ctx: Ctx, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Multiselect of the layers shown when the map opens (the map's own control can still toggle)."""
    ss = st.session_state
    hidden = set() if ctx.can(INCIDENT_DETAILS) else {"incidents"}     # no exact points without the right
    names = [n for n in registry.names() if n not in hidden]
    if key not in ss:
        ss[key] = [n for n in (default if default is not None else registry.default_names()) if n in names]
    elif any(n not in names for n in ss[key]):
        ss[key] = [n for n in ss[key] if n in names]
    titles = {n: registry.module(n).TITLE.get(ctx.lang, n) for n in names}
    shown = tuple(n for n in names if n in ss[key])
    with st.popover(t("ui.map.layers.button", ctx.lang, n=len(shown)), icon=":material/layers:"):
        st.multiselect(t("ui.map.layers", ctx.lang), names, key=key, format_func=lambda n: titles.get(n, n),
                       help=t("ui.map.layers.help", ctx.lang), persist_state="session")
    return tuple(n for n in names if n in ss[key])


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    ss = st.session_state
    months = months_of(ctx)
    c0, c1, c2, c3 = st.columns([2, 2, 2, 4], vertical_alignment="center")
    with c0:
        shown = layer_choice(ctx, "map_layers")
    c1.toggle(t("ui.map.by_month", lang), key="map_by_month", help=t("ui.map.by_month.help", lang),
              disabled=not months, on_change=_on_by_month, persist_state="session")
    by_month = bool(ss.get("map_by_month")) and bool(months)
    c2.toggle(t("ui.map.play", lang), key="map_play", disabled=not by_month, help=t("ui.map.play.help", lang))
    playing = by_month and bool(ss.get("map_play"))
    c3.caption(t("ui.map.hint", lang))
    auth.fragment(_map_area, need=MAP, cursor=cache.cursor,
                  run_every=PLAY_SECONDS if playing else None)(ctx, months, by_month, playing, shown)


def _map_area(ctx: Ctx, months: list, by_month: bool, playing: bool, shown: tuple[str, ...]) -> None:
    lang = ctx.lang
    ss = st.session_state
    month = None
    if by_month:
        if ss.get("map_month") not in months:
            ss["map_month"] = months[-1]
        elif playing and time.monotonic() - ss.get("_map_tick", 0.0) >= 0.8 * PLAY_SECONDS:
            _step(+1, months)
        b1, s, b2 = st.columns([1, 12, 1], vertical_alignment="bottom")
        b1.button("◀", key="map_prev", on_click=_clicked, args=(-1, months), help=t("ui.map.prev", lang))
        s.select_slider(t("ui.map.month", lang), options=months, key="map_month",
                        format_func=lambda d: month_label(d, lang), on_change=auth.touch)
        b2.button("▶", key="map_next", on_click=_clicked, args=(+1, months), help=t("ui.map.next", lang))
        month = ss["map_month"]
    with st.spinner(t("ui.map.drawing", lang)):
        args = cache.map_args(ctx.path, ctx.rev, ctx.flt, lang, shown, month, None, cache.tile_url(),
                              details=ctx.can(INCIDENT_DETAILS), min_cell=min_cell(ctx.user))
    mapview.show(args, key="map", height=MAP_HEIGHT)
