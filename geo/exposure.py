"""Village exposure to drug incidents, and alerts for villages recognised drug-free.

A village's exposure is the number of incidents within ``radius_km`` of it.
An alert is raised for a village whose status is in ``alert_statuses``
(default: ``recognised`` as "thôn, bản không có tội phạm và tệ nạn ma túy")
when either rule holds:

``hotspot:<category>``
    the village lies in an H3 cell whose emerging hot spot category is in
    ``hot_categories`` (default new, consecutive and intensifying hot spots);
``count:<n>>=<min_count>``
    at least ``min_count`` incidents lie within ``radius_km`` of the village
    during the ``months`` months up to ``period_end``.

Several reasons are joined with ``;``. The defaults are module constants; they
are working assumptions, not official criteria (none are published, see
DOMAIN.md), and every one can be overridden by keyword.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import METRIC_CRS, transformer
from geo.h3grid import cells_to_str, points_to_cells

__all__ = ["RADIUS_KM", "MIN_COUNT", "RECENT_MONTHS", "HOT_CATEGORIES", "ALERT_STATUSES",
           "EXPOSURE_COLUMNS", "village_exposure"]

#: Radius around a village, km.
RADIUS_KM = 3.0
#: Incidents within the radius in the recent window that raise an alert.
MIN_COUNT = 5
#: Length of the recent window, months before the period end.
RECENT_MONTHS = 3
#: Emerging hot spot categories that raise an alert.
HOT_CATEGORIES = ("new_hot", "consecutive_hot", "intensifying_hot")
#: Village statuses that can raise an alert.
ALERT_STATUSES = ("recognised",)
EXPOSURE_COLUMNS = ["village_id", "name", "status", "incidents_within", "incidents_recent", "alert", "alert_reason"]


def _utm_points(lon, lat):
    x, y = transformer("EPSG:4326", METRIC_CRS).transform(np.asarray(lon, float), np.asarray(lat, float))
    return shapely.points(np.asarray(x), np.asarray(y))


def village_exposure(incidents: pd.DataFrame, villages: gpd.GeoDataFrame, *, categories: pd.DataFrame | None = None,
                     res: int = 7, period_end=None, radius_km: float = RADIUS_KM, min_count: int = MIN_COUNT,
                     months: int = RECENT_MONTHS, hot_categories=HOT_CATEGORIES,
                     alert_statuses=ALERT_STATUSES) -> pd.DataFrame:
    """Incidents near each village and drug-free-village alerts.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``lon``, ``lat`` (EPSG:4326) and ``occurred_at``.
    villages : geopandas.GeoDataFrame
        Points or polygons with ``id``, ``name``, ``status``; any CRS (reprojected). A
        polygon stands for its representative point (a point inside it), as everywhere else.
    categories : pandas.DataFrame, optional
        Output of :func:`geo.emerging.emerging_hotspots` (``h3``, ``category``)
        at resolution ``res``; without it only the count rule applies.
    res : int
        Resolution of ``categories``' cells.
    period_end : datetime-like, optional
        End of the recent window (inclusive); default the latest incident.
    radius_km, min_count, months, hot_categories, alert_statuses
        See the module docstring.

    Returns
    -------
    pandas.DataFrame, same index as ``villages``
        ``village_id, name, status, incidents_within`` (all incidents given),
        ``incidents_recent`` (within the radius, in the window ``(period_end -
        months, period_end]``), ``alert`` (bool), ``alert_reason`` (codes
        joined by ``;``, empty without alert).
    """
    if not isinstance(villages, gpd.GeoDataFrame):
        raise TypeError(f"villages must be a GeoDataFrame, got {type(villages).__name__}")
    if villages.crs is None:
        raise ValueError("villages has no CRS; expected EPSG:4326")
    if not isinstance(incidents, pd.DataFrame):
        raise TypeError(f"incidents must be a pandas DataFrame, got {type(incidents).__name__}")
    missing = [c for c in ("id", "name", "status") if c not in villages.columns]
    missing += [c for c in ("lon", "lat", "occurred_at") if c not in incidents.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing} (villages need id/name/status, incidents lon/lat/occurred_at)")
    if radius_km <= 0 or min_count < 1 or months < 1:
        raise ValueError("radius_km must be > 0, min_count and months >= 1")
    if categories is not None and not {"h3", "category"} <= set(categories.columns):
        raise ValueError("categories need columns 'h3' and 'category'")

    v = villages.to_crs("EPSG:4326")
    if len(v) and (v.geometry.isna() | v.geometry.is_empty).any():
        raise ValueError("villages need a geometry on every row")
    pts = v.geometry.representative_point()      # a point stays itself; a polygon gives a point inside it
    n = len(v)
    lon = incidents["lon"].to_numpy(dtype=float)
    lat = incidents["lat"].to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    occurred = pd.to_datetime(incidents["occurred_at"])
    if getattr(occurred.dt, "tz", None) is not None:
        occurred = occurred.dt.tz_localize(None)  # compare on local wall-clock time
    when = occurred.to_numpy(dtype="datetime64[ns]")[ok]
    within = np.zeros(n, dtype=np.int64)
    recent = np.zeros(n, dtype=np.int64)
    if n and ok.any():
        end = (np.datetime64(pd.Timestamp(period_end).tz_localize(None), "ns") if period_end is not None
               else when[~np.isnat(when)].max())
        start = np.datetime64(pd.Timestamp(end) - pd.DateOffset(months=months))
        is_recent = (when > start) & (when <= end)
        tree = shapely.STRtree(_utm_points(pts.x, pts.y))
        pi, vi = tree.query(_utm_points(lon[ok], lat[ok]), predicate="dwithin", distance=radius_km * 1000.0)
        within = np.bincount(vi, minlength=n).astype(np.int64)
        recent = np.bincount(vi[is_recent[pi]], minlength=n).astype(np.int64)

    reasons = [[] for _ in range(n)]
    eligible = v["status"].isin(list(alert_statuses)).to_numpy()
    if categories is not None and n:
        lookup = dict(zip(categories["h3"], categories["category"]))
        vcells = cells_to_str(points_to_cells(pts.y.to_numpy(), pts.x.to_numpy(), res=res))
        for i, cell in enumerate(vcells):
            cat = lookup.get(cell)
            if eligible[i] and cat in hot_categories:
                reasons[i].append(f"hotspot:{cat}")
    for i in np.flatnonzero(eligible & (recent >= min_count)):
        reasons[i].append(f"count:{recent[i]}>={min_count}")
    return pd.DataFrame({"village_id": v["id"].to_numpy(), "name": v["name"].to_numpy(),
                         "status": v["status"].to_numpy(), "incidents_within": within,
                         "incidents_recent": recent, "alert": np.array([bool(r) for r in reasons], dtype=bool),
                         "alert_reason": [";".join(r) for r in reasons]}, index=villages.index)
