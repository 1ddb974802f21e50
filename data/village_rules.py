"""Rules a village status decision must keep, shared by every way one is recorded (the status form,
every import).

A decision recognises, puts under review or revokes a village's "free of drug crime and drug abuse"
status on ``decided_on``; ``review_due`` is when it is to be looked at again, so it cannot come
before the decision itself.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from core.i18n import fmt_date, t


def _day(value) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime") else value


def review_before_decision(decided_on, review_due) -> bool:
    """True when the review date comes before the decision date (a refusal); blanks never do.

    >>> review_before_decision(dt.date(2026, 5, 1), dt.date(2026, 4, 30))
    True
    >>> review_before_decision(dt.date(2026, 5, 1), dt.date(2026, 5, 1))
    False
    >>> review_before_decision(dt.date(2026, 5, 1), None)
    False
    """
    d, r = _day(decided_on), _day(review_due)
    return d is not None and r is not None and r < d


def review_date_reason(decided_on, review_due, lang: str | None = None) -> str | None:
    """The refusal in ``lang`` when the review date is before the decision date, else None."""
    if not review_before_decision(decided_on, review_due):
        return None
    return t("import.review_before_decision", lang, due=fmt_date(_day(review_due), lang),
             decided=fmt_date(_day(decided_on), lang))


def check_review_dates(values: dict, column: str | None, add, lang: str | None = None) -> None:
    """Importer hook: for each row ``i`` whose ``review_due`` is before its ``decided_on``, call
    ``add(i, column, key, **fields)`` (the validator's problem recorder, which names file and row)."""
    decided, due = values.get("decided_on"), values.get("review_due")
    if not decided or not due:      # a file without one of the two columns: nothing to compare
        return
    for i, (d, r) in enumerate(zip(decided, due, strict=True)):
        if review_before_decision(d, r):
            add(i, column, "import.review_before_decision", due=fmt_date(_day(r), lang),
                decided=fmt_date(_day(d), lang))


def review_overdue(review_due, today: dt.date) -> bool:
    """True when a review date is set and has passed (``review_due < today``).

    >>> review_overdue(dt.date(2026, 11, 1), dt.date(2026, 11, 29)), review_overdue(None, dt.date(2026, 11, 29))
    (True, False)
    """
    r = _day(review_due)
    return r is not None and r < today
