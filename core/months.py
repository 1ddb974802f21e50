"""Calendar-month arithmetic on dates: the one home for month starts, shifts and bounds.

Months are calendar months; a month is named by its first day. Pure functions, no I/O.
"""
from __future__ import annotations

import datetime as dt

__all__ = ["month_start", "add_months", "month_bounds", "month_starts"]


def month_start(d: dt.date) -> dt.date:
    """First day of the month holding ``d``.

    >>> month_start(dt.date(2024, 2, 17))
    datetime.date(2024, 2, 1)
    """
    return d.replace(day=1)


def add_months(d: dt.date, n: int) -> dt.date:
    """First day of the month ``n`` calendar months after ``d``'s month (``n`` may be negative).

    >>> add_months(dt.date(2024, 11, 30), 3), add_months(dt.date(2024, 1, 15), -1)
    (datetime.date(2025, 2, 1), datetime.date(2023, 12, 1))
    """
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def month_bounds(d: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month holding ``d``.

    >>> month_bounds(dt.date(2024, 2, 17))
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    return month_start(d), add_months(d, 1) - dt.timedelta(days=1)


def month_starts(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """First day of every month that overlaps ``[date_from, date_to]`` (empty when reversed).

    >>> [d.isoformat() for d in month_starts(dt.date(2024, 11, 15), dt.date(2025, 1, 2))]
    ['2024-11-01', '2024-12-01', '2025-01-01']
    """
    out: list[dt.date] = []
    d = month_start(date_from)
    while date_from <= date_to and d <= date_to:
        out.append(d)
        d = add_months(d, 1)
    return out
