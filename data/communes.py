"""Communes as areas: incidents, quantity and persons per commune polygon, per 1,000 residents, and
the change against the same period of the previous year.

Commune polygons live in layer ``commune_areas`` (``id, name, new_name, district, population``;
imported like any layer, or built by the demo as illustrative Voronoi areas). Incidents are counted
by where they are (point in polygon), so polygons of the former communes and of the communes merged
on 1/7/2025 both work; ``communes`` (the name table) supplies the other names.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from data.filters import Filter
from data.store import incident_span, read_layer

COLUMNS = ["id", "commune", "old_names", "new_name", "district", "incidents", "grams", "persons", "population",
           "rate_per_1000", "incidents_prev", "change", "change_pct", "illustrative"]


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:                      # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_of(con: duckdb.DuckDBPyConnection, flt: Filter) -> tuple[dt.date | None, dt.date | None]:
    """The filter's period, open ends closed with the store's first and last incident."""
    first, last = incident_span(con)
    return flt.date_from or first, flt.date_to or last


def previous_year(con: duckdb.DuckDBPyConnection, flt: Filter) -> Filter | None:
    """``flt`` moved back one year (same days of the year), or ``None`` for a store with no incidents."""
    lo, hi = period_of(con, flt)
    if lo is None or hi is None:
        return None
    return replace(flt, date_from=_year_before(lo), date_to=_year_before(hi))


def _counts(con: duckdb.DuckDBPyConnection, flt: Filter) -> pd.DataFrame:
    where, params = flt.where("i")
    return con.execute(f"""
        SELECT a.id, count(*) AS incidents, coalesce(sum(i.quantity_g), 0) AS grams,
               coalesce(sum(i.persons), 0) AS persons
        FROM commune_areas a JOIN incidents i ON ST_Intersects(a.geom, ST_Point(i.lon, i.lat))
        WHERE {where}
        GROUP BY a.id""", params).df()


def _names(con: duckdb.DuckDBPyConnection, areas: pd.DataFrame) -> tuple[list[str], list[str | None]]:
    """Former names and post-2025 name of each area, from its own fields and the ``communes`` table."""
    pairs = con.execute("SELECT old_name, new_name FROM communes").fetchall()
    new_of = {o: n for o, n in pairs}
    olds_of: dict[str, list[str]] = {}
    for o, n in pairs:
        olds_of.setdefault(n, []).append(o)
    olds, news = [], []
    for name, new in zip(areas["name"], areas["new_name"], strict=True):
        if name in new_of:                  # a former commune
            olds.append(name)
            news.append(new if isinstance(new, str) and new else new_of[name])
        else:                               # a merged (post-2025) commune, or a name the table lacks
            olds.append(", ".join(sorted(olds_of.get(name, []))))
            news.append(new if isinstance(new, str) and new else (name if name in olds_of else None))
    return olds, news


def commune_stats(con: duckdb.DuckDBPyConnection, flt: Filter | None = None) -> gpd.GeoDataFrame:
    """One row per commune area with :data:`COLUMNS` and its polygon (EPSG:4326), ordered by rate.

    ``rate_per_1000`` is incidents per 1,000 residents (NaN without a population);
    ``incidents_prev`` counts the same days one year earlier, ``change`` the difference and
    ``change_pct`` it in percent of the earlier count (NaN when that was 0).
    """
    flt = flt or Filter()
    areas = read_layer(con, "commune_areas")
    if not len(areas):
        return gpd.GeoDataFrame({c: [] for c in COLUMNS}, geometry=gpd.GeoSeries([], crs="EPSG:4326"),
                                crs="EPSG:4326")
    lo, hi = period_of(con, flt)
    cur = _counts(con, replace(flt, date_from=lo, date_to=hi))
    prev_flt = previous_year(con, flt)
    prev = _counts(con, prev_flt) if prev_flt is not None else cur.iloc[0:0]
    out = areas.rename(columns={"name": "commune"})
    out["old_names"], out["new_name"] = _names(con, areas)
    out = out.merge(cur, on="id", how="left").merge(
        prev[["id", "incidents"]].rename(columns={"incidents": "incidents_prev"}), on="id", how="left")
    for col in ("incidents", "incidents_prev", "persons"):
        out[col] = out[col].fillna(0).astype("int64")
    out["grams"] = out["grams"].fillna(0.0).astype(float)
    pop = pd.to_numeric(out["population"], errors="coerce")
    out["population"] = pop.astype("Int64")
    out["rate_per_1000"] = np.where(pop > 0, out["incidents"] / pop.where(pop > 0) * 1000.0, np.nan)
    out["change"] = out["incidents"] - out["incidents_prev"]
    prev_n = out["incidents_prev"].where(out["incidents_prev"] > 0)
    out["change_pct"] = (out["change"] / prev_n * 100.0).astype(float)
    out = out.sort_values(["rate_per_1000", "incidents"], ascending=False, na_position="last")
    gdf = gpd.GeoDataFrame(out[COLUMNS], geometry=out.geometry.values, crs="EPSG:4326").reset_index(drop=True)
    gdf.attrs["period"] = (lo, hi)
    gdf.attrs["previous"] = (prev_flt.date_from, prev_flt.date_to) if prev_flt is not None else (None, None)
    return gdf


def class_breaks(values, k: int = 5) -> list[float]:
    """Upper bounds of up to ``k`` classes (quantiles of the positive values, rounded, increasing).

    >>> class_breaks([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], k=5)
    [2.0, 4.0, 6.0, 8.0, 10.0]
    """
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], dtype=float)
    if not len(v) or v.max() <= 0:
        return [0.0]
    qs = np.quantile(v, np.linspace(0, 1, k + 1)[1:])
    top = float(v.max())
    out: list[float] = []
    for q in qs:
        r = float(_nice(q))
        if not out or r > out[-1]:
            out.append(r)
    if out[-1] < top:
        out[-1] = float(_nice(top, up=True))
    return out


def _nice(x: float, up: bool = False) -> float:
    """Round to 2 significant figures (upwards when ``up``)."""
    if x <= 0:
        return 0.0
    mag = 10 ** (np.floor(np.log10(x)) - 1)
    return float((np.ceil if up else np.round)(x / mag) * mag)


def class_of(value, breaks: list[float]) -> int | None:
    """Index of the class holding ``value`` (``None`` for a missing value)."""
    if value is None or not np.isfinite(value):
        return None
    for i, b in enumerate(breaks):
        if value <= b + 1e-12:
            return i
    return len(breaks) - 1
