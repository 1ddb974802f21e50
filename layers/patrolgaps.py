"""Patrol gaps: hot cells (Gi* bin ≥ 2 or a new / intensifying / consecutive hot trend) patrolled on no
day of the period, outlined in red dashes (:data:`core.palette.GAP_OUTLINE`), no fill, so the hot spot
colours stay readable underneath.
"""
from __future__ import annotations

import folium
import geopandas as gpd

from core import palette
from core.i18n import fmt_int, fmt_num, t
from layers._html import esc, legend_swatch, titles
from layers._leaflet import HexLayer, cell_frame, check_schema, feature_group

NAME = "patrolgaps"
TITLE = titles("layers.patrolgaps")
SCHEMA = ("h3", "z", "incidents", "patrol_days", "reason", "geometry")


def load(con, *, filters, res: int = 7, min_days: int = 1) -> gpd.GeoDataFrame:
    from data.coverage import coverage_for
    from geo.coverage import hot_gaps
    gaps = hot_gaps(coverage_for(con, filters, res=res, min_days=min_days))
    gdf = cell_frame(gaps[list(SCHEMA[:-1])])
    gdf.attrs["res"] = res
    return gdf


def style() -> dict:
    g = palette.GAP_OUTLINE
    return {"color": g["color"], "weight": g["weight"], "dashArray": g["dash"], "fill": False, "fillOpacity": 0}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    s = style()
    return [(legend_swatch(stroke=s["color"], dash=s["dashArray"], weight=s["weight"]),
             t("map.gaps.legend", lang) + f" ({fmt_int(len(gdf), lang)})")]


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    k = int(gdf.attrs.get("min_cell", 1))          # viewers (ui.small): a small count shows as "< k"
    tips = [esc(t("map.gaps.tip", lang, z=fmt_num(z, lang, decimals=2), reason=t(f"coverage.{r}", lang),
                  days=fmt_int(d, lang), n=f"< {k}" if 0 < n < k else fmt_int(n, lang))) + f"<br>{esc(h)}"
            for z, r, d, n, h in zip(gdf["z"], gdf["reason"], gdf["patrol_days"], gdf["incidents"], gdf["h3"],
                                     strict=True)]
    HexLayer(gdf.geometry, [0] * len(gdf), tips, styles=[style()]).add_to(fg)
    return fg
