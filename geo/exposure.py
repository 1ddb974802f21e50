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
DOMAIN.md), and every one can be overridden in an :class:`AlertRule`.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.crs import METRIC_CRS, transformer
from geo.h3grid import cells_to_str, points_to_cells

__all__ = ["RADIUS_KM", "MIN_COUNT", "RECENT_MONTHS", "HOT_CATEGORIES", "ALERT_STATUSES",
           "EXPOSURE_COLUMNS", "AlertRule", "DEFAULT_RULE", "village_exposure"]

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


@dataclass(frozen=True)
class AlertRule:
    """When a village raises an alert (see the module docstring); every field defaults to its module constant.

    Parameters
    ----------
    radius_km : float
        Radius around a village, km (> 0).
    min_count : int
        Incidents within the radius in the recent window that raise an alert (>= 1).
    months : int
        Length of the recent window, calendar months before the period end (>= 1).
    hot_categories : tuple of str
        Emerging hot spot categories that raise an alert.
    alert_statuses : tuple of str
        Village statuses that can raise an alert.
    """

    radius_km: float = RADIUS_KM
    min_count: int = MIN_COUNT
    months: int = RECENT_MONTHS
    hot_categories: tuple[str, ...] = HOT_CATEGORIES
    alert_statuses: tuple[str, ...] = ALERT_STATUSES

    def __post_init__(self) -> None:
        """Refuse a rule that cannot hold."""
        if self.radius_km <= 0 or self.min_count < 1 or self.months < 1:
            raise ValueError("radius_km must be > 0, min_count and months >= 1")


DEFAULT_RULE = AlertRule()


def _utm_points(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.object_]:
    x, y = transformer("EPSG:4326", METRIC_CRS).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(shapely.points(np.asarray(x), np.asarray(y)))


def _check_inputs(incidents: pd.DataFrame, villages: gpd.GeoDataFrame, categories: pd.DataFrame | None) -> None:
    """Raise ``TypeError``/``ValueError`` naming what is wrong with the inputs."""
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
    if categories is not None and not {"h3", "category"} <= set(categories.columns):
        raise ValueError("categories need columns 'h3' and 'category'")


def _counts(incidents: pd.DataFrame, pts: gpd.GeoSeries, period_end: object,
            rule: AlertRule) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Incidents within ``rule.radius_km`` of each point: all of them, and those in the recent window."""
    n = len(pts)
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
        start = np.datetime64(pd.Timestamp(end) - pd.DateOffset(months=rule.months))
        is_recent = (when > start) & (when <= end)
        tree = shapely.STRtree(_utm_points(pts.x, pts.y))
        pi, vi = tree.query(_utm_points(lon[ok], lat[ok]), predicate="dwithin", distance=rule.radius_km * 1000.0)
        within = np.bincount(vi, minlength=n).astype(np.int64)
        recent = np.bincount(vi[is_recent[pi]], minlength=n).astype(np.int64)
    return within, recent


def _reasons(v: gpd.GeoDataFrame, pts: gpd.GeoSeries, recent: npt.NDArray[np.int64], categories: pd.DataFrame | None,
             res: int, rule: AlertRule) -> list[list[str]]:
    """Alert reason codes of each village (empty list: no alert)."""
    n = len(v)
    reasons: list[list[str]] = [[] for _ in range(n)]
    eligible = v["status"].isin(list(rule.alert_statuses)).to_numpy()
    if categories is not None and n:
        lookup = dict(zip(categories["h3"], categories["category"], strict=True))
        vcells = cells_to_str(points_to_cells(pts.y.to_numpy(), pts.x.to_numpy(), res=res))
        for i, cell in enumerate(vcells):
            cat = lookup.get(cell)
            if eligible[i] and cat in rule.hot_categories:
                reasons[i].append(f"hotspot:{cat}")
    for j in np.flatnonzero(eligible & (recent >= rule.min_count)):
        reasons[j].append(f"count:{recent[j]}>={rule.min_count}")
    return reasons


def village_exposure(incidents: pd.DataFrame, villages: gpd.GeoDataFrame, *, categories: pd.DataFrame | None = None,
                     res: int = 7, period_end: object = None, rule: AlertRule = DEFAULT_RULE) -> pd.DataFrame:
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
    rule : AlertRule
        Radius, count threshold, window length, hot categories and alerting statuses
        (default :data:`DEFAULT_RULE`, the module constants).

    Returns
    -------
    pandas.DataFrame, same index as ``villages``
        ``village_id, name, status, incidents_within`` (all incidents given),
        ``incidents_recent`` (within the radius, in the window ``(period_end -
        months, period_end]``), ``alert`` (bool), ``alert_reason`` (codes
        joined by ``;``, empty without alert).
    """
    _check_inputs(incidents, villages, categories)
    v = villages.to_crs("EPSG:4326")
    if len(v) and (v.geometry.isna() | v.geometry.is_empty).any():
        raise ValueError("villages need a geometry on every row")
    pts = v.geometry.representative_point()      # a point stays itself; a polygon gives a point inside it
    within, recent = _counts(incidents, pts, period_end, rule)
    reasons = _reasons(v, pts, recent, categories, res, rule)
    return pd.DataFrame({"village_id": v["id"].to_numpy(), "name": v["name"].to_numpy(),
                         "status": v["status"].to_numpy(), "incidents_within": within,
                         "incidents_recent": recent, "alert": np.array([bool(r) for r in reasons], dtype=bool),
                         "alert_reason": [";".join(r) for r in reasons]}, index=villages.index)
