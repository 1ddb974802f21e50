"""The border corridor: distances to the border, crossings and trails, chainage.

All metric work is done in WGS 84 / UTM 48N (EPSG:32648), which covers
102°E-108°E and so the whole Quảng Trị border; its scale error there is
below 0.04 %. The border line comes from Natural Earth 10m and is generalised
to about 1 km, hence the 2 km default buffer: a smaller buffer would count
the line's error, not the incidents.

Chainage runs along the border from its north end (the endpoint with the
larger latitude), in kilometres.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

from geo._types import BoolArray, FloatArray, IntArray, ObjectArray
from geo.crs import METRIC_CRS, transformer

__all__ = ["BUFFER_M", "PROXIMITY_COLUMNS", "incident_proximity", "counts_near", "border_chainage", "chainage_counts",
           "north_first"]

#: Default buffer around crossings and trails, metres (≈ 2 × border generalisation).
BUFFER_M = 2000.0
#: Columns of :func:`incident_proximity` (stored per incident as corridor facts, ``data.corridor_facts``).
PROXIMITY_COLUMNS = ("border_m", "chainage_km", "crossing_id", "crossing_m", "trail_id", "trail_m")


def _points_utm(incidents: pd.DataFrame) -> tuple[FloatArray, BoolArray]:
    """UTM coordinates (n, 2) of the incidents and a mask of those with lon/lat."""
    if not isinstance(incidents, pd.DataFrame):
        raise TypeError(f"incidents must be a pandas DataFrame, got {type(incidents).__name__}")
    missing = {"lon", "lat"} - set(incidents.columns)
    if missing:
        raise ValueError(f"incidents lack column(s) {sorted(missing)}")
    if isinstance(incidents, gpd.GeoDataFrame) and incidents.crs is not None and not incidents.crs.equals("EPSG:4326"):
        raise ValueError(f"incidents lon/lat must be EPSG:4326, got CRS {incidents.crs}")
    lon = incidents["lon"].to_numpy(dtype=float)
    lat = incidents["lat"].to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x, y = transformer("EPSG:4326", METRIC_CRS).transform(lon[ok], lat[ok])
    xy = np.full((lon.size, 2), np.nan)
    xy[ok, 0], xy[ok, 1] = x, y
    return xy, ok


def _geom_utm(geom: object, name: str) -> BaseGeometry:
    """Project a shapely geometry given in EPSG:4326 to UTM."""
    if not isinstance(geom, BaseGeometry):
        raise TypeError(f"{name} must be a shapely geometry in EPSG:4326, got {type(geom).__name__}")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError(f"{name} must be in EPSG:4326 degrees; its bounds {geom.bounds} are not")
    tr = transformer("EPSG:4326", METRIC_CRS)

    def to_utm(c: FloatArray) -> FloatArray:
        return np.asarray(np.c_[tr.transform(c[:, 0], c[:, 1])], dtype=np.float64)

    return shapely.transform(geom, to_utm)


def _features_utm(features: object, name: str) -> gpd.GeoDataFrame:
    if not isinstance(features, gpd.GeoDataFrame):
        raise TypeError(f"{name} must be a GeoDataFrame, got {type(features).__name__}")
    if features.crs is None:
        raise ValueError(f"{name} has no CRS; expected EPSG:4326")
    if "id" not in features.columns:
        raise ValueError(f"{name} needs an 'id' column")
    return features.to_crs(METRIC_CRS)


def north_first(border: object) -> LineString:
    """Merge the border into one LineString whose first point is its northern end.

    >>> north_first(LineString([(107.1, 16.2), (106.3, 17.2)])).coords[0]
    (106.3, 17.2)
    """
    if isinstance(border, MultiLineString):
        border = shapely.line_merge(border)
    if not isinstance(border, LineString):
        raise TypeError(f"border must be a LineString (or a MultiLineString that merges into one), "
                        f"got {type(border).__name__}")
    coords = np.asarray(border.coords)
    return border if coords[0, 1] >= coords[-1, 1] else LineString(coords[::-1])


def _segments(geoms: Iterable[BaseGeometry]) -> tuple[FloatArray, FloatArray, IntArray]:
    """Segments (a, b) of points and (multi)lines, and the geometry each came from.

    A point becomes a zero-length segment.
    """
    parts, owner = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    a_list: list[FloatArray] = []
    b_list: list[FloatArray] = []
    o_list: list[IntArray] = []
    for part, o in zip(parts, owner, strict=True):
        xy = shapely.get_coordinates(part)
        if len(xy) == 1:
            xy = np.vstack([xy, xy])
        a_list.append(xy[:-1])
        b_list.append(xy[1:])
        o_list.append(np.full(len(xy) - 1, o))
    if not a_list:
        return np.empty((0, 2)), np.empty((0, 2)), np.empty(0, dtype=np.int64)
    return np.vstack(a_list), np.vstack(b_list), np.concatenate(o_list).astype(np.int64)


def _nearest_segment(a: FloatArray, b: FloatArray, xy: FloatArray, *, grid_m: float | None = None,
                     chunk: int = 200_000) -> tuple[FloatArray, IntArray, FloatArray]:
    """Nearest segment of each point, exactly: distance, segment index, position t in [0, 1].

    Same distances as ``shapely.distance`` without comparing every point with
    every segment. Points are bucketed in a ``grid_m`` grid; for a grid cell
    with centre c and D = distance from c to the nearest segment, a point p of
    the cell is at most D + g/√2 from a segment, so its nearest segment lies
    within D + g√2 of c. Those candidates come from one STRtree query per grid
    cell; exact point-segment distances are computed for them only, in numpy.
    Ties go to the lowest segment index (first along a line). ``grid_m``
    defaults to about 16 points per occupied grid cell (within 100-500 m).
    """
    n = len(xy)
    dist, seg_out, t_out = np.empty(n), np.empty(n, dtype=np.int64), np.empty(n)
    if n == 0 or len(a) == 0:
        return dist, seg_out, t_out
    origin = xy.min(axis=0)
    if grid_m is None:
        w, h = np.maximum(xy.max(axis=0) - origin, 1.0)
        grid_m = float(np.clip(np.sqrt(w * h / max(n / 16.0, 1.0)), 100.0, 500.0))
    ij = np.floor((xy - origin) / grid_m).astype(np.int64)
    ny = int(ij[:, 1].max()) + 1
    ukey, cell_of = np.unique(ij[:, 0] * ny + ij[:, 1], return_inverse=True)
    centres = shapely.points(origin + (np.c_[ukey // ny, ukey % ny] + 0.5) * grid_m)
    zero = np.all(a == b, axis=1)
    geoms = np.where(zero, np.asarray(shapely.points(a)), np.asarray(shapely.linestrings(np.stack([a, b], axis=1))))
    tree = shapely.STRtree(geoms)
    (_, _), d_centre = tree.query_nearest(centres, return_distance=True, all_matches=False)
    ci, si = tree.query(centres, predicate="dwithin", distance=d_centre + grid_m * np.sqrt(2.0) + 1.0)
    order = np.lexsort((si, ci))
    ci, si = ci[order], si[order]
    first = np.searchsorted(ci, np.arange(ukey.size))
    n_cand = np.bincount(ci, minlength=ukey.size)
    ax, ay = a[:, 0], a[:, 1]
    abx, aby = b[:, 0] - ax, b[:, 1] - ay
    len2 = abx * abx + aby * aby
    inv_len2 = np.divide(1.0, len2, out=np.zeros_like(len2), where=len2 > 0)
    px, py = xy[:, 0], xy[:, 1]
    for lo in range(0, n, chunk):
        idx = np.arange(lo, min(lo + chunk, n))
        k = n_cand[cell_of[idx]]
        group = np.r_[0, np.cumsum(k)[:-1]]
        pt = np.repeat(idx, k)
        seg = si[np.repeat(first[cell_of[idx]] - group, k) + np.arange(k.sum())]
        rx, ry = px[pt] - ax[seg], py[pt] - ay[seg]
        sx, sy = abx[seg], aby[seg]
        t = np.clip((rx * sx + ry * sy) * inv_len2[seg], 0.0, 1.0)
        ex, ey = rx - t * sx, ry - t * sy
        d2 = ex * ex + ey * ey
        best = np.minimum.reduceat(d2, group)
        hit = np.flatnonzero(d2 == np.repeat(best, k))
        _, firsts = np.unique(pt[hit], return_index=True)
        win = hit[firsts]
        dist[idx] = np.sqrt(d2[win])
        seg_out[idx] = seg[win]
        t_out[idx] = t[win]
    return dist, seg_out, t_out


def _locate(line: BaseGeometry, xy: FloatArray, *, grid_m: float | None = None,
            chunk: int = 200_000) -> tuple[FloatArray, FloatArray]:
    """Distance to ``line`` and position along it (m) of each point (n, 2)."""
    a, b, _ = _segments([line])
    dist, seg, t = _nearest_segment(a, b, xy, grid_m=grid_m, chunk=chunk)
    seg_len = np.hypot(*(b - a).T)
    start = np.r_[0.0, np.cumsum(seg_len)[:-1]]
    return dist, start[seg] + t * seg_len[seg] if len(xy) else np.empty(0)


def _nearest(xy: FloatArray, ok: BoolArray, feats: gpd.GeoDataFrame) -> tuple[ObjectArray, FloatArray]:
    """Id and distance (m) of the nearest feature to each point."""
    ids = np.full(len(xy), None, dtype=object)
    dist = np.full(len(xy), np.nan)
    if len(feats) and ok.any():
        a, b, owner = _segments(feats.geometry.values)
        d, seg, _ = _nearest_segment(a, b, xy[ok])
        ids[ok] = feats["id"].to_numpy()[owner[seg]]
        dist[ok] = d
    return ids, dist


def incident_proximity(incidents: pd.DataFrame, *, border: object, crossings: gpd.GeoDataFrame | None = None,
                       trails: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per incident: distance to the border, chainage, nearest crossing and trail.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``lon``/``lat`` in EPSG:4326.
    border : shapely LineString, EPSG:4326
    crossings, trails : GeoDataFrame with ``id``, optional

    Returns
    -------
    pandas.DataFrame, same index as ``incidents``
        ``border_m`` (shortest distance to the line), ``chainage_km`` (position
        of the closest point of the line, km from the north end),
        ``crossing_id``, ``crossing_m``, ``trail_id``, ``trail_m``; NaN/None
        where an incident has no coordinates or a layer is absent.
    """
    xy, ok = _points_utm(incidents)
    line = _geom_utm(north_first(border), "border")
    border_m = np.full(len(xy), np.nan)
    chain = np.full(len(xy), np.nan)
    border_m[ok], chain_m = _locate(line, xy[ok])
    chain[ok] = chain_m / 1000.0
    out = pd.DataFrame({"border_m": border_m, "chainage_km": chain}, index=incidents.index)
    for name, feats in (("crossing", crossings), ("trail", trails)):
        if feats is None:
            ids, dist = np.full(len(xy), None, dtype=object), np.full(len(xy), np.nan)
        else:
            ids, dist = _nearest(xy, ok, _features_utm(feats, f"{name}s"))
        out[f"{name}_id"] = ids
        out[f"{name}_m"] = dist
    return out


