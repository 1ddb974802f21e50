"""The border belt (vành đai biên giới): the study area, a light fill under everything else."""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from data.store import read_layer
from layers._html import esc_name, legend_swatch, titles
from layers._leaflet import GeoLayer, check_schema, feature, feature_group

NAME = "belt"
TITLE = titles("layers.belt")
SCHEMA = ("name", "geometry")


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    return read_layer(con, "belt")


def style() -> dict:
    """Leaflet path options from :data:`core.palette.BELT`."""
    b = palette.BELT
    return {"color": b["color"], "weight": b["weight"], "fillColor": b["fill"], "fillOpacity": b["fill_opacity"],
            "dashArray": "6 4", "interactive": False}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    s = style()
    return [(legend_swatch(fill=s["fillColor"], stroke=s["color"]), TITLE[lang])]


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    feats = [feature(g, t=esc_name(name)) for g, name in zip(gdf.geometry, gdf["name"], strict=True)]
    GeoLayer(feats, styles=[style()], pane="bw_areas").add_to(fg)
    return fg
