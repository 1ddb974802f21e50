"""Patrol tracks as point arrays: step lengths, speeds, plausibility checks, effort per H3 cell.

A batch of tracks is carried as flat arrays, one entry per track point, in track order:
``track`` (int track number), ``part`` (segment number within the track; a GPX ``<trkseg>``),
``lon``, ``lat`` (WGS 84 degrees) and ``time`` (``datetime64[s]`` local time, ``NaT`` when the
track has no times). Steps join consecutive points of the same track *and* part; the gap
between two segments is not walked and counts for nothing.

No I/O here; :mod:`data.patrols` reads the files and stores the results.
"""
from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo._types import BoolArray, FloatArray, IntArray, TimeArray, ToMetric
from geo.border import BORDER_TOLERANCE_M, border_side, lao_beyond
from geo.h3grid import points_to_cells

__all__ = ["EARTH_RADIUS_M", "MAX_SPEED_KMH", "LAO_TOLERANCE_M", "step_lengths_m", "steps", "check_tracks",
           "lao_side", "track_effort", "EFFORT_COLUMNS"]

EARTH_RADIUS_M = 6_371_008.8
#: Faster than this between two fixes is a GPS jump or a mixed-up file, not a patrol (km/h).
MAX_SPEED_KMH = 150.0
#: Points on the Lao side of the stored border further than this are refused (m): the one tolerance of
#: :mod:`geo.border` (the stored line is a ≈1 km generalisation; patrols walk the border itself).
LAO_TOLERANCE_M = BORDER_TOLERANCE_M
#: Steps longer than this are cut into equal pieces before cells are assigned (m): a resolution-9
#: hexagon is ≈350 m across, so every piece lands in the cell(s) it actually crosses.
MAX_PIECE_M = 100.0
EFFORT_COLUMNS = ["track", "h3_9", "day", "km", "hours"]


def step_lengths_m(lon: npt.ArrayLike, lat: npt.ArrayLike) -> FloatArray:
    """Great-circle (haversine) distance between consecutive points, metres; ``n-1`` values.

    >>> round(float(step_lengths_m([106.0, 106.0], [16.0, 16.01])[0]), 1)
    1111.9
    """
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    if lam.size < 2:
        return np.zeros(0)
    dlat = phi[1:] - phi[:-1]
    dlon = lam[1:] - lam[:-1]
    a = np.sin(dlat / 2) ** 2 + np.cos(phi[:-1]) * np.cos(phi[1:]) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1))), dtype=np.float64)


def _check_arrays(track: npt.ArrayLike, part: npt.ArrayLike, lon: npt.ArrayLike, lat: npt.ArrayLike,
                  time: npt.ArrayLike) -> tuple[IntArray, IntArray, FloatArray, FloatArray, TimeArray]:
    tr = np.asarray(track, dtype=np.int64)
    pa = np.asarray(part, dtype=np.int64)
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    ti = np.asarray(time, dtype="datetime64[s]")
    n = tr.size
    for name, arr in (("part", pa), ("lon", x), ("lat", y), ("time", ti)):
        if arr.shape != (n,):
            raise ValueError(f"{name} must be 1-D with {n} values like track, got shape {arr.shape}")
    if n and (np.diff(tr) < 0).any():
        raise ValueError("points must be grouped by track in ascending track order")
    return tr, pa, x, y, ti


