"""Trails, paths to openings and roads across the belt: dashed lines (:data:`core.palette.TRAIL_KIND`)."""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from core.vocab import codes, label
from data.store import read_layer
from layers._html import esc, esc_name, legend_swatch, titles
from layers._leaflet import GeoLayer, check_schema, feature, feature_group

NAME = "trails"
TITLE = titles("layers.trails")
SCHEMA = ("name", "kind", "geometry")
_FALLBACK: palette.LineStyle = {"color": palette.GREY, "dash": "4 4", "weight": 2}


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    return read_layer(con, "trails")


def style(kind: str) -> dict:
    """Leaflet path options of a trail kind (dashed unless the palette says otherwise)."""
    s = palette.TRAIL_KIND.get(kind, _FALLBACK)
    return {"color": s["color"], "weight": s["weight"], "dashArray": s["dash"], "opacity": 0.95, "fill": False}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    present = set(gdf["kind"]) if len(gdf) else set()
    kinds = [k for k in codes("trail_kind") if k in present] or codes("trail_kind")
    out = []
    for k in kinds:
        s = style(k)
        swatch = legend_swatch(stroke=s["color"], dash=s["dashArray"], weight=s["weight"])
        out.append((swatch, label("trail_kind", k, lang)))
    return out


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    kinds = sorted(set(gdf["kind"])) if len(gdf) else []
    index = {k: i for i, k in enumerate(kinds)}
    feats = [feature(g, s=index[k], t=f"{esc_name(name)} · {esc(label('trail_kind', k, lang))}")
             for g, name, k in zip(gdf.geometry, gdf["name"], gdf["kind"], strict=True)]
    GeoLayer(feats, styles=[style(k) for k in kinds] or [{}], pane="bw_lines").add_to(fg)
    return fg
