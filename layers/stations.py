"""Border guard stations (Đồn Biên phòng): a shield symbol at the post and the station's area outlined."""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from core.i18n import t
from data.store import read_layer
from layers._html import esc, esc_name, legend_swatch, popup_html, titles
from layers._leaflet import GeoLayer, Labels, check_schema, feature, feature_group, label_points
from layers.symbols import symbol_svg

NAME = "stations"
TITLE = titles("layers.stations")
SCHEMA = ("id", "name", "area", "geometry")
SIZE = 18
LABEL_ZOOM = 11            # names shown from this zoom on


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    return read_layer(con, "stations")


def style() -> dict:
    """Area outline options and the post symbol colour from :data:`core.palette.STATION`."""
    s = palette.STATION
    return {"area": {"color": s["area_color"], "weight": 2, "dashArray": "4 3", "fillColor": s["area_color"],
                     "fillOpacity": 0.05},
            "symbol": {"shape": "shield", "color": s["color"]}}


def _icon() -> dict:
    s = style()["symbol"]
    return {"html": symbol_svg(s["shape"], s["color"], size=SIZE), "size": SIZE}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    a = style()["area"]
    return [(_icon()["html"], TITLE[lang]), (legend_swatch(fill=a["fillColor"], stroke=a["color"], opacity=0.3),
                                             t("map.station_area", lang))]


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    areas, posts = [], []
    for _, row in gdf.iterrows():
        tip = esc_name(row["name"])
        areas.append(feature(row["area"], t=f'{esc(t("map.station_area", lang))}: {tip}'))
        posts.append(feature(row.geometry, k="post", t=tip,
                             p=popup_html(row["name"], [(t("map.f.id", lang), row["id"])])))
    GeoLayer(areas, styles=[style()["area"]], pane="bw_areas").add_to(fg)
    GeoLayer(posts, icons={"post": _icon()}).add_to(fg)
    if len(gdf):
        Labels(label_points(gdf), min_zoom=LABEL_ZOOM, kind="station").add_to(fg)
    return fg
