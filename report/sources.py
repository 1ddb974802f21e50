"""The analyses a briefing reads, from :mod:`data.analysis` (the one code path the map,
the CLI and the dashboard share), with the briefing's windows and empty-safe shapes.

* :func:`hotspots` → ``h3, count, z, p, bin`` for the period
* :func:`emerging` → ``h3, category, trend_tau, trend_p, ...`` over the 12 months ending with the period
* :func:`corridor` → ``{"crossings": id, name, kind, count; "trails": ...; "km": km_from, km_to, count}``
* :func:`villages` → ``village_id, name, status, incidents_within, alert, alert_reason``
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from core.months import add_months
from data import analysis
from data.filters import Filter

RES = 7
EMERGING_MONTHS = 12
RADIUS_KM = 3.0


def emerging_filter(flt: Filter, *, months: int = EMERGING_MONTHS) -> Filter:
    """The ``months`` calendar months ending with ``flt.date_to``'s month (same other values).

    >>> import datetime as dt
    >>> emerging_filter(Filter(date_from=dt.date(2026, 8, 1), date_to=dt.date(2026, 10, 31))).date_from
    datetime.date(2025, 11, 1)
    """
    if flt.date_to is None:
        raise ValueError("emerging_filter needs the period's end (flt.date_to); resolve the period first")
    return replace(flt, date_from=add_months(flt.date_to, -(months - 1)))


def hotspots(con, flt: Filter) -> pd.DataFrame:
    out = analysis.hotspots_for(con, flt, res=RES)
    return out.astype({"count": "int64", "z": float, "p": float, "bin": "int64"}) if len(out) else \
        pd.DataFrame({"h3": pd.Series(dtype=object), "count": pd.Series(dtype="int64"), "z": pd.Series(dtype=float),
                      "p": pd.Series(dtype=float), "bin": pd.Series(dtype="int64")})


def emerging(con, flt: Filter) -> pd.DataFrame:
    """Emerging categories over the 12 months ending with the period (monthly slices)."""
    out = analysis.emerging_for(con, emerging_filter(flt), slice="month", res=RES)
    if len(out) == 0:
        return pd.DataFrame({"h3": pd.Series(dtype=object), "category": pd.Series(dtype=object),
                             "trend_tau": pd.Series(dtype=float), "trend_p": pd.Series(dtype=float)})
    return out


def corridor(con, flt: Filter) -> dict[str, pd.DataFrame]:
    out = analysis.corridor_for(con, flt)
    return {"crossings": out["crossings"], "trails": out["trails"], "km": out["chainage"]}


def villages(con, flt: Filter, categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Exposure and alerts; ``categories`` are the briefing's 12-month emerging categories."""
    return analysis.villages_for(con, flt, radius_km=RADIUS_KM, res=RES, categories=categories)
