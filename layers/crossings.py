"""Border gates and openings: one symbol per kind (shape and colour from :data:`core.palette.CROSSING_KIND`)."""
from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from core import palette
from core.i18n import t
from core.vocab import codes, label
from data.store import read_layer
from layers._html import esc, esc_name, popup_html, titles
from layers._leaflet import GeoLayer, Labels, check_schema, feature, feature_group, label_points
from layers.symbols import symbol_svg

NAME = "crossings"
TITLE = titles("layers.crossings")
SCHEMA = ("id", "name", "kind", "geometry")
_FALLBACK: palette.SizedMarkerStyle = {"color": palette.GREY, "shape": "circle", "symbol": "●", "size": 14}
LABEL_ZOOM = 10             # names shown from this zoom on


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    return read_layer(con, "crossings")


def style(kind: str) -> palette.SizedMarkerStyle:
    """``color``, ``shape`` and ``size`` (px) of a crossing kind; grey circle for an unknown kind."""
    return palette.CROSSING_KIND.get(kind, _FALLBACK)


def _icon(kind: str) -> dict:
    s = style(kind)
    return {"html": symbol_svg(s["shape"], s["color"], size=s["size"]), "size": s["size"]}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    present = set(gdf["kind"]) if len(gdf) else set()
    kinds = [k for k in codes("crossing_kind") if k in present] or codes("crossing_kind")
    return [(_icon(k)["html"], label("crossing_kind", k, lang)) for k in kinds]


def _popup(row, lang: str) -> str:
    approx = row.get("approximate")
    approx = None if approx is None or pd.isna(approx) else bool(approx)
    rows = [(t("map.f.kind", lang), label("crossing_kind", row["kind"], lang)),
            (t("map.f.facing", lang), row.get("facing")), (t("map.f.commune", lang), row.get("commune")),
            (t("map.f.approximate", lang), None if approx is None else t("map.yes" if approx else "map.no", lang)),
            (t("map.f.id", lang), row["id"])]
    return popup_html(row["name"], rows)


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    icons = {k: _icon(k) for k in set(gdf["kind"])} if len(gdf) else {}
    feats = [feature(row.geometry, k=row["kind"], p=_popup(row, lang),
                     t=f'{esc_name(row["name"])} · {esc(label("crossing_kind", row["kind"], lang))}')
             for _, row in gdf.iterrows()]
    GeoLayer(feats, icons=icons).add_to(fg)
    if len(gdf):
        Labels(label_points(gdf), min_zoom=LABEL_ZOOM, kind="gate").add_to(fg)
    return fg
