"""Which side of the border a point lies on, and how far from the line: one rule for every check.

The stored border is the shared edge of Natural Earth's 10m Vietnam and Laos polygons, a
generalisation of about 1 km. A point within :data:`BORDER_TOLERANCE_M` (2 km, about two
generalisation errors) of the line is never refused: a border patrol walks the line itself and
a case at a gate or a marker may be drawn on either side of the generalised line. Further out
the point is placed by the belt, which lies on the Vietnamese side along the whole line:

- inside the belt: Vietnam;
- otherwise take the nearest point ``q`` of the line and a probe ``probe_m`` from ``q`` towards
  the point: probe in the belt → Vietnam, else Laos;
- a point whose nearest line point is one of the line's ends (beyond the province's stretch)
  cannot be placed: side ``unknown``, never refused.

The entry form, every import (``data.importers.validate``) and the patrol importer
(``data.patrols``) call :func:`border_side` through :mod:`data.border_side`, which reads the line
and the belt from the store. Pure: no I/O here.
"""
from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo._types import BoolArray, ToMetric

__all__ = ["BORDER_TOLERANCE_M", "SIDES", "border_side", "lao_beyond"]

#: Points on the Lao side further than this from the stored line are refused (m). See the module docstring.
BORDER_TOLERANCE_M = 2000.0
#: ``vn`` Vietnamese side, ``lao`` Lao side, ``unknown`` beyond the line's ends.
SIDES = ("vn", "lao", "unknown")


def border_side(lon: npt.ArrayLike, lat: npt.ArrayLike, *, border_m: shapely.Geometry | None,
                belt_m: shapely.Geometry | None, to_metric: ToMetric | None,
                probe_m: float = 1000.0) -> pd.DataFrame:
    """Side of the border and distance to the line (metres) for each WGS 84 point.

    Parameters
    ----------
    lon, lat : array_like
        WGS 84 degrees, same length (NaN where a point is missing: side ``unknown``).
    border_m, belt_m : shapely geometries
        The border line and the belt polygon in the metric CRS ``to_metric`` maps to.
    to_metric : callable ``(lon, lat) -> (x, y)``
        E.g. a pyproj transformer's ``transform`` into UTM 48N.

    Returns
    -------
    DataFrame with columns ``side`` (one of :data:`SIDES`) and ``distance_m`` (to the line),
    one row per point, index ``0..n-1``.

    Examples
    --------
    >>> border = shapely.LineString([(0, -10_000), (0, 10_000)])         # a north-south line at x = 0
    >>> belt = shapely.box(0, -10_000, 18_000, 10_000)                   # Vietnam east of it
    >>> same = lambda x, y: (np.asarray(x, float), np.asarray(y, float))
    >>> border_side([-5000, 5000, -1000, 0], [0, 0, 0, 20_000], border_m=border, belt_m=belt, to_metric=same)
          side  distance_m
    0      lao      5000.0
    1       vn      5000.0
    2      lao      1000.0
    3  unknown     10000.0
    """
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    n = lon.size
    side = np.full(n, "unknown", dtype=object)
    dist = np.full(n, np.nan)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if n == 0 or border_m is None or belt_m is None or not ok.any():
        return pd.DataFrame({"side": side, "distance_m": dist})
    if to_metric is None:
        raise TypeError("border_side needs to_metric, a (lon, lat) -> (x, y) function")
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    x[ok], y[ok] = (np.asarray(v, dtype=float) for v in to_metric(lon[ok], lat[ok]))
    ok &= np.isfinite(x) & np.isfinite(y)
    idx = np.flatnonzero(ok)
    pts = np.asarray(shapely.points(x[idx], y[idx]))
    dist[idx] = shapely.distance(pts, border_m)
    shapely.prepare(belt_m)
    inside = shapely.contains_xy(belt_m, x[idx], y[idx])
    side[idx[inside]] = "vn"
    out = idx[~inside]
    if out.size:
        line = shapely.line_merge(border_m)
        q = shapely.line_interpolate_point(line, shapely.line_locate_point(line, pts[~inside]))
        qx, qy = shapely.get_x(q), shapely.get_y(q)
        px, py = x[out], y[out]
        d = np.hypot(px - qx, py - qy)
        d = np.where(d > 0, d, 1.0)
        probe_in = shapely.contains_xy(belt_m, qx + (px - qx) * probe_m / d, qy + (py - qy) * probe_m / d)
        at_end = np.zeros(out.size, dtype=bool)
        for ex, ey in shapely.get_coordinates(shapely.boundary(line)):
            at_end |= np.hypot(qx - ex, qy - ey) < 1.0
        side[out] = np.where(at_end, "unknown", np.where(probe_in, "vn", "lao"))
    return pd.DataFrame({"side": side, "distance_m": dist})


def lao_beyond(sides: pd.DataFrame, *, tolerance_m: float = BORDER_TOLERANCE_M) -> BoolArray:
    """Flag where a point of :func:`border_side` is on the Lao side and further than ``tolerance_m``.

    >>> lao_beyond(pd.DataFrame({"side": ["lao", "lao", "vn"], "distance_m": [2500.0, 1500.0, 9000.0]}))
    array([ True, False, False])
    """
    return np.asarray((sides["side"].to_numpy() == "lao") & (sides["distance_m"].to_numpy(dtype=float) > tolerance_m),
                      dtype=bool)