def counts_near(incidents: pd.DataFrame, features: gpd.GeoDataFrame, *, buffer_m: float = BUFFER_M) -> pd.DataFrame:
    """Count the incidents within ``buffer_m`` of each feature (crossing or trail).

    An incident near two features counts for both.

    Returns
    -------
    pandas.DataFrame, same index as ``features``
        ``id``, ``name`` (and ``kind``) when present, and ``count``.
    """
    if buffer_m < 0:
        raise ValueError(f"buffer_m must be >= 0, got {buffer_m}")
    feats = _features_utm(features, "features")
    xy, ok = _points_utm(incidents)
    counts = np.zeros(len(feats), dtype=np.int64)
    if len(feats) and ok.any():
        tree = shapely.STRtree(feats.geometry.values)
        _, fi = tree.query(shapely.points(xy[ok]), predicate="dwithin", distance=buffer_m)
        counts = np.bincount(fi, minlength=len(feats)).astype(np.int64)
    cols = [c for c in ("id", "name", "kind") if c in features.columns]
    out = pd.DataFrame(features[cols]).copy()
    out["count"] = counts
    return out


def border_chainage(incidents: pd.DataFrame, border: object, *, km: float = 1.0,
                    max_distance_m: float | None = None) -> pd.DataFrame:
    """Incident counts per stretch of border, numbered from the north end.

    Each incident is projected onto the border (closest point of the line);
    stretch ``k`` covers ``[k·km, (k+1)·km)`` kilometres from the north end.

    Parameters
    ----------
    km : float
        Stretch length in kilometres (default 1).
    max_distance_m : float, optional
        Ignore incidents farther than this from the line.

    Returns
    -------
    pandas.DataFrame
        ``km_from``, ``km_to`` (the last stretch ends at the line's length) and
        ``count``, one row per stretch including empty ones.
    """
    if km <= 0:
        raise ValueError(f"km must be positive, got {km}")
    line = _geom_utm(north_first(border), "border")
    xy, ok = _points_utm(incidents)
    dist, pos = _locate(line, xy[ok])
    pos = pos / 1000.0
    if max_distance_m is not None:
        pos = pos[dist <= max_distance_m]
    return _per_km(pos, line.length / 1000.0, km)


