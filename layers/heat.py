"""Incident heat map (Leaflet.heat through folium's HeatMap), fed by aggregated cell weights.

The store keeps each incident's H3 cell at resolution 9; the layer counts incidents per
cell in DuckDB and, when there are more than :data:`CAP` cells, climbs to coarser
resolutions until there are not. So the browser gets at most ``CAP`` weighted points
whether the filter matches 100 or 1,000,000 incidents.
"""
from __future__ import annotations

import folium
import geopandas as gpd
import h3.api.basic_int as h3i
import numpy as np
import pandas as pd
from folium.plugins import HeatMap

from core import palette
from core.i18n import t
from geo.h3grid import parent_cells, points_to_cells
from layers._html import titles
from layers._leaflet import check_schema, feature_group

NAME = "heat"
TITLE = titles("layers.heat")
SCHEMA = ("weight", "geometry")
CAP = 6000
FINEST = 9


def _cell_counts(con, filters) -> tuple[np.ndarray, np.ndarray]:
    where, params = filters.where()
    rows = con.execute(f"SELECT h3_9, count(*) AS n FROM incidents WHERE {where} AND h3_9 IS NOT NULL "
                       f"GROUP BY h3_9", params).fetchnumpy()
    cells = np.asarray(rows["h3_9"], dtype=np.uint64)
    counts = np.asarray(rows["n"], dtype=np.int64)
    missing = con.execute(f"SELECT lat, lon FROM incidents WHERE {where} AND h3_9 IS NULL", params).fetchnumpy()
    if len(missing["lat"]):
        extra = points_to_cells(np.asarray(missing["lat"]), np.asarray(missing["lon"]), res=FINEST)
        cells = np.concatenate([cells, extra])
        counts = np.concatenate([counts, np.ones(len(extra), dtype=np.int64)])
    return cells, counts


def load(con, *, filters, cap: int = CAP) -> gpd.GeoDataFrame:
    """Cell centres with ``weight`` (0..1, share of the busiest cell) and ``count``; ``attrs["res"]``."""
    cells, counts = _cell_counts(con, filters)
    res = FINEST
    while True:
        uniq, inv = np.unique(cells, return_inverse=True)
        if uniq.size <= cap or res == 0:
            break
        res -= 1
        cells = parent_cells(cells, res=res)
    summed = np.bincount(inv, weights=counts, minlength=uniq.size) if uniq.size else np.array([])
    latlng = np.array([h3i.cell_to_latlng(int(c)) for c in uniq.tolist()]).reshape(-1, 2)
    top = float(summed.max()) if summed.size else 1.0
    df = pd.DataFrame({"count": summed.astype(np.int64), "weight": np.round(summed / top, 3)})
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(latlng[:, 1], latlng[:, 0]), crs="EPSG:4326")
    gdf.attrs["res"] = res
    return gdf


def style() -> dict:
    """HeatMap options; the colour ramp is :data:`core.palette.HEAT_GRADIENT`."""
    return {"radius": 18, "blur": 14, "min_opacity": 0.35, "max_zoom": 13, "gradient": dict(palette.HEAT_GRADIENT)}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    stops = ", ".join(f"{c} {int(k * 100)}%" for k, c in sorted(palette.HEAT_GRADIENT.items()))
    bar = (f'<span class="bw-ramp" style="background:linear-gradient(to right, {stops})"></span>')
    res = gdf.attrs.get("res", FINEST) if gdf is not None else FINEST
    return [(bar, f'{t("map.heat.low", lang)} → {t("map.heat.high", lang)}'), ("", t("map.heat.note", lang, res=res))]


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    data = [[round(g.y, 5), round(g.x, 5), float(w)] for g, w in zip(gdf.geometry, gdf["weight"], strict=True)]
    if data:
        HeatMap(data, control=False, **style()).add_to(fg)
    return fg
