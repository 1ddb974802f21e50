"""Key figures against the previous period, checked with independent SQL."""
from __future__ import annotations

import datetime as dt

from data.filters import Filter
from report.figures import change_pct, fmt_amount, fmt_change, key_figures, resolve_period


def _sql_counts(con, start, end):
    return con.execute("SELECT count(*), sum(persons), sum(tablets) FILTER (WHERE drug = 'synthetic_tablets') "
                       "FROM incidents WHERE occurred_at >= ? AND occurred_at < ?",
                       [dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())]
                       ).fetchone()


def test_figures_match_sql_for_both_periods(demo_con, period):
    fig = key_figures(demo_con, period).set_index(["metric", "drug"], drop=False)
    now = _sql_counts(demo_con, period.date_from, period.date_to)
    before = _sql_counts(demo_con, dt.date(2026, 5, 1), dt.date(2026, 7, 31))   # 92 days before 1/8
    inc = fig.loc[("incidents", None)]
    assert (inc["current"], inc["previous"]) == (now[0], before[0])
    assert fig.loc[("persons", None)]["current"] == now[1]
    tabs = fig.loc[("seized", "synthetic_tablets")]
    assert (tabs["current"], tabs["previous"], tabs["unit"]) == (now[2], before[2], "tablets")
    assert abs(inc["change_pct"] - (now[0] - before[0]) / before[0] * 100) < 1e-9
    assert inc["arrow"] == ("↑" if now[0] > before[0] else "↓" if now[0] < before[0] else "→")


def test_change_and_formats():
    assert change_pct(123, 100) == 23.0 and change_pct(3, 0) is None
    assert fmt_amount(1234.5, "g", "vi") == "1,2 kg" and fmt_amount(1234.5, "g", "en") == "1.2 kg"
    assert fmt_amount(12500, "tablets", "vi") == "12.500 viên"
    row = {"current": 123, "previous": 100, "change_pct": 23.0, "arrow": "↑"}
    assert fmt_change(row, "vi") == "↑ 23 %"
    assert fmt_change({"current": 5, "previous": 0, "change_pct": None, "arrow": "↑"}, "vi") == "↑ mới"


def test_resolve_period_fills_missing_dates(demo_con):
    flt = resolve_period(demo_con, Filter())
    assert flt.date_to == dt.date(2026, 11, 28) and flt.days() == 30


def test_empty_store_gives_zero_figures(empty_con, period):
    fig = key_figures(empty_con, period)
    assert set(fig["metric"]) == {"incidents", "persons"} and (fig["current"] == 0).all()
