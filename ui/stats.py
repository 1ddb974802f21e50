"""Aggregates the dashboard shows, computed in DuckDB. No Streamlit here.

Every function takes the connection and a :class:`~data.filters.Filter` and returns a
small frame (one row per month and category), so 1 M incidents never reach pandas.
"""
from __future__ import annotations

import pandas as pd

from data.filters import Filter

MONTHLY_COLUMNS = ["month", "article", "drug", "incidents", "quantity_g", "tablets", "persons"]


def monthly(con, flt: Filter) -> pd.DataFrame:
    """Incidents, grams, tablets and persons per month × article × drug.

    ``month`` is the first day of the month (``datetime64``). Empty filter result gives
    an empty frame with :data:`MONTHLY_COLUMNS`.
    """
    where, params = flt.where()
    df = con.execute(f"""
        SELECT CAST(date_trunc('month', occurred_at) AS DATE) AS month, article, drug,
               count(*) AS incidents, coalesce(sum(quantity_g), 0) AS quantity_g,
               coalesce(sum(tablets), 0) AS tablets, coalesce(sum(persons), 0) AS persons
        FROM incidents WHERE {where}
        GROUP BY ALL ORDER BY month, article, drug""", params).df()
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in MONTHLY_COLUMNS})
    df["month"] = pd.to_datetime(df["month"])
    return df[MONTHLY_COLUMNS]


def totals(con, flt: Filter) -> dict[str, float]:
    """Headline numbers of the filtered period: incidents, grams, tablets, persons."""
    where, params = flt.where()
    row = con.execute(f"""
        SELECT count(*), coalesce(sum(quantity_g), 0), coalesce(sum(tablets), 0), coalesce(sum(persons), 0)
        FROM incidents WHERE {where}""", params).fetchone()
    return dict(zip(("incidents", "quantity_g", "tablets", "persons"), row))


def store_revision(con) -> tuple:
    """A cheap token that changes whenever an import or a demo rebuild changes the store.

    Cached results are keyed on it, so an import shows up without restarting the server.
    """
    row = con.execute("""
        SELECT (SELECT coalesce(max(id), 0) FROM import_log), (SELECT count(*) FROM incidents),
               (SELECT count(*) FROM villages), (SELECT count(*) FROM village_status),
               (SELECT coalesce(max(value), '') FROM meta WHERE key = 'built_at')""").fetchone()
    return tuple(row)
