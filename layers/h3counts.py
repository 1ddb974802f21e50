"""Incidents per H3 hexagon: cells with at least one incident, in five count classes.

Class colours are the stops of :data:`core.palette.HEAT_GRADIENT` (light = few, dark red =
many), so the hexagons and the heat map read the same way; breaks are count quantiles.
"""
from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from core import palette
from core.i18n import fmt_int, t
from geo.classes import count_breaks
from layers._html import esc, legend_swatch, titles
from layers._leaflet import HexLayer, cell_frame, check_schema, feature_group

NAME = "h3counts"
TITLE = titles("layers.h3counts")
SCHEMA = ("h3", "count", "geometry")
COLORS = [c for _, c in sorted(palette.HEAT_GRADIENT.items())]


def load(con, *, filters, res: int = 7) -> gpd.GeoDataFrame:
    from data.analysis import h3_counts_for
    df = h3_counts_for(con, filters, res=res)
    gdf = cell_frame(df[df["count"] > 0][["h3", "count"]])
    gdf.attrs["res"] = res
    return gdf


def breaks(counts) -> list[int]:
    """Upper bounds of up to five classes (:func:`geo.classes.count_breaks`).

    >>> breaks([1, 1, 2, 3, 50])
    [1, 2, 3, 50]
    """
    return count_breaks(counts)


def style(k: int, n: int = len(COLORS)) -> dict:
    """Path options of class ``k`` of ``n`` (0 = fewest; the last class always gets the darkest colour)."""
    i = len(COLORS) - 1 if n <= 1 else round(k * (len(COLORS) - 1) / (n - 1))
    return {"color": "#636363", "weight": 0.6, "fillColor": COLORS[i], "fillOpacity": 0.6}


def _classes(gdf) -> tuple[list[int], list[int]]:
    """Classes of the counts; with ``attrs["min_cell"] = k`` small counts all count as ``k - 1`` (one class)."""
    k = int(gdf.attrs.get("min_cell", 1))
    counts = gdf["count"].where(gdf["count"] >= k, k - 1) if k > 1 else gdf["count"]
    b = breaks(counts)
    return [int(np.searchsorted(b, v)) for v in counts], b


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    _, b = _classes(gdf) if len(gdf) else ([], [])
    out, lo = [], 1
    for k, hi in enumerate(b):
        text = t("map.h3.one", lang, lo=fmt_int(lo, lang)) if lo == hi else \
            t("map.h3.range", lang, lo=fmt_int(lo, lang), hi=fmt_int(hi, lang))
        out.append((legend_swatch(fill=style(k, len(b))["fillColor"], stroke="#636363", opacity=0.6), text))
        lo = hi + 1
    if not out:
        out.append(("", t("map.empty", lang)))
    return out + [("", t("map.h3.res", lang, res=gdf.attrs.get("res", 7)))]


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    classes, b = _classes(gdf) if len(gdf) else ([], [])
    label = esc(t("map.f.count", lang))
    k = int(gdf.attrs.get("min_cell", 1))      # viewers (ui.small): a small count shows as "< k"
    tips = [f"{label}: {esc(f'< {k}') if 0 < n < k else fmt_int(n, lang)}<br>{esc(h)}"
            for n, h in zip(gdf["count"], gdf["h3"], strict=True)]
    HexLayer(gdf.geometry, classes, tips, styles=[style(k, len(b)) for k in range(max(len(b), 1))],
             click=NAME, res=gdf.attrs.get("res")).add_to(fg)
    return fg
