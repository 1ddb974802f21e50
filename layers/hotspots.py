"""Getis-Ord Gi* hot and cold spots on H3 cells, coloured by ArcGIS ``Gi_Bin`` (:data:`core.palette.GI_BINS`).

Only significant cells (bin ≠ 0) are drawn: the legend says so. That keeps the page
small and leaves the map readable where nothing stands out.
"""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from core.i18n import fmt_int, fmt_num, t
from geo.hotspots import HOTSPOT_COLUMNS
from layers._html import cell_place_name, cell_place_parts, esc, legend_swatch, titles
from layers._leaflet import HexLayer, cell_frame, check_schema, feature_group

NAME = "hotspots"
TITLE = titles("layers.hotspots")
SCHEMA = (*HOTSPOT_COLUMNS, "geometry")
BINS = (3, 2, 1, -1, -2, -3)


def load(con, *, filters, res: int = 7, fdr: bool = False) -> gpd.GeoDataFrame:
    from data.analysis import hotspots_for
    df = hotspots_for(con, filters, res=res, fdr=fdr)
    df = df[df["bin"].astype(int) != 0]
    gdf = cell_frame(df)
    gdf["place"] = cell_place_parts(con, gdf["h3"])
    gdf.attrs["res"] = res
    return gdf




def style(b: int) -> dict:
    """Path options of Gi* bin ``b`` (-3..3)."""
    return {"color": "#4D4D4D", "weight": 0.6, "fillColor": palette.GI_BINS[int(b)], "fillOpacity": 0.7}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    items = [(legend_swatch(fill=style(b)["fillColor"], stroke="#4D4D4D", opacity=0.7), t(f"map.gi.{b}", lang))
             for b in BINS]
    return items + [("", t("map.gi.note", lang)), ("", t("map.h3.res", lang, res=gdf.attrs.get("res", 7)))]


def _tip(row, lang: str, k: int = 1) -> str:
    title = t("map.gi." + str(int(row["bin"])), lang)
    n = int(row["count"])
    count = esc(f"< {k}") if 0 < n < k else fmt_int(n, lang)      # viewers (ui.small): "< k"
    return (f'<b>{esc(cell_place_name(row, lang))}</b><br>{esc(title)}<br>'
            f'{esc(t("map.f.count", lang))}: {count} · z = {fmt_num(row["z"], lang, decimals=2)}'
            f' · p = {fmt_num(row["p"], lang, decimals=4)}')


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    index = {b: i for i, b in enumerate(BINS)}
    keep = gdf[gdf["bin"].astype(int).isin(BINS)]
    HexLayer(keep.geometry, [index[int(b)] for b in keep["bin"]], [_tip(r, lang, int(gdf.attrs.get("min_cell",
                                                                                                   1))) for _,
                                                                   r in keep.iterrows()],
             styles=[style(b) for b in BINS], click=NAME, res=gdf.attrs.get("res")).add_to(fg)
    return fg
