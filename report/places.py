"""Place names for points, H3 cells and border stretches: the nearest village (thôn, bản) and
its commune (:mod:`geo.places`).

A commune is named by its post-2025 name with the pre-2025 one in brackets when they
differ, so both readers of the briefing recognise it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo.crs import transformer
from geo.places import PLACE_COLUMNS, cell_places, commune_label, nearest_places

__all__ = ["PLACE_COLUMNS", "cell_places", "commune_label", "nearest_places", "stretch_places"]

def stretch_places(villages: pd.DataFrame, line, km_from, km_to) -> pd.Series:
    """Nearest village to the middle of each border stretch (chainage in km from the north end)."""
    from geo.corridor import north_first
    km_from = np.asarray(km_from, dtype=float)
    if line is None or km_from.size == 0:
        return pd.Series([""] * km_from.size, dtype=object)
    fwd, back = transformer("EPSG:4326", "EPSG:32648"), transformer("EPSG:32648", "EPSG:4326")
    import shapely
    utm = shapely.transform(north_first(line), lambda c: np.c_[fwd.transform(c[:, 0], c[:, 1])])
    mid = (km_from + np.asarray(km_to, dtype=float)) / 2 * 1000.0
    pts = shapely.line_interpolate_point(utm, mid)
    lon, lat = back.transform(shapely.get_x(pts), shapely.get_y(pts))
    p = nearest_places(villages, lon, lat)
    return pd.Series([f"{v} ({c})" for v, c in zip(p["village"], p["commune"], strict=True)], dtype=object)