def chainage_counts(chainage_km: np.ndarray | pd.Series, border: LineString | MultiLineString, *,
                    km: float = 1.0) -> pd.DataFrame:
    """Count incidents per stretch of border from chainages already known.

    The chainages are ``incident_proximity``'s ``chainage_km`` (stored per incident); the table is
    the same as :func:`border_chainage`'s.

    >>> line = LineString([(106.5, 16.6), (106.5, 16.5)])         # about 11.1 km, north end first
    >>> chainage_counts(np.array([0.2, 0.9, 10.0]), line, km=5)["count"].tolist()
    [2, 0, 1]
    """
    if km <= 0:
        raise ValueError(f"km must be positive, got {km}")
    line = _geom_utm(north_first(border), "border")
    pos = np.asarray(chainage_km, dtype=float)
    return _per_km(pos[np.isfinite(pos)], line.length / 1000.0, km)


def _per_km(pos_km: np.ndarray, length_km: float, km: float) -> pd.DataFrame:
    """Count positions ``pos_km`` per ``km`` stretch of a line ``length_km`` long (the last one takes the end)."""
    n_bins = max(int(np.ceil(length_km / km - 1e-9)), 1)
    k = np.minimum((pos_km // km).astype(np.int64), n_bins - 1)
    starts = np.arange(n_bins) * km
    return pd.DataFrame({"km_from": starts, "km_to": np.minimum(starts + km, length_km),
                         "count": np.bincount(k, minlength=n_bins).astype(np.int64)})