def steps(track: npt.ArrayLike, part: npt.ArrayLike, lon: npt.ArrayLike, lat: npt.ArrayLike,
          time: npt.ArrayLike) -> pd.DataFrame:
    """One row per step (pair of consecutive points of one track part).

    Columns ``track``, ``i`` (index of the step's end point within its track, 1-based on the
    track's points as counted in the file: the first point is 1), ``m`` (metres), ``s``
    (seconds, NaN without times), ``kmh`` (NaN without times; a zero-second step counts as one
    second so a jump in the same second is still a jump).
    """
    track, part, lon, lat, time = _check_arrays(track, part, lon, lat, time)
    if track.size < 2:
        return pd.DataFrame({"track": np.zeros(0, np.int64), "i": np.zeros(0, np.int64), "m": [], "s": [], "kmh": []})
    same = (track[1:] == track[:-1]) & (part[1:] == part[:-1])
    m = step_lengths_m(lon, lat)
    dt = (time[1:] - time[:-1]).astype("timedelta64[s]").astype("float64")
    dt[np.isnat(time[1:]) | np.isnat(time[:-1])] = np.nan
    start = np.r_[0, np.flatnonzero(track[1:] != track[:-1]) + 1]
    first = np.repeat(start, np.diff(np.r_[start, track.size]))   # position of each point's track start
    idx = np.arange(1, track.size) - first[1:] + 1                 # 1-based index of the step's end point
    with np.errstate(divide="ignore", invalid="ignore"):
        kmh = m / np.maximum(dt, 1.0) * 3.6
    return pd.DataFrame({"track": track[1:][same], "i": idx[same], "m": m[same], "s": dt[same],
                         "kmh": kmh[same]})


def check_tracks(track: npt.ArrayLike, part: npt.ArrayLike, lon: npt.ArrayLike, lat: npt.ArrayLike,
                 time: npt.ArrayLike, *, max_kmh: float = MAX_SPEED_KMH,
                 lao: npt.ArrayLike | None = None) -> pd.DataFrame:
    """Every problem of every track: ``track``, ``point`` (1-based, or None), ``reason`` code, ``value``.

    Reasons: ``too_few_points`` (no part with 2 points or more), ``mixed_times`` (some points have a time, some not),
    ``time_backwards`` (a time earlier than the previous point's), ``too_fast`` (a step faster
    than ``max_kmh``), ``lao_side`` (``lao`` is a boolean array from :func:`lao_side`, or None to
    skip the check). The first offending point of each reason per track is reported, with the
    number of points concerned in ``value`` for ``lao_side``.
    """
    track, part, lon, lat, time = _check_arrays(track, part, lon, lat, time)
    rows: list[tuple[int, int | None, str, float | int | None]] = []
    ids, counts = np.unique(track, return_counts=True)
    if track.size:
        per_part = pd.DataFrame({"t": track, "p": part}).groupby(["t", "p"]).size().groupby(level=0).max()
        for t, longest in per_part.items():
            if longest < 2:
                rows.append((int(t), None, "too_few_points", int(counts[ids == t][0])))
    start = np.cumsum(counts) - counts      # first position of each track (one per id, none without points)
    nat = np.isnat(time)
    n_nat = np.add.reduceat(nat.astype(np.int64), start) if track.size else np.zeros(0, np.int64)
    for t, k, c, s0 in zip(ids, n_nat, counts, start, strict=True):
        if 0 < k < c:
            rows.append((int(t), int(np.argmax(nat[s0:s0 + c])) + 1, "mixed_times", int(k)))
    st = steps(track, np.zeros_like(track), lon, lat, time)   # parts do not reset the clock
    back = st[st["s"] < 0].groupby("track", sort=True).first()
    rows += [(int(t), int(r.i), "time_backwards", float(r.s)) for t, r in back.iterrows()]
    st_parts = steps(track, part, lon, lat, time)
    fast = st_parts[(st_parts["s"] >= 0) & (st_parts["kmh"] > max_kmh)].groupby("track", sort=True).first()
    rows += [(int(t), int(r.i), "too_fast", round(float(r.kmh), 1)) for t, r in fast.iterrows()]
    if lao is not None:
        lao = np.asarray(lao, dtype=bool)
        if lao.any():
            pos = np.flatnonzero(lao)
            tr = track[pos]
            for t in np.unique(tr):
                p = pos[tr == t]
                s0 = start[np.searchsorted(ids, t)]
                rows.append((int(t), int(p[0] - s0) + 1, "lao_side", int(p.size)))
    out = pd.DataFrame(rows, columns=["track", "point", "reason", "value"])
    return out.sort_values(["track", "point"], na_position="first", kind="stable").reset_index(drop=True)


