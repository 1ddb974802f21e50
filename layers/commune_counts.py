"""Incidents by commune (raw counts), the companion of :mod:`layers.communes` (same areas and classes)."""
from __future__ import annotations

import folium
import geopandas as gpd

from core.i18n import t
from layers import communes
from layers._html import titles
from layers._leaflet import check_schema

NAME = "commune_counts"
TITLE = titles("layers.commune_counts")
SCHEMA = communes.SCHEMA
load = communes.load
style = communes.style


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    return communes.legend_rows(gdf, "incidents", lang=lang, unit=t("communes.f.incidents", lang).lower(), digits=0)


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    return communes.draw(gdf, TITLE, "incidents", lang=lang, digits=0)
