"""Place names for points and H3 cells: the nearest village (thôn, bản) and its commune.

A commune is named by its post-2025 name with the pre-2025 one in brackets when they
differ, so both readers of the briefing recognise it.
"""
from __future__ import annotations

import h3.api.basic_str as h3s
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geo.crs import transformer

PLACE_COLUMNS = ["village_id", "village", "commune", "distance_km"]


def commune_label(old: str | None, new: str | None) -> str:
    """``"Lao Bảo"`` or ``"Lìa (Thanh)"``: new name, old one in brackets when it differs.

    >>> commune_label("Thanh", "Lìa"), commune_label("Lao Bảo", "Lao Bảo")
    ('Lìa (Thanh)', 'Lao Bảo')
    """
    old = old if isinstance(old, str) else None
    new = new if isinstance(new, str) else None
    if new and old and new != old:
        return f"{new} ({old})"
    return new or old or ""


def nearest_places(villages: pd.DataFrame, lon, lat) -> pd.DataFrame:
    """Nearest village to each (lon, lat) in EPSG:4326.

    ``villages`` is :func:`data.queries.villages_with_status` output (geometry, id, name,
    commune, commune_new). Returns one row per point: village_id, village, commune
    (label), distance_km.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if len(villages) == 0 or lon.size == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "distance_km" else object) for c in PLACE_COLUMNS}
                            ).reindex(range(lon.size))
    tr = transformer("EPSG:4326", "EPSG:32648")
    pts = villages.geometry.representative_point()
    vx, vy = tr.transform(pts.x.to_numpy(), pts.y.to_numpy())
    px, py = tr.transform(lon, lat)
    dist, idx = cKDTree(np.column_stack([vx, vy])).query(np.column_stack([px, py]))
    v = villages.iloc[idx].reset_index(drop=True)
    new = v["commune_new"] if "commune_new" in v.columns else v["commune"]
    return pd.DataFrame({"village_id": v["id"].to_numpy(), "village": v["name"].to_numpy(),
                         "commune": [commune_label(o, n) for o, n in zip(v["commune"], new)],
                         "distance_km": dist / 1000.0})


def cell_places(villages: pd.DataFrame, cells) -> pd.DataFrame:
    """Nearest village to the centre of each H3 cell (hex strings), with ``h3`` first."""
    cells = [str(c) for c in cells]
    centres = [h3s.cell_to_latlng(c) for c in cells]
    lat = np.array([c[0] for c in centres], dtype=float)
    lon = np.array([c[1] for c in centres], dtype=float)
    out = nearest_places(villages, lon, lat)
    out.insert(0, "h3", cells)
    return out


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
    return pd.Series([f"{v} ({c})" for v, c in zip(p["village"], p["commune"])], dtype=object)
