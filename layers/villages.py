"""Villages coloured AND shaped by their current recognition status (:data:`core.palette.VILLAGE_STATUS`).

A village is a point or a polygon; a polygon is outlined in its status colour and gets the
status symbol at a point inside it, so every village reads the same way at any zoom.
"""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from core.i18n import fmt_num, t
from core.vocab import codes, label
from data.queries import villages_with_status
from layers._html import esc, esc_name, fmt_day, popup_html, titles
from layers._leaflet import GeoLayer, Labels, check_schema, feature, feature_group, label_points
from layers.symbols import symbol_svg

NAME = "villages"
TITLE = titles("layers.villages")
SCHEMA = ("id", "name", "commune", "status", "geometry")
SIZE = 16
LABEL_ZOOM = 12            # names shown from this zoom on


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    """Every village with its current status, decision and dates (the incident filter does not apply)."""
    return villages_with_status(con)


def style(status: str) -> palette.MarkerStyle:
    """``color``, ``shape``, ``symbol`` of a status; an unknown status is drawn as ``not_recognised``."""
    return palette.VILLAGE_STATUS.get(status, palette.VILLAGE_STATUS["not_recognised"])


def _icon(status: str) -> dict:
    s = style(status)
    return {"html": symbol_svg(s["shape"], s["color"], size=SIZE), "size": SIZE}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    return [(_icon(s)["html"], label("status", s, lang)) for s in codes("status")]


def _popup(row, lang: str) -> str:
    get = row.get
    rows = [(t("map.f.status", lang), label("status", row["status"], lang)),
            (t("map.f.commune", lang), get("commune")), (t("map.f.commune_new", lang), get("commune_new")),
            (t("map.f.district", lang), get("district")),
            (t("map.f.population", lang), fmt_num(get("population"), lang)),
            (t("map.f.households", lang), fmt_num(get("households"), lang)),
            (t("map.f.decision_ref", lang), get("decision_ref")),
            (t("map.f.decided_on", lang), fmt_day(get("decided_on"), lang)),
            (t("map.f.review_due", lang), fmt_day(get("review_due"), lang)),
            (t("map.f.id", lang), row["id"])]
    return popup_html(row["name"], rows)


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    statuses = codes("status")
    known = {s: i for i, s in enumerate(statuses)}
    styles = [{"color": style(s)["color"], "weight": 2, "fillColor": style(s)["color"], "fillOpacity": 0.15}
              for s in statuses]
    icons = {s: _icon(s) for s in statuses}
    feats = []
    for _, row in gdf.iterrows():
        status = row["status"] if row["status"] in known else "not_recognised"
        tip = f'{esc_name(row["name"])} · {esc(label("status", status, lang))}'
        pop = _popup(row, lang)
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type != "Point":
            feats.append(feature(geom, s=known[status], t=tip, p=pop))
            geom = geom.representative_point()
        feats.append(feature(geom, k=status, t=tip, p=pop))
    GeoLayer(feats, styles=styles, icons=icons).add_to(fg)
    if len(gdf):
        Labels(label_points(gdf), min_zoom=LABEL_ZOOM, kind="village").add_to(fg)
    return fg
