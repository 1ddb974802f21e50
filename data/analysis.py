"""Analyses over the store: parameterised reads from ``data.queries`` fed to pure ``geo`` functions.

The dashboard, the briefing and the CLI call these, so every path computes the same
numbers. Outputs are plain DataFrames with the columns of the CLI contract.
"""
from __future__ import annotations

import datetime as dt
import functools

import duckdb
import numpy as np
import pandas as pd

from data.filters import NO_FILTER, Filter
from data.queries import border_line, load_incidents, study_area, villages_with_status
from data.store import one_row, read_layer
from data.village_rules import review_overdue
from geo import corridor as _corridor
from geo import density as _density
from geo import emerging as _emerging
from geo import exposure as _exposure
from geo import h3grid
from geo import hotspots as _hotspots
from geo.hotspots import HOTSPOT_COLUMNS

EMERGING_COLUMNS = ["h3", "category", "trend_tau", "trend_p", "share_hot", "share_cold", "last_z", "n_slices"]
CORRIDOR_COLUMNS = ["id", "dist_border_m", "nearest_crossing", "dist_crossing_m", "nearest_trail", "dist_trail_m"]
VILLAGE_COLUMNS = ["village_id", "name", "status", "incidents_within", "alert", "review_due", "review_overdue"]


@functools.lru_cache(maxsize=16)
def _cells_for(belt_wkb: bytes, res: int) -> np.ndarray:
    import shapely
    return h3grid.cells_covering(shapely.from_wkb(belt_wkb), res=res)


def study_cells(con: duckdb.DuckDBPyConnection, *, res: int = 7) -> np.ndarray:
    """Every H3 cell of the study area (the belt) at ``res``, zero-count cells included."""
    belt = study_area(con)
    if belt is None:
        return np.array([], dtype=np.uint64)
    return _cells_for(belt.wkb, int(res))


def _incidents(con: duckdb.DuckDBPyConnection, flt: Filter) -> pd.DataFrame:
    return load_incidents(con, flt, columns=["id", "occurred_at", "article", "drug", "quantity_g", "tablets",
                                             "persons", "station_id", "lon", "lat", "h3_9"])


def h3_counts_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, res: int = 7,
                  weight: str | None = None) -> pd.DataFrame:
    return _density.h3_counts(_incidents(con, flt), res=res, weight=weight)


def hotspots_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, res: int = 7,
                 fdr: bool = False) -> pd.DataFrame:
    """Gi* over every study-area cell: h3, count, z, p, bin (no rows when no incident matches)."""
    inc = _incidents(con, flt)
    if len(inc) == 0:
        return pd.DataFrame(columns=HOTSPOT_COLUMNS)
    out = _hotspots.hotspots(inc, study_cells(con, res=res), res=res, fdr=fdr)
    return out[HOTSPOT_COLUMNS]


def _span(con: duckdb.DuckDBPyConnection, flt: Filter):
    if flt.date_from and flt.date_to:
        return flt.date_from, flt.date_to
    first, last = one_row(con, "SELECT min(occurred_at), max(occurred_at) FROM incidents")
    return (flt.date_from or (first.date() if first else None)), (flt.date_to or (last.date() if last else None))


def emerging_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, slice: str = "month", res: int = 7,
                 time_neighbour: bool = False) -> pd.DataFrame:
    """Emerging hot spot category of every study cell over the filter's period."""
    start, end = _span(con, flt)
    inc = _incidents(con, flt)
    if start is None or len(inc) == 0:
        return pd.DataFrame(columns=EMERGING_COLUMNS)
    out = _emerging.emerging_hotspots(inc, study_cells(con, res=res), res=res, period=slice,
                                      start=np.datetime64(start), end=np.datetime64(end),
                                      options=_emerging.EmergingOptions(time_neighbour=time_neighbour))
    return out[[c for c in EMERGING_COLUMNS if c in out.columns] +
               [c for c in out.columns if c not in EMERGING_COLUMNS]]


def corridor_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, buffer_m: float = _corridor.BUFFER_M,
                 km: float = 1.0) -> dict:
    """Per-incident distances, counts per crossing and trail within ``buffer_m``, counts per km of border."""
    inc = _incidents(con, flt)
    border = border_line(con)
    crossings, trails = read_layer(con, "crossings"), read_layer(con, "trails")
    if border is None:
        raise ValueError("the store has no border line")
    prox = _corridor.incident_proximity(inc, border=border, crossings=crossings, trails=trails)
    per_incident = pd.DataFrame({
        "id": inc["id"].to_numpy(), "dist_border_m": prox["border_m"].to_numpy(),
        "nearest_crossing": prox["crossing_id"].to_numpy(), "dist_crossing_m": prox["crossing_m"].to_numpy(),
        "nearest_trail": prox["trail_id"].to_numpy(), "dist_trail_m": prox["trail_m"].to_numpy(),
    }) if len(inc) else pd.DataFrame(columns=CORRIDOR_COLUMNS)
    return {
        "incidents": per_incident,
        "crossings": _corridor.counts_near(inc, crossings, buffer_m=buffer_m),
        "trails": _corridor.counts_near(inc, trails, buffer_m=buffer_m),
        "chainage": _corridor.border_chainage(inc, border, km=km),
    }


def villages_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, radius_km: float = 3.0, res: int = 7,
                 categories: pd.DataFrame | None = None, today: dt.date | None = None, **options) -> pd.DataFrame:
    """Incidents within ``radius_km`` of each village and drug-free-village alerts, with the
    current decision's ``review_due`` and ``review_overdue`` (the review date has passed on
    ``today``, by default the computer's date; :func:`data.village_rules.review_overdue`).

    ``categories`` (from :func:`emerging_for`) is computed when not given. Other options
    (``min_count``, ``months``) go to its :class:`geo.exposure.AlertRule`.
    """
    inc = _incidents(con, flt)
    villages = villages_with_status(con)
    if categories is None:
        categories = emerging_for(con, flt, res=res)
    _, end = _span(con, flt)
    out = _exposure.village_exposure(inc, villages, categories=categories if len(categories) else None, res=res,
                                     period_end=np.datetime64(end) if end else None,
                                     rule=_exposure.AlertRule(radius_km=radius_km, **options))
    due = dict(zip(villages["id"], villages["review_due"], strict=True))
    today = today or dt.date.today()
    out["review_due"] = pd.to_datetime(pd.Series([due.get(v) for v in out["village_id"]], index=out.index,
                                                 dtype=object)).dt.date
    out["review_due"] = out["review_due"].astype(object).where(out["review_due"].notna(), None)
    out["review_overdue"] = [review_overdue(d, today) for d in out["review_due"]]
    return out[VILLAGE_COLUMNS + [c for c in out.columns if c not in VILLAGE_COLUMNS]]
