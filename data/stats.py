"""Aggregates the dashboard shows (headline numbers, the monthly charts), computed in DuckDB.

Every function takes the connection and a :class:`~data.filters.Filter` and returns a
small frame (one row per month and category), so 1 M incidents never reach pandas.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from data.filters import Filter
from data.store import one_row

MONTHLY_COLUMNS = ["month", "article", "drug", "incidents", "quantity_g", "tablets", "persons"]


def monthly(con: duckdb.DuckDBPyConnection, flt: Filter) -> pd.DataFrame:
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


def totals(con: duckdb.DuckDBPyConnection, flt: Filter) -> dict[str, float]:
    """Headline numbers of the filtered period: incidents, grams, tablets, persons."""
    where, params = flt.where()
    row = one_row(con, f"""
        SELECT count(*), coalesce(sum(quantity_g), 0), coalesce(sum(tablets), 0), coalesce(sum(persons), 0)
        FROM incidents WHERE {where}""", params)
    return dict(zip(("incidents", "quantity_g", "tablets", "persons"), row, strict=True))

