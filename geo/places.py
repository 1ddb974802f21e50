"""Names for places: the nearest village (thôn, bản) and commune of a point or an H3 cell.

Pure functions (no I/O, no translation): they return the parts of a name; the words
are put together by :func:`core.i18n.fmt_place`. When two or more cells of one list share
their nearest village, each also gets a short cell label — the distance and compass
direction of the cell's centre from the village ("1,8 km hướng Tây Bắc") — so a reader can
tell them apart; if even that repeats, a short tag of the H3 id is added.
"""
from __future__ import annotations

from collections.abc import Iterable

import h3.api.basic_str as h3s
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from geo._types import FloatArray, ObjectArray
from geo.crs import transformer

PLACE_COLUMNS = ["village_id", "village", "commune", "distance_km"]
CELL_COLUMNS = ["h3", *PLACE_COLUMNS, "compass", "shared", "tag"]
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


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


def _village_xy(villages: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    """Village positions in lon/lat: the representative point of ``geometry``, else ``lon``/``lat``."""
    if "geometry" in villages.columns:
        pts = villages.geometry.representative_point()
        return pts.x.to_numpy(dtype=float), pts.y.to_numpy(dtype=float)
    return villages["lon"].to_numpy(dtype=float), villages["lat"].to_numpy(dtype=float)


def compass(dx: npt.ArrayLike, dy: npt.ArrayLike) -> ObjectArray:
    """Eight-point compass code of the direction (dx east, dy north).

    >>> compass([0, 1, -1, -1], [1, 1, 0, -1]).tolist()
    ['N', 'NE', 'W', 'SW']
    """
    ang = np.degrees(np.arctan2(np.asarray(dx, float), np.asarray(dy, float))) % 360.0
    return np.asarray(np.array(COMPASS, dtype=object)[np.round(ang / 45.0).astype(int) % 8], dtype=object)


def nearest_places(villages: pd.DataFrame, lon: npt.ArrayLike, lat: npt.ArrayLike) -> pd.DataFrame:
    """Nearest village to each (lon, lat) in EPSG:4326.

    ``villages`` has ``id``, ``name``, ``commune`` (pre-2025), optionally ``commune_new``, and
    either a ``geometry`` (EPSG:4326) or ``lon``/``lat``. Returns one row per point:
    village_id, village, commune (label), distance_km, and the point's offset from the village
    in metres (``dx``, ``dy``, UTM 48N).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if len(villages) == 0 or lon.size == 0:
        out = pd.DataFrame({c: pd.Series(dtype=float if c == "distance_km" else object) for c in PLACE_COLUMNS}
                           ).reindex(range(lon.size))
        out["dx"], out["dy"] = np.nan, np.nan
        return out
    tr = transformer("EPSG:4326", "EPSG:32648")
    vlon, vlat = _village_xy(villages)
    vx, vy = tr.transform(vlon, vlat)
    px, py = tr.transform(lon, lat)
    dist, idx = cKDTree(np.column_stack([vx, vy])).query(np.column_stack([px, py]))
    v = villages.iloc[idx].reset_index(drop=True)
    new = v["commune_new"] if "commune_new" in v.columns else v["commune"]
    return pd.DataFrame({"village_id": v["id"].to_numpy() if "id" in v.columns else v.index.to_numpy(),
                         "village": v["name"].to_numpy(),
                         "commune": [commune_label(o, n) for o, n in zip(v["commune"], new, strict=True)],
                         "distance_km": dist / 1000.0,
                         "dx": np.asarray(px) - np.asarray(vx)[idx], "dy": np.asarray(py) - np.asarray(vy)[idx]})


def short_tag(cell: str) -> str:
    """Return the last four hex digits of an H3 id before its trailing ``f`` padding.

    >>> short_tag("8765a1b2fffffff")
    'a1b2'
    """
    s = str(cell).rstrip("f") or str(cell)
    return s[-4:]


def cell_places(villages: pd.DataFrame, cells: Iterable[str]) -> pd.DataFrame:
    """Name parts of each H3 cell (hex strings), in input order.

    Columns: ``h3``, village_id, village, commune, distance_km (cell centre to village),
    ``compass`` (direction of the centre from the village), ``shared`` (another cell of
    ``cells`` has the same nearest village) and ``tag`` (short H3 tag, only where village,
    distance to 0.1 km and direction still repeat, else "").
    """
    cells = [str(c) for c in cells]
    centres = [h3s.cell_to_latlng(c) for c in cells]
    lat = np.array([c[0] for c in centres], dtype=float)
    lon = np.array([c[1] for c in centres], dtype=float)
    out = nearest_places(villages, lon, lat)
    out.insert(0, "h3", cells)
    out["compass"] = compass(out["dx"], out["dy"]) if len(out) else pd.Series(dtype=object)
    out = out.drop(columns=["dx", "dy"])
    key = out["village_id"].astype(str)
    out["shared"] = key.duplicated(keep=False) & out["village_id"].notna()
    fine = key + "|" + out["distance_km"].round(1).astype(str) + "|" + out["compass"].astype(str)
    clash = out["shared"] & fine.duplicated(keep=False)
    out["tag"] = [short_tag(c) if k else "" for c, k in zip(out["h3"], clash, strict=True)]
    return out[CELL_COLUMNS]
