"""Name an H3 cell after its nearest village and crossing. No Streamlit here.

Distances are great-circle (haversine, mean Earth radius 6 371 km), good to well under
1 % at these ranges; the cell's centre stands for the cell.
"""
from __future__ import annotations

import h3
import numpy as np
import pandas as pd

EARTH_KM = 6371.0088


def cell_centres(cells) -> pd.DataFrame:
    """``lat``, ``lon`` of each H3 cell (string ids), in input order.

    >>> cell_centres(["871f5aa6affffff"]).round(2).values.tolist()  # doctest: +SKIP
    [[16.61, 106.6]]
    """
    pts = [h3.cell_to_latlng(str(c)) for c in cells]
    return pd.DataFrame(pts, columns=["lat", "lon"]) if pts else pd.DataFrame(columns=["lat", "lon"], dtype=float)


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Pairwise great-circle km: rows are points 1, columns points 2.

    >>> round(float(haversine_km([16.0], [106.0], [17.0], [106.0])[0, 0]), 1)
    111.2
    """
    la1, lo1 = np.radians(np.asarray(lat1, float))[:, None], np.radians(np.asarray(lon1, float))[:, None]
    la2, lo2 = np.radians(np.asarray(lat2, float))[None, :], np.radians(np.asarray(lon2, float))[None, :]
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def nearest(points: pd.DataFrame, places: pd.DataFrame, *, name: str = "name") -> pd.DataFrame:
    """For each row of ``points`` (lat, lon): the nearest row of ``places`` (lat, lon, ``name``).

    Returns ``name`` and ``km`` with the index of ``points``; empty ``places`` gives None/NaN.
    """
    if len(points) == 0 or len(places) == 0:
        return pd.DataFrame({"name": [None] * len(points), "km": [np.nan] * len(points)}, index=points.index)
    d = haversine_km(points["lat"], points["lon"], places["lat"], places["lon"])
    j = d.argmin(axis=1)
    return pd.DataFrame({"name": places[name].to_numpy()[j], "km": d[np.arange(len(points)), j]},
                        index=points.index)


def point_table(gdf) -> pd.DataFrame:
    """A GeoDataFrame's representative points as a plain frame with ``lat``/``lon`` added."""
    if len(gdf) == 0:
        return pd.DataFrame(columns=[*gdf.columns.drop("geometry", errors="ignore"), "lat", "lon"])
    pts = gdf.geometry.representative_point()
    out = pd.DataFrame(gdf.drop(columns="geometry"))
    out["lat"], out["lon"] = pts.y.to_numpy(), pts.x.to_numpy()
    return out