def lao_side(lon: npt.ArrayLike, lat: npt.ArrayLike, *, border_m: shapely.Geometry | None,
             belt_m: shapely.Geometry | None, tolerance_m: float = LAO_TOLERANCE_M, probe_m: float = 1000.0,
             to_metric: ToMetric | None = None) -> BoolArray:
    """Flag each point on the Lao side of the border and more than ``tolerance_m`` from it.

    The rule is :func:`geo.border.border_side` (shared with the entry form and the importers);
    points beyond the line's ends cannot be placed and are accepted.

    Parameters
    ----------
    lon, lat : array_like
        WGS 84 degrees.
    border_m, belt_m : shapely geometries in the metric CRS (``to_metric`` maps lon/lat to it).
    to_metric : callable ``(lon, lat) -> (x, y)``, e.g. a pyproj transformer's ``transform``.
    """
    sides = border_side(lon, lat, border_m=border_m, belt_m=belt_m, to_metric=to_metric, probe_m=probe_m)
    return lao_beyond(sides, tolerance_m=tolerance_m)


def track_effort(track: npt.ArrayLike, part: npt.ArrayLike, lon: npt.ArrayLike, lat: npt.ArrayLike,
                 time: npt.ArrayLike, *, day: npt.ArrayLike | None = None,
                 max_piece_m: float = MAX_PIECE_M) -> pd.DataFrame:
    """Patrol km and hours per track, resolution-9 H3 cell and local day.

    Each step is cut into ``ceil(m / max_piece_m)`` equal pieces; a piece's length and share of the
    step's duration go to the cell of its midpoint and to the day the step starts. Tracks without
    times (``NaT``) use ``day[track]`` (a ``datetime64[D]`` array indexed by track number) and get
    NaN hours. ``sum(km)`` per track equals the track's length.

    Returns
    -------
    pandas.DataFrame with :data:`EFFORT_COLUMNS`: ``track``, ``h3_9`` (uint64), ``day``
    (datetime64[D]), ``km``, ``hours``.
    """
    track, part, lon, lat, time = _check_arrays(track, part, lon, lat, time)
    empty = pd.DataFrame({"track": np.zeros(0, np.int64), "h3_9": np.zeros(0, np.uint64),
                          "day": np.zeros(0, "datetime64[D]"), "km": [], "hours": []})
    if track.size < 2:
        return empty
    same = (track[1:] == track[:-1]) & (part[1:] == part[:-1])
    a = np.flatnonzero(same)
    if a.size == 0:
        return empty
    m = step_lengths_m(lon, lat)[a]
    s = (time[a + 1] - time[a]).astype("timedelta64[s]").astype("float64")
    s[np.isnat(time[a]) | np.isnat(time[a + 1])] = np.nan
    k = np.maximum(np.ceil(m / max_piece_m), 1).astype(np.int64)
    rep = np.repeat(np.arange(a.size), k)
    frac = (np.arange(rep.size) - np.repeat(np.cumsum(k) - k, k) + 0.5) / k[rep]
    i0 = a[rep]
    # interpolate in lon/lat: pieces are ≤100 m, far below where the chord and the arc differ
    mlon = lon[i0] + (lon[i0 + 1] - lon[i0]) * frac
    mlat = lat[i0] + (lat[i0 + 1] - lat[i0]) * frac
    cells = points_to_cells(mlat, mlon, res=9)
    step_day = time[a].astype("datetime64[D]")
    if day is not None:
        day = np.asarray(day, dtype="datetime64[D]")
        nat = np.isnat(step_day)
        step_day[nat] = day[track[a][nat]]
    df = pd.DataFrame({"track": track[i0], "h3_9": cells, "day": step_day[rep],
                       "km": (m / k)[rep] / 1000.0, "hours": (s / k)[rep] / 3600.0})
    out = df.groupby(["track", "h3_9", "day"], sort=True, dropna=False).agg(
        km=("km", "sum"), hours=("hours", "sum"), timed=("hours", "count")).reset_index()
    out.loc[out["timed"] == 0, "hours"] = np.nan
    out["h3_9"] = out["h3_9"].astype(np.uint64)
    return out[EFFORT_COLUMNS]
