"""Patrol tracks of the period: one colour per station (:data:`core.palette.PATROL_STATIONS`), popup with
team, kind, times and length. Tracks are simplified to ≈10 m and only the most recent :data:`MAX_TRACKS`
are drawn (the legend says how many of how many), so the page stays small.
"""
from __future__ import annotations

import folium
import geopandas as gpd
import shapely

from core import palette
from core.i18n import fmt_int, fmt_num, t
from core.vocab import label
from layers._html import esc, fmt_day, legend_swatch, popup_html, titles
from layers._leaflet import GeoLayer, check_schema, feature, feature_group

NAME = "patrols"
TITLE = titles("layers.patrols")
SCHEMA = ("id", "station_id", "team", "kind", "started_at", "ended_at", "length_km", "no_times", "geometry")
MAX_TRACKS = 400
SIMPLIFY_DEG = 1e-4


def load(con, *, filters) -> gpd.GeoDataFrame:
    from data.coverage import load_patrols
    gdf = load_patrols(con, filters)
    total = len(gdf)
    gdf = gdf.sort_values("started_at").tail(MAX_TRACKS)
    gdf = gdf.set_geometry(shapely.simplify(gdf.geometry.values, SIMPLIFY_DEG)) if len(gdf) else gdf
    names = dict(con.execute("SELECT id, name FROM stations").fetchall())
    gdf["station_name"] = gdf["station_id"].map(names)
    gdf.attrs["total"] = total
    return gdf


def style(station_id, stations: list) -> dict:
    """Leaflet path options of a station's tracks (colour by the station's place in ``stations``)."""
    i = stations.index(station_id) if station_id in stations else -1
    color = palette.PATROL_STATIONS[i % len(palette.PATROL_STATIONS)] if i >= 0 else palette.GREY
    return {"color": color, "weight": 2.5, "opacity": 0.8, "fill": False}


def _stations(gdf) -> list:
    return sorted({s for s in gdf["station_id"] if isinstance(s, str)}) if len(gdf) else []


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    st = _stations(gdf)
    names = dict(zip(gdf["station_id"], gdf["station_name"], strict=True)) if "station_name" in gdf.columns else {}
    out = [(legend_swatch(stroke=style(s, st)["color"], weight=3), names.get(s) or s) for s in st]
    if not out:
        return [("", t("map.empty", lang))]
    total = gdf.attrs.get("total", len(gdf))
    note = t("map.patrol.all", lang, total=fmt_int(total, lang)) if total <= len(gdf) else \
        t("map.patrol.capped", lang, shown=fmt_int(len(gdf), lang), total=fmt_int(total, lang))
    return out + [("", note)]


def _popup(row, lang: str) -> str:
    times = t("map.patrol.no_times", lang) if bool(row["no_times"]) else None
    rows = [(t("map.patrol.station", lang), row.get("station_name") or row["station_id"]),
            (t("map.patrol.team", lang), row["team"]),
            (t("map.patrol.kind", lang), label("patrol_kind", row["kind"], lang)),
            (t("map.patrol.start", lang), times or fmt_day(row["started_at"], lang) + " "
             + str(row["started_at"])[11:16]),
            (t("map.patrol.end", lang), None if times else fmt_day(row["ended_at"], lang) + " "
             + str(row["ended_at"])[11:16]),
            (t("map.patrol.length", lang), fmt_num(row["length_km"], lang, decimals=1))]
    if bool(row.get("illustrative", False)):
        rows.append(("", t("map.patrol.illustrative", lang)))
    return popup_html(row.get("name") or row["id"], rows)


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    st = _stations(gdf)
    index = {s: i for i, s in enumerate(st)}
    feats = [feature(row.geometry, s=index.get(row["station_id"], len(st)),
                     t=esc(f'{fmt_day(row["started_at"], lang)} · {fmt_num(row["length_km"], lang, decimals=1)} km'),
                     p=_popup(row, lang)) for _, row in gdf.iterrows()]
    GeoLayer([f for f in feats if f], styles=[style(s, st) for s in st] + [style(None, st)],
             pane="bw_lines").add_to(fg)
    return fg
