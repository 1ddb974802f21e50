"""Key figures of a period against the same period of the previous year.

Incidents, persons, and seizures by drug (grams, or tablets for synthetic tablets), each
with the value of the same period one year earlier ("so với cùng kỳ năm trước", how the
province's reports compare), the change in % and an arrow; the previous period of the same
length is kept as a second figure.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from core.i18n import fmt_num, t
from core.vocab import DRUGS, label
from data.filters import Filter
from data.store import incident_span

#: unit of the seizure figure of each drug (tablets are counted, the rest weighed)
DRUG_UNIT = {code: ("tablets" if code == "synthetic_tablets" else "g") for code in DRUGS}
FIGURE_COLUMNS = ["metric", "drug", "unit", "current", "last_year", "change_pct", "arrow",
                  "previous", "previous_change_pct", "previous_arrow"]
ARROWS = {1: "↑", -1: "↓", 0: "→"}
DEFAULT_DAYS = 30


def resolve_period(con, flt: Filter, *, days: int = DEFAULT_DAYS) -> Filter:
    """``flt`` with both dates set: a missing end is the last incident day, a missing start
    ``days`` before the end."""
    if flt.date_from and flt.date_to:
        return flt
    _, last = incident_span(con)
    end = flt.date_to or last or dt.date.today()
    start = flt.date_from or end - dt.timedelta(days=days - 1)
    if start > end:
        start = end
    return replace(flt, date_from=start, date_to=end)


def _totals(con, flt: Filter) -> dict[tuple[str, str | None], float]:
    where, params = flt.where()
    inc, persons = con.execute(f"SELECT count(*), coalesce(sum(persons), 0) FROM incidents WHERE {where}",
                               params).fetchone()
    out: dict[tuple[str, str | None], float] = {("incidents", None): int(inc), ("persons", None): int(persons)}
    rows = con.execute(f"SELECT drug, count(*), coalesce(sum(quantity_g), 0), coalesce(sum(tablets), 0) "
                       f"FROM incidents WHERE {where} GROUP BY drug", params).fetchall()
    by_drug = {r[0]: r for r in rows}
    for code, unit in DRUG_UNIT.items():
        r = by_drug.get(code)
        out[("seized", code)] = 0.0 if r is None else float(r[3] if unit == "tablets" else r[2])
        out[("cases", code)] = 0 if r is None else int(r[1])
    return out


def change_pct(current: float, previous: float) -> float | None:
    """Change in %, ``None`` when the previous value is 0 (no base to compare with).

    >>> change_pct(123, 100), change_pct(5, 0), change_pct(0, 0)
    (23.0, None, None)
    """
    if not previous:
        return None
    return (current - previous) / previous * 100.0


def arrow(current: float, previous: float) -> str:
    return ARROWS[(current > previous) - (current < previous)]


def key_figures(con, flt: Filter) -> pd.DataFrame:
    """One row per figure: ``metric`` (incidents, persons, seized), ``drug`` (code or None),
    ``unit``, ``current``; ``last_year`` (the same period a year earlier,
    :meth:`Filter.same_period_last_year`) with ``change_pct`` (None without a base) and
    ``arrow``; ``previous`` (the period of the same length just before,
    :meth:`Filter.previous_period`) with ``previous_change_pct`` and ``previous_arrow``.

    ``flt`` must have both dates (see :func:`resolve_period`). Drugs with no seizure in any
    of the three periods are left out.
    """
    cur = _totals(con, flt)
    year = _totals(con, flt.same_period_last_year())
    prev = _totals(con, flt.previous_period())
    rows = []
    for (metric, drug), value in cur.items():
        if metric == "cases":
            continue
        ly, before = year[(metric, drug)], prev[(metric, drug)]
        if metric == "seized" and not value and not ly and not before:
            continue
        unit = DRUG_UNIT[drug] if metric == "seized" and drug is not None else metric
        rows.append(dict(metric=metric, drug=drug, unit=unit, current=value,
                         last_year=ly, change_pct=change_pct(value, ly), arrow=arrow(value, ly),
                         previous=before, previous_change_pct=change_pct(value, before),
                         previous_arrow=arrow(value, before)))
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


# -- formatting -----------------------------------------------------------------------------

def fmt_amount(value: float, unit: str, lang: str) -> str:
    """``1,2 kg``, ``350 g``, ``12.500 viên``, ``42 vụ``."""
    if unit == "g" and value >= 1000:
        return t("report.unit.kg", lang, n=fmt_num(value / 1000, lang, decimals=1))
    if unit == "g":
        return t("report.unit.g", lang, n=fmt_num(value, lang, decimals=1 if 0 < value < 10 else 0))
    return t(f"report.unit.{unit}", lang, n=fmt_num(value, lang))


def fmt_change(row, lang: str, *, against: str = "last_year") -> str:
    """``↑ 23 %``, ``↓ 5 %``, ``→ 0 %`` or ``↑ mới`` when there was nothing before.

    ``against="last_year"`` (the default) reads ``change_pct``/``arrow``; ``"previous"``
    reads ``previous_change_pct``/``previous_arrow``.
    """
    pct_key, arrow_key = ("change_pct", "arrow") if against == "last_year" else \
        ("previous_change_pct", "previous_arrow")
    pct = row[pct_key]
    if pct is None or pd.isna(pct):
        return f"{row[arrow_key]} " + (t("report.change.new", lang) if row["current"] else "0 %")
    return f"{row[arrow_key]} {fmt_num(abs(pct), lang)} %"


def figure_label(row, lang: str) -> str:
    if row["metric"] == "seized":
        return t("report.fig.seized", lang, drug=label("drug", row["drug"], lang))
    return t(f"report.fig.{row['metric']}", lang)
