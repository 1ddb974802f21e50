"""Map tab: the layered map, with a month player that redraws the time layers and the points.

The map area is a fragment: stepping or playing through months reruns only the map
(``st.fragment(run_every=...)`` while playing), not the whole page. The rendered map is
cached per (filter, language, layers, month, focus) in :func:`ui.cache.map_args`.

A click on a hexagon, a Gi* cell or an incident cluster (``bw-tools.js`` sends it through
streamlit-folium's returned value) lists that place's incidents under the map: the rows for
roles with ``incident_details`` (a row click zooms the map to the point), the totals only,
with the small-count rule (``ui.small``), for the others.
"""
from __future__ import annotations

import html
import time

import pandas as pd
import streamlit as st
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

import layers as registry
from core.i18n import fmt_date, t
from core.roles import INCIDENT_DETAILS, MAP, min_cell
from core.vocab import label
from data import audit
from geo.areas import area_wkt, circle_polygon
from layers.mapbuild import month_filter
from ui import auth, cache, frames, mapview
from ui.context import Ctx
from ui.periods import month_label, month_starts
from ui.small import totals_text
from ui.text import tr

PLAY_SECONDS = 2.0
MAP_HEIGHT = 540            # with the compact header: the map fills a 1366×768 screen below the tabs
LIST_ROWS = 500             # most rows listed under the map for one click


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
    c0, c1, c2, c3 = st.columns([2, 2, 2, 5], vertical_alignment="center")
    with c0:
        shown = layer_choice(ctx, "map_layers")
    c1.toggle(t("ui.map.by_month", lang), key="map_by_month", help=t("ui.map.by_month.help", lang),
              disabled=not months, on_change=_on_by_month, persist_state="session")
    by_month = bool(ss.get("map_by_month")) and bool(months)
    c2.toggle(t("ui.map.play", lang), key="map_play", disabled=not by_month, help=t("ui.map.play.help", lang))
    playing = by_month and bool(ss.get("map_play"))
    if ss.get("f_area"):
        a1, a2 = c3.columns([3, 2], vertical_alignment="center")
        a1.caption(t("ui.map.area.on", lang))
        a2.button(t("ui.map.area.clear", lang), key="map_area_clear", on_click=_clear_area, icon=":material/close:")
    else:
        c3.caption(t("ui.map.area.hint", lang))
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
        st.caption(_month_totals(ctx, month))
    focus = ss.get("map_focus")
    with st.spinner(t("ui.map.drawing", lang)):
        view = cache.MapView(layers=shown, month=month, focus=focus, details=ctx.can(INCIDENT_DETAILS),
                             min_cell=min_cell(ctx.user))
        args = cache.map_args(ctx.path, ctx.rev, ctx.flt, lang, view, cache.tile_url())
    mapview.show(args, key="map", height=MAP_HEIGHT, returned=(PICK,))
    _picked(ctx, month)


#: The value bw-tools.js sends on a click: streamlit-folium's ``last_geocoder_result`` slot (its own
#: click handler overwrites ``last_active_drawing`` and the other slots; this one only its geocoder fills).
PICK = "last_geocoder_result"


def _month_totals(ctx: Ctx, month) -> str:
    lang, k = ctx.lang, min_cell(ctx.user)
    shown = totals_text(cache.totals(ctx.path, ctx.rev, month_filter(ctx.flt, month)), k, lang)
    return tr("ui.map.month_totals", lang, month=month_label(month, lang), incidents=shown["incidents"],
              grams=shown["quantity_g"], tablets=shown["tablets"], persons=shown["persons"])


def pick_of(value) -> dict | None:
    """The click sent by the map (a cell or a cluster), checked; None when there is none or it is malformed."""
    if not isinstance(value, dict):
        return None
    try:
        if value.get("kind") == "cell":
            res = int(value["res"])
            cell = cache_cell(float(value["lat"]), float(value["lon"]), res)
            return {"kind": "cell", "layer": str(value.get("layer", "")), "res": res, "cell": cell, "n": value.get("n")}
        if value.get("kind") == "area":
            geom: BaseGeometry
            if value.get("circle"):
                c = value["circle"]
                geom = circle_polygon(float(c["lat"]), float(c["lon"]), float(c["radius_m"]))
            else:
                geom = shape(value["geometry"])
            return {"kind": "area", "area": area_wkt(geom), "n": value.get("n")}
        if value.get("kind") == "view":
            from report.viewmap import check_bounds
            return {"kind": "view", "bounds": check_bounds(value["bounds"]), "n": value.get("n")}
        if value.get("kind") == "cluster":
            ids = [html.unescape(str(x)) for x in value.get("ids") or []][:5000]
            return {"kind": "cluster", "ids": tuple(ids), "count": int(value.get("count", len(ids))),
                    "n": value.get("n")}
    except (KeyError, TypeError, ValueError, AttributeError):       # AreaError is a ValueError
        return None
    return None


def cache_cell(lat: float, lon: float, res: int) -> str:
    from data.queries import cell_of
    return cell_of(lat, lon, res)


def _clear_area() -> None:
    auth.touch()
    st.session_state["f_area"] = None


def _close_list() -> None:
    ss = st.session_state
    ss["_map_pick_closed"] = (ss.get("map") or {}).get(PICK, {}).get("n") if isinstance(ss.get("map"), dict) else None
    ss.pop("map_focus", None)


