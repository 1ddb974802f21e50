"""Emerging hot spot categories (ArcGIS semantics) on H3 cells, coloured by :data:`core.palette.EMERGING`.

Cells with ``no_pattern`` are not drawn; the legend lists only the categories present.
This layer spans the whole filter period (it is a trend over time slices), so the map's
month slider does not restrict it.
"""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from core.i18n import fmt_num, t
from core.vocab import label
from layers._html import cell_place_name, cell_place_parts, esc, legend_swatch, titles
from layers._leaflet import HexLayer, cell_frame, check_schema, feature_group

NAME = "emerging"
TITLE = titles("layers.emerging")
SCHEMA = ("h3", "category", "trend_tau", "trend_p", "share_hot", "geometry")
ORDER = tuple(c for c in palette.EMERGING if c != "no_pattern")


def load(con, *, filters, res: int = 7, slice: str = "month") -> gpd.GeoDataFrame:
    from data.analysis import emerging_for
    df = emerging_for(con, filters, slice=slice, res=res)
    gdf = cell_frame(df[df["category"] != "no_pattern"])
    gdf["place"] = cell_place_parts(con, gdf["h3"])
    gdf.attrs["res"] = res
    return gdf




def style(category: str) -> dict:
    return {"color": "#4D4D4D", "weight": 0.6, "fillColor": palette.EMERGING.get(category, palette.GREY),
            "fillOpacity": 0.75}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    present = set(gdf["category"]) if len(gdf) else set()
    items = [(legend_swatch(fill=style(c)["fillColor"], stroke="#4D4D4D", opacity=0.75), label("emerging", c, lang))
             for c in ORDER if c in present]
    return (items or [("", t("map.empty", lang))]) + [("", t("map.emerging.note", lang))]


def _tip(row, lang: str) -> str:
    trend = f'{fmt_num(row["trend_tau"], lang, decimals=2)}, {fmt_num(row["trend_p"], lang, decimals=3)}'
    title = label("emerging", str(row["category"]), lang)
    return (f'<b>{esc(cell_place_name(row, lang))}</b><br>{esc(title)}<br>'
            f'{esc(t("map.f.trend", lang))}: {esc(trend)}<br>'
            f'{esc(t("map.f.share_hot", lang))}: {fmt_num(100 * row["share_hot"], lang)}%')


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    index = {c: i for i, c in enumerate(ORDER)}
    keep = gdf[gdf["category"].isin(ORDER)]
    HexLayer(keep.geometry, [index[c] for c in keep["category"]], [_tip(r, lang) for _, r in keep.iterrows()],
             styles=[style(c) for c in ORDER], click=NAME, res=gdf.attrs.get("res")).add_to(fg)
    return fg
