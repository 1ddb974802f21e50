"""Derived incident columns filled at write time: H3 cell (res 9), nearest village and its commune.

Computed once at import so that every filter and aggregation is a plain column read.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree

from geo.h3grid import points_to_cells

_TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)


def enrich_incidents(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` (with lon, lat) plus h3_9, village_id and commune (pre-2025 name)."""
    out = df.copy()
    lon = out["lon"].to_numpy(dtype=float)
    lat = out["lat"].to_numpy(dtype=float)
    out["h3_9"] = points_to_cells(lat, lon, res=9).astype(np.uint64)
    villages = con.execute(
        "SELECT id, commune, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM villages").df()
    if len(villages) == 0:
        out["village_id"] = None
        out["commune"] = None
        return out
    vx, vy = _TO_UTM.transform(villages["x"].to_numpy(), villages["y"].to_numpy())
    px, py = _TO_UTM.transform(lon, lat)
    _, idx = cKDTree(np.column_stack([vx, vy])).query(np.column_stack([px, py]))
    out["village_id"] = villages["id"].to_numpy()[idx]
    out["commune"] = villages["commune"].to_numpy()[idx]
    return out

