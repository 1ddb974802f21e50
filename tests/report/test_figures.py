"""Key figures against the same period of the previous year (and the previous period), checked with independent SQL."""
from __future__ import annotations

import datetime as dt

from data.filters import Filter
from report.figures import change_pct, fmt_amount, fmt_change, key_figures, resolve_period


def _sql_counts(con, start, end):
    return con.execute("SELECT count(*), sum(persons), sum(tablets) FILTER (WHERE drug = 'synthetic_tablets') "
                       "FROM incidents WHERE occurred_at >= ? AND occurred_at < ?",
                       [dt.datetime.combine(start, dt.time()),
                        dt.datetime.combine(end + dt.timedelta(days=1), dt.time())]
                       ).fetchone()


def test_figures_match_sql_for_all_three_periods(demo_con, period):
    fig = key_figures(demo_con, period).set_index(["metric", "drug"], drop=False)
    now = _sql_counts(demo_con, period.date_from, period.date_to)
    year = _sql_counts(demo_con, dt.date(2025, 8, 1), dt.date(2025, 10, 31))    # cùng kỳ năm trước
    before = _sql_counts(demo_con, dt.date(2026, 5, 1), dt.date(2026, 7, 31))   # 92 days before 1/8
    inc = fig.loc[("incidents", None)]
    assert (inc["current"], inc["last_year"], inc["previous"]) == (now[0], year[0], before[0])
    assert fig.loc[("persons", None)]["current"] == now[1]
    tabs = fig.loc[("seized", "synthetic_tablets")]
    assert ((tabs["current"], tabs["last_year"], tabs["previous"], tabs["unit"])
            == (now[2], year[2], before[2], "tablets"))
    # the arrow and the % are against the same period last year; the previous period is the second figure
    assert abs(inc["change_pct"] - (now[0] - year[0]) / year[0] * 100) < 1e-9
    assert inc["arrow"] == ("↑" if now[0] > year[0] else "↓" if now[0] < year[0] else "→")
    assert abs(inc["previous_change_pct"] - (now[0] - before[0]) / before[0] * 100) < 1e-9
    assert inc["previous_arrow"] == ("↑" if now[0] > before[0] else "↓" if now[0] < before[0] else "→")


def test_same_period_last_year_across_29_february():
    # 01/01–29/11/2026 against 01/01–29/11/2025, the committee's year-to-date comparison
    f = Filter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 11, 29)).same_period_last_year()
    assert (f.date_from, f.date_to) == (dt.date(2025, 1, 1), dt.date(2025, 11, 29))
    # a leap-year period ending on 29/02 compares with the whole February of the year before
    f = Filter(date_from=dt.date(2028, 1, 1), date_to=dt.date(2028, 2, 29)).same_period_last_year()
    assert (f.date_from, f.date_to) == (dt.date(2027, 1, 1), dt.date(2027, 2, 28))
    # ...and two whole months of 2029 compare with two whole months of 2028, 29/02 included
    f = Filter(date_from=dt.date(2029, 1, 1), date_to=dt.date(2029, 2, 28)).same_period_last_year()
    assert (f.date_from, f.date_to) == (dt.date(2028, 1, 1), dt.date(2028, 2, 29))
    f = Filter(date_from=dt.date(2028, 2, 29), date_to=dt.date(2028, 3, 31)).same_period_last_year()
    assert (f.date_from, f.date_to) == (dt.date(2027, 2, 28), dt.date(2027, 3, 31))
    # other filter values are kept
    f = Filter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), drugs=("heroin",)).same_period_last_year()
    assert f.drugs == ("heroin",) and f.date_from == dt.date(2025, 3, 1)


def test_change_and_formats():
    assert change_pct(123, 100) == 23.0 and change_pct(3, 0) is None
    assert fmt_amount(1234.5, "g", "vi") == "1,2 kg" and fmt_amount(1234.5, "g", "en") == "1.2 kg"
    assert fmt_amount(12500, "tablets", "vi") == "12.500 viên"
    row = {"current": 123, "previous": 100, "change_pct": 23.0, "arrow": "↑"}
    assert fmt_change(row, "vi") == "↑ 23 %"
    assert fmt_change({"current": 5, "previous": 0, "change_pct": None, "arrow": "↑"}, "vi") == "↑ mới"
    row = {"current": 90, "change_pct": 50.0, "arrow": "↑", "previous_change_pct": -10.0, "previous_arrow": "↓"}
    assert fmt_change(row, "vi") == "↑ 50 %" and fmt_change(row, "vi", against="previous") == "↓ 10 %"


def test_resolve_period_fills_missing_dates(demo_con):
    flt = resolve_period(demo_con, Filter())
    assert flt.date_to == dt.date(2026, 11, 28) and flt.days() == 30


def test_empty_store_gives_zero_figures(empty_con, period):
    fig = key_figures(empty_con, period)
    assert set(fig["metric"]) == {"incidents", "persons"} and (fig["current"] == 0).all()
