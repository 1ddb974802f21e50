"""core.months against pandas' calendar periods (an independent implementation)."""

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from core.months import add_months, month_bounds, month_start, month_starts

DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@given(DATES, st.integers(min_value=-240, max_value=240))
def test_add_months_matches_pandas_periods(d, n):
    assert add_months(d, n) == (pd.Period(d, freq="M") + n).to_timestamp().date()
    assert add_months(d, n) == add_months(month_start(d), n)


@given(DATES)
def test_month_bounds_are_the_period_start_and_end(d):
    first, last = month_bounds(d)
    p = pd.Period(d, freq="M")
    assert (first, last) == (p.start_time.date(), p.end_time.date())
    assert first <= d <= last


@given(DATES, DATES)
def test_month_starts_are_every_month_overlapping_the_period(a, b):
    got = month_starts(a, b)
    want = [p.to_timestamp().date() for p in pd.period_range(a, b, freq="M")] if a <= b else []
    assert got == want


def test_month_starts_across_a_year_and_reversed():
    assert month_starts(dt.date(2024, 12, 31), dt.date(2025, 2, 1)) == [dt.date(2024, 12, 1), dt.date(2025, 1, 1),
                                                                        dt.date(2025, 2, 1)]
    assert month_starts(dt.date(2025, 2, 1), dt.date(2025, 1, 1)) == []