def _picked(ctx: Ctx, month) -> None:
    ss, lang = st.session_state, ctx.lang
    raw = (ss.get("map") or {}).get(PICK) if isinstance(ss.get("map"), dict) else None
    pick = pick_of(raw)
    if pick is not None and pick["kind"] == "area":
        if pick["n"] != ss.get("_map_area_done"):          # a new drawing: it becomes the filter's area
            ss["_map_area_done"] = pick["n"]
            ss["f_area"] = pick["area"]
            st.rerun()                                      # the whole page: header cards and every tab
        pick = None
    if pick is not None and pick["kind"] == "view":
        if pick["n"] != ss.get("_map_view_logged"):        # a file of the map leaves the server: audited once
            ss["_map_view_logged"] = pick["n"]
            audit.log(cache.cursor(ctx.path), ctx.user_name, "map_export",
                      "view " + ", ".join(f"{v:.5f}" for v in pick["bounds"]) + " (dashboard)")
        if pick["n"] != ss.get("_map_pick_closed"):
            _save_view(ctx, pick["bounds"])
            return
    if pick is None or (pick["n"] is not None and pick["n"] == ss.get("_map_pick_closed")):
        st.caption(t("ui.map.hint", lang))
        return
    # a cluster's points and the month-sliced hexagons follow the month step; the emerging cells do not
    sliced = pick["kind"] == "cluster" or pick["layer"] not in registry.names() or registry.spec(pick["layer"]).sliced
    flt = month_filter(ctx.flt, month) if sliced else ctx.flt
    mtext = t("ui.map.pick.month", lang, month=month_label(month, lang)) if (month and sliced) else ""
    if pick["kind"] == "cell":
        rows = cache.incident_list(ctx.path, ctx.rev, flt, cell=pick["cell"], res=pick["res"])
        head = t("ui.map.pick.cell", lang, res=pick["res"], cell=pick["cell"], month=mtext, n="{n}")
    else:
        rows = cache.incident_list(ctx.path, ctx.rev, flt, ids=pick["ids"])
        head = t("ui.map.pick.cluster", lang, month=mtext, n="{n}")
    k = min_cell(ctx.user)
    tot = {"incidents": len(rows), "quantity_g": float(rows["quantity_g"].fillna(0).sum()),
           "tablets": int(rows["tablets"].fillna(0).sum()), "persons": int(rows["persons"].fillna(0).sum())}
    shown = totals_text(tot, k, lang)
    top, close = st.columns([8, 2], vertical_alignment="center")
    top.markdown("**" + head.replace("{n}", shown["incidents"]) + "**")
    close.button(t("ui.map.pick.clear", lang), key="map_pick_close", on_click=_close_list)
    if not ctx.can(INCIDENT_DETAILS):
        st.caption(tr("ui.map.pick.aggregate", lang, grams=shown["quantity_g"], tablets=shown["tablets"],
                      persons=shown["persons"]))
        return
    if len(rows) > LIST_ROWS:
        st.caption(t("ui.map.pick.more", lang, shown=LIST_ROWS, n=len(rows)))
    table = _list_table(rows.head(LIST_ROWS), lang)

    def f(k: str) -> str:               # the table's translated headers
        return t(f"map.f.{k}", lang)

    event = st.dataframe(frames.shown(table.drop(columns=["lat", "lon"]), lang,
                                      decimals={f("quantity"): 1, f("tablets"): 0, f("persons"): 0},
                                      text=(f("village"), f("commune"), f("station"))),
                         key="map_pick_table", on_select="rerun",
                         selection_mode="single-row", hide_index=True, height=min(36 + 35 * len(table), 320))
    st.caption(t("ui.map.pick.goto", lang))
    sel = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    want = ((float(table.iloc[sel[0]]["lat"]), float(table.iloc[sel[0]]["lon"]), 16)
            if sel and sel[0] < len(table) else None)
    if want != ss.get("map_focus"):
        ss["map_focus"] = want
        st.rerun(scope="fragment")


def _save_view(ctx: Ctx, bounds) -> None:
    """PNG and PDF of the view the user was looking at (``report.viewmap``, drawn on the server)."""
    lang = ctx.lang
    top, paper_col, close = st.columns([5, 3, 2], vertical_alignment="center")
    top.markdown("**" + t("ui.map.save.title", lang) + "**")
    paper = paper_col.segmented_control(t("ui.map.save.paper", lang), ["A4", "A3"], default="A4", key="map_paper",
                                        label_visibility="collapsed") or "A4"
    close.button(t("ui.map.pick.clear", lang), key="map_pick_close", on_click=_close_list)
    k = min_cell(ctx.user)
    with st.spinner(t("ui.working", lang)):
        png = cache.view_file(ctx.path, ctx.rev, ctx.flt, tuple(bounds), lang, paper, "png", k)
        pdf = cache.view_file(ctx.path, ctx.rev, ctx.flt, tuple(bounds), lang, paper, "pdf", k)
    b1, b2, _ = st.columns([2, 2, 6])
    stem = f"borderwatch-{paper}"
    b1.download_button(t("ui.map.save.png", lang), png, file_name=f"{stem}.png", mime="image/png",
                       key="map_save_png", icon=":material/image:", on_click="ignore")
    b2.download_button(t("ui.map.save.pdf", lang), pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                       key="map_save_pdf", icon=":material/picture_as_pdf:", on_click="ignore")
    st.image(png, width=min(900, 700 if paper == "A4" else 900))


def _list_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:

    def f(k: str) -> str:
        return t(f"map.f.{k}", lang)

    return pd.DataFrame({
        f("id"): rows["id"],
        f("date"): [fmt_date(pd.Timestamp(v), lang) + pd.Timestamp(v).strftime(" %H:%M") for v in rows["occurred_at"]],
        f("article"): rows["article"],
        f("drug"): [label("drug", d, lang) for d in rows["drug"]],
        f("quantity"): rows["quantity_g"], f("tablets"): rows["tablets"], f("persons"): rows["persons"],
        f("village"): rows["village"], f("commune"): rows["commune"], f("station"): rows["station"],
        "lat": rows["lat"], "lon": rows["lon"]})
