"""Patrol coverage: H3 hexagons shaded by distinct patrol days in the period (sequential blues,
:data:`core.palette.COVERAGE_DAYS`). Only cells with some patrol are drawn; a blank cell was not patrolled.
"""
from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from core import palette
from core.i18n import fmt_int, fmt_num, t
from layers._html import esc, fmt_day, legend_swatch, titles
from layers._leaflet import HexLayer, cell_frame, check_schema, feature_group

NAME = "coverage"
TITLE = titles("layers.coverage")
SCHEMA = ("h3", "patrol_days", "patrol_km", "last_patrol", "geometry")


def load(con, *, filters, res: int = 7) -> gpd.GeoDataFrame:
    from data.coverage import load_effort
    from geo.coverage import cell_coverage
    from geo.h3grid import cells_to_str
    cov = cell_coverage(load_effort(con, filters), res=res)
    cov = cov.assign(h3=cells_to_str(cov["cell"].to_numpy()) if len(cov) else np.array([], dtype=object))
    gdf = cell_frame(cov[["h3", "patrol_days", "patrol_km", "last_patrol"]])
    gdf.attrs["res"] = res
    return gdf


def breaks(days) -> list[int]:
    """Upper bounds of up to five classes of patrol days (quantiles, strictly increasing).

    >>> breaks([1, 1, 2, 5, 30])
    [1, 2, 5, 30]
    """
    d = np.asarray(days, dtype=float)
    if d.size == 0:
        return []
    return sorted({int(q) for q in np.quantile(d, [0.2, 0.4, 0.6, 0.8, 1.0], method="inverted_cdf")})


def style(k: int, n: int = len(palette.COVERAGE_DAYS)) -> dict:
    """Path options of class ``k`` of ``n`` (0 = fewest days; the last class is the darkest)."""
    cs = palette.COVERAGE_DAYS
    i = len(cs) - 1 if n <= 1 else round(k * (len(cs) - 1) / (n - 1))
    return {"color": "#08306B", "weight": 0.5, "fillColor": cs[i], "fillOpacity": 0.55}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    b = breaks(gdf["patrol_days"]) if len(gdf) else []
    out, lo = [], 1
    for k, hi in enumerate(b):
        text = t("map.coverage.day", lang, lo=fmt_int(lo, lang)) if lo == hi else \
            t("map.coverage.days", lang, lo=fmt_int(lo, lang), hi=fmt_int(hi, lang))
        out.append((legend_swatch(fill=style(k, len(b))["fillColor"], stroke="#08306B", opacity=0.55), text))
        lo = hi + 1
    if not out:
        out.append(("", t("map.empty", lang)))
    return out + [("", t("map.h3.res", lang, res=gdf.attrs.get("res", 7)))]


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    b = breaks(gdf["patrol_days"]) if len(gdf) else []
    classes = [int(np.searchsorted(b, v)) for v in gdf["patrol_days"]]
    tips = [esc(t("map.coverage.tip", lang, days=fmt_int(d, lang), km=fmt_num(km, lang, decimals=1),
                  last=fmt_day(last, lang))) + f"<br>{esc(h)}"
            for d, km, last, h in zip(gdf["patrol_days"], gdf["patrol_km"], gdf["last_patrol"], gdf["h3"], strict=True)]
    HexLayer(gdf.geometry, classes, tips, styles=[style(k, len(b)) for k in range(max(len(b), 1))]).add_to(fg)
    return fg
