"""Patrol coverage on H3 cells, patrols near crossings and trails, gaps, effort-normalised rates.

Inputs are plain frames (no I/O): the per-cell effort rows that :func:`geo.tracks.track_effort`
derives on import (``patrol_id, h3_9, day, km, hours``), the hot spot and emerging tables of
:mod:`geo.hotspots` / :mod:`geo.emerging`, and GeoDataFrames of tracks and places in EPSG:4326.

Reading an effort-normalised rate
---------------------------------
``incidents_per_10km = 10 · incidents / patrol_km`` in a cell. It is a *catch per unit effort*: it
says how often patrols in that cell found something, not how much trafficking there is. It is
shown only where ``patrol_km >= min_km``; below that the cell is ``too_little_effort`` (NaN rate),
so an unpatrolled cell never reads as "quiet". Incidents found by other means (informants,
checkpoints) also count in the numerator, so a high rate in a lightly patrolled cell can mean
"found elsewhere, rarely patrolled" as much as "patrols find a lot here".
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.crs import METRIC_CRS
from geo.h3grid import _as_cells, cells_to_str, parent_cells

__all__ = ["COVERAGE_COLUMNS", "GAP_COLUMNS", "HOT_TRENDS", "MIN_KM", "BUFFER_M", "cell_coverage",
           "coverage_table", "hot_gaps", "patrols_near", "stale_places", "nearest_names"]

COVERAGE_COLUMNS = ["h3", "patrol_km", "patrol_hours", "patrol_days", "last_patrol", "incidents",
                    "incidents_per_10km", "bin", "gap"]
GAP_COLUMNS = ["kind", "h3", "id", "name", "z", "bin", "category", "incidents", "patrol_days", "patrol_km",
               "last_patrol", "days_since", "reason", "nearest_village", "nearest_crossing"]
#: Emerging categories that make a cell "hot" for the gap rule, besides Gi* bin >= 2.
HOT_TRENDS = ("new_hot", "intensifying_hot", "consecutive_hot")
#: Least patrol km in a cell for its incidents-per-10-km rate to be shown.
MIN_KM = 5.0
#: Default buffer for "patrol passed this crossing/trail" (m).
BUFFER_M = 500.0


def cell_coverage(effort: pd.DataFrame, *, res: int = 7) -> pd.DataFrame:
    """Patrol km, hours, distinct days, patrols and last day per H3 cell at ``res``.

    Parameters
    ----------
    effort : DataFrame
        ``patrol_id``, ``h3_9`` (uint64 or int64 H3 index), ``day`` (date-like), ``km``, ``hours``
        (NaN for tracks without times).
    res : int
        Resolution 0-9; cells are the parents of the stored resolution-9 cells, as for incidents.

    Returns
    -------
    DataFrame ``cell`` (uint64), ``patrol_km``, ``patrol_hours`` (hours of timed tracks only),
    ``patrol_days``, ``patrols``, ``last_patrol`` (datetime64[D]); one row per cell with effort.

    >>> e = pd.DataFrame({"patrol_id": ["a", "a", "b"], "h3_9": np.array([0x89416105847ffff] * 3, np.uint64),
    ...                   "day": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02"]),
    ...                   "km": [1.0, 2.0, 0.5], "hours": [0.5, 1.0, np.nan]})
    >>> r = cell_coverage(e, res=7).iloc[0]
    >>> (r.patrol_km, r.patrol_hours, int(r.patrol_days), int(r.patrols), str(r.last_patrol)[:10])
    (np.float64(3.5), np.float64(1.5), 2, 2, '2024-01-02')
    """
    need = {"patrol_id", "h3_9", "day", "km", "hours"} - set(effort.columns)
    if need:
        raise ValueError(f"effort is missing columns {sorted(need)}")
    cols = ["cell", "patrol_km", "patrol_hours", "patrol_days", "patrols", "last_patrol"]
    if len(effort) == 0:
        return pd.DataFrame({"cell": np.zeros(0, np.uint64), "patrol_km": [], "patrol_hours": [],
                             "patrol_days": np.zeros(0, np.int64), "patrols": np.zeros(0, np.int64),
                             "last_patrol": np.zeros(0, "datetime64[s]")})[cols]
    cells = parent_cells(_as_cells(effort["h3_9"].to_numpy()), res=res)
    day = pd.to_datetime(effort["day"]).to_numpy().astype("datetime64[D]")
    df = pd.DataFrame({"cell": cells, "day": day, "patrol_id": effort["patrol_id"].to_numpy(),
                       "km": effort["km"].to_numpy(float), "hours": effort["hours"].to_numpy(float)})
    g = df.groupby("cell", sort=True)
    out = pd.DataFrame({"patrol_km": g["km"].sum(), "patrol_hours": g["hours"].sum(),
                        "patrol_days": g["day"].nunique(), "patrols": g["patrol_id"].nunique(),
                        "last_patrol": g["day"].max()}).reset_index()
    out["cell"] = out["cell"].astype(np.uint64)
    return out[cols]


def _rates(incidents: np.ndarray, km: np.ndarray, min_km: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = 10.0 * incidents / km
    return np.where(km >= min_km, rate, np.nan)


def coverage_table(coverage: pd.DataFrame, hotspots: pd.DataFrame, *, emerging: pd.DataFrame | None = None,
                   study_cells: npt.ArrayLike | None = None, min_days: int = 1,
                   min_km: float = MIN_KM) -> pd.DataFrame:
    """One row per cell: effort, incidents, the rate, the Gi* bin and the gap flag.

    Parameters
    ----------
    coverage : output of :func:`cell_coverage`.
    hotspots : ``h3`` (hex string), ``count``, ``z``, ``bin`` (Gi* over the study cells).
    emerging : optional ``h3``, ``category``.
    study_cells : optional uint64 cells listed even without effort or incidents.
    min_days : a hot cell patrolled on fewer distinct days than this is a gap (1 = never patrolled).
    min_km : least patrol km for the rate to be shown (else ``effort`` is ``too_little_effort``).

    Returns
    -------
    DataFrame with :data:`COVERAGE_COLUMNS` plus ``z``, ``category``, ``hot``, ``effort``
    (``ok`` / ``too_little_effort``), ``reason`` (``no_patrol`` / ``few_patrol_days`` / ``""``);
    sorted by ``h3``.
    """
    if min_days < 1:
        raise ValueError(f"min_days must be >= 1, got {min_days}")
    if min_km <= 0:
        raise ValueError(f"min_km must be > 0, got {min_km}")
    cov = coverage.assign(h3=cells_to_str(coverage["cell"].to_numpy()) if len(coverage) else
                          np.array([], dtype=object)).drop(columns=["cell"])
    hot = hotspots[["h3", "count", "z", "bin"]].rename(columns={"count": "incidents"}) if len(hotspots) else \
        pd.DataFrame({"h3": pd.Series(dtype=object), "incidents": pd.Series(dtype="int64"),
                      "z": pd.Series(dtype=float), "bin": pd.Series(dtype="int64")})
    keys = set(cov["h3"]) | set(hot["h3"])
    study = np.asarray(study_cells) if study_cells is not None else None
    if study is not None and len(study):
        keys |= set(cells_to_str(_as_cells(study)))
    base = pd.DataFrame({"h3": sorted(keys)}, dtype=object)
    out = base.merge(cov, on="h3", how="left").merge(hot, on="h3", how="left")
    if emerging is not None and len(emerging):
        out = out.merge(emerging[["h3", "category"]], on="h3", how="left")
    else:
        out["category"] = None
    out["category"] = out["category"].astype(object).where(out["category"].notna(), "no_pattern")
    for c in ("patrol_km", "patrol_hours"):
        out[c] = out[c].fillna(0.0).astype(float)
    for c in ("patrol_days", "patrols", "incidents", "bin"):
        out[c] = out[c].fillna(0).astype(np.int64)
    out["z"] = out["z"].astype(float).fillna(0.0)
    out["incidents_per_10km"] = _rates(out["incidents"].to_numpy(float), out["patrol_km"].to_numpy(), min_km)
    out["effort"] = np.where(out["patrol_km"] >= min_km, "ok", "too_little_effort")
    out["hot"] = (out["bin"] >= 2) | out["category"].isin(HOT_TRENDS)
    out["gap"] = out["hot"] & (out["patrol_days"] < min_days)
    out["reason"] = np.where(~out["gap"], "", np.where(out["patrol_days"] == 0, "no_patrol", "few_patrol_days"))
    return out[COVERAGE_COLUMNS + ["patrols", "z", "category", "hot", "effort", "reason"]].reset_index(drop=True)


def hot_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """Select the gap cells of :func:`coverage_table`, most significant hot spot (highest z) first.

    >>> t = pd.DataFrame({"h3": ["a", "b", "c"], "gap": [True, False, True], "z": [2.1, 5.0, 3.3]})
    >>> list(hot_gaps(t)["h3"])
    ['c', 'a']
    """
    gaps = table[table["gap"].astype(bool)]
    return gaps.sort_values(["z", "h3"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _metric(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"{name} must be a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is None:
        raise ValueError(f"{name} has no CRS; expected EPSG:4326")
    return gdf.to_crs(METRIC_CRS)


def patrols_near(places: gpd.GeoDataFrame, patrols: gpd.GeoDataFrame, *, buffer_m: float = BUFFER_M,
                 as_of: object = None) -> pd.DataFrame:
    """Patrols passing within ``buffer_m`` of each place (crossing or trail).

    Parameters
    ----------
    places : GeoDataFrame with ``id``, ``name`` (and ``kind``), any CRS.
    patrols : GeoDataFrame of tracks with ``id`` and ``ended_at`` (local time).
    as_of : date the ``days_since`` count runs to (default: the latest ``ended_at``).

    Returns
    -------
    DataFrame, same index as ``places``: ``id``, ``name``, (``kind``), ``patrols``, ``last_patrolled``
    (datetime64, NaT when never), ``days_since`` (float, NaN when never).
    """
    if buffer_m < 0:
        raise ValueError(f"buffer_m must be >= 0, got {buffer_m}")
    cols = [c for c in ("id", "name", "kind") if c in places.columns]
    out = pd.DataFrame(places[cols]).copy()
    n = len(places)
    count = np.zeros(n, dtype=np.int64)
    last = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    if n and len(patrols):
        pm = _metric(places, "places")
        tm = _metric(patrols, "patrols")
        tree = shapely.STRtree(tm.geometry.values)
        pi, ti = tree.query(pm.geometry.values, predicate="dwithin", distance=buffer_m)
        ended = pd.to_datetime(patrols["ended_at"]).to_numpy().astype("datetime64[s]")
        count = np.bincount(pi, minlength=n).astype(np.int64)
        if pi.size:
            s = pd.Series(ended[ti]).groupby(pi).max()
            last[s.index.to_numpy()] = s.to_numpy().astype("datetime64[s]")
    if as_of is None:
        as_of = pd.to_datetime(patrols["ended_at"]).max() if len(patrols) else pd.NaT
    out["patrols"] = count
    out["last_patrolled"] = pd.to_datetime(last)
    as_of_day = pd.Timestamp(as_of).normalize() if not pd.isna(as_of) else pd.NaT
    out["days_since"] = (as_of_day - out["last_patrolled"].dt.normalize()).dt.days.astype(float) \
        if not pd.isna(as_of_day) else np.nan
    return out


def stale_places(near: pd.DataFrame, *, max_days: int) -> pd.DataFrame:
    """Places from :func:`patrols_near` not patrolled for more than ``max_days`` (or never), longest first."""
    stale = near[near["days_since"].isna() | (near["days_since"] > max_days)]
    key = stale["days_since"].fillna(np.inf)
    return stale.assign(_k=key).sort_values(["_k", "id"], ascending=[False, True], kind="stable") \
        .drop(columns="_k").reset_index(drop=True)


def nearest_names(points: gpd.GeoSeries, places: gpd.GeoDataFrame) -> pd.DataFrame:
    """Name of and distance (m) to the nearest place for each point: ``name``, ``dist_m``; same index as ``points``."""
    if len(points) == 0 or len(places) == 0:
        return pd.DataFrame({"name": pd.Series([None] * len(points), dtype=object, index=points.index),
                             "dist_m": pd.Series(np.nan, index=points.index)})
    p = points.to_crs(METRIC_CRS)
    q = places.to_crs(METRIC_CRS)
    tree = shapely.STRtree(q.geometry.values)
    pi, qi = tree.query_nearest(p.values, return_distance=False, all_matches=False)
    names = np.empty(len(points), dtype=object)
    dist = np.full(len(points), np.nan)
    names[pi] = q["name"].to_numpy()[qi]
    dist[pi] = shapely.distance(p.values[pi], q.geometry.values[qi])
    return pd.DataFrame({"name": names, "dist_m": dist}, index=points.index)
