"""The Vietnam – Laos border line, drawn above the analysis layers (pane ``bw_lines``)."""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from data.store import read_layer
from layers._html import esc_name, legend_swatch, titles
from layers._leaflet import GeoLayer, check_schema, feature, feature_group

NAME = "border"
TITLE = titles("layers.border")
SCHEMA = ("name", "geometry")


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    """Every border row (the filter does not apply to reference layers)."""
    return read_layer(con, "border")


def style() -> dict:
    """Leaflet path options from :data:`core.palette.BORDER`."""
    return {"color": palette.BORDER["color"], "weight": palette.BORDER["weight"], "opacity": 0.95,
            "dashArray": palette.BORDER["dash"], "fill": False}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    s = style()
    return [(legend_swatch(stroke=s["color"], weight=s["weight"]), TITLE[lang])]


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    feats = [feature(g, t=esc_name(name)) for g, name in zip(gdf.geometry, gdf["name"], strict=True)]
    GeoLayer(feats, styles=[style()], pane="bw_lines").add_to(fg)
    return fg
