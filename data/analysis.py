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

from core.errors import InputError
from core.i18n import t
from data import corridor_facts
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
    """Per-incident distances, counts per crossing and trail within ``buffer_m``, counts per km of border.

    Reads the corridor facts stored with each incident (:mod:`data.corridor_facts`) when they follow the
    border, crossings and trails now in the store; otherwise (a store opened read-only before they were
    filled) computes them here, with the same functions and the same results.
    """
    places = corridor_facts.load_places(con)
    if places.border is not None and corridor_facts.usable(con, places):
        inc = load_incidents(con, flt, columns=["id", "lon", "lat", *corridor_facts.FACT_COLUMNS])
        if not inc["border_m"].isna().any():
            return _corridor_from_facts(inc, inc, places, buffer_m=buffer_m, km=km)
    return corridor_recompute(con, flt, buffer_m=buffer_m, km=km)


def corridor_recompute(con: duckdb.DuckDBPyConnection, flt: Filter | None = None, *,
                       buffer_m: float = _corridor.BUFFER_M, km: float = 1.0) -> dict:
    """:func:`corridor_for` computing every incident's facts anew (stored facts not read)."""
    inc = _incidents(con, NO_FILTER if flt is None else flt)
    border = border_line(con)
    crossings, trails = read_layer(con, "crossings"), read_layer(con, "trails")
    if border is None:
        raise InputError(t("analysis.no_border"))
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


#: Metres added to ``buffer_m`` when picking the incidents that may lie within it of a crossing or trail by
#: their stored nearest distance; the exact test (``counts_near``) then runs on those only.
_NEAR_SLACK_M = 1.0


def _corridor_from_facts(inc: pd.DataFrame, facts: pd.DataFrame, places, *, buffer_m: float,
                         km: float) -> dict:
    """:func:`corridor_for`'s tables from stored facts. An incident can be within ``buffer_m`` of a crossing
    only when its nearest crossing is, so ``counts_near`` sees those incidents only: the same counts."""
    if buffer_m < 0:
        raise ValueError(f"buffer_m must be >= 0, got {buffer_m}")
    per_incident = pd.DataFrame({
        "id": inc["id"].to_numpy(), "dist_border_m": facts["border_m"].to_numpy(dtype=float),
        "nearest_crossing": facts["crossing_id"].to_numpy(dtype=object),
        "dist_crossing_m": facts["crossing_m"].to_numpy(dtype=float),
        "nearest_trail": facts["trail_id"].to_numpy(dtype=object),
        "dist_trail_m": facts["trail_m"].to_numpy(dtype=float),
    }) if len(inc) else pd.DataFrame(columns=CORRIDOR_COLUMNS)
    out = {"incidents": per_incident}
    for key, feats, dist in (("crossings", places.crossings, "crossing_m"), ("trails", places.trails, "trail_m")):
        near = inc[(facts[dist] <= buffer_m + _NEAR_SLACK_M).to_numpy()]
        out[key] = _corridor.counts_near(near[["lon", "lat"]], feats, buffer_m=buffer_m)
    out["chainage"] = _corridor.chainage_counts(facts["chainage_km"].to_numpy(dtype=float), places.border, km=km)
    return out


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
