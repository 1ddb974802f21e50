"""Period presets of the sidebar and the months of a period. No Streamlit here.

A preset is a code; :func:`preset_range` turns it into inclusive dates relative to
``today``. ``"all"`` gives ``(None, None)`` (no date condition); ``"custom"`` keeps
whatever dates the user picked.
"""
from __future__ import annotations

import datetime as dt

from core.months import month_starts as month_starts  # re-exported: the map tab and its tests read it here

#: Sidebar order. Labels live in core/i18n/ui.py as ``ui.period.<code>``.
PRESETS: tuple[str, ...] = ("7d", "30d", "quarter", "year", "all", "custom")
DEFAULT_PRESET = "year"


def _last_days(n: int):
    return lambda today: (today - dt.timedelta(days=n - 1), today)


def _quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today


def _year(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), today


_RANGES = {"7d": _last_days(7), "30d": _last_days(30), "quarter": _quarter, "year": _year,
           "all": lambda today: (None, None)}


def preset_range(preset: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Inclusive ``(date_from, date_to)`` of a preset.

    >>> preset_range("7d", dt.date(2025, 3, 10))
    (datetime.date(2025, 3, 4), datetime.date(2025, 3, 10))
    >>> preset_range("quarter", dt.date(2025, 5, 20))[0]
    datetime.date(2025, 4, 1)
    """
    if preset not in _RANGES:
        raise ValueError(f"unknown period preset {preset!r}; valid: {', '.join(_RANGES)}")
    return _RANGES[preset](today)


def match_preset(date_from: dt.date | None, date_to: dt.date | None, today: dt.date) -> str:
    """The preset whose range is exactly these dates, else ``"custom"``.

    >>> match_preset(None, None, dt.date(2025, 1, 1))
    'all'
    >>> match_preset(dt.date(2025, 1, 1), dt.date(2025, 2, 3), dt.date(2025, 2, 3))
    'year'
    """
    for code, fn in _RANGES.items():
        if fn(today) == (date_from, date_to):
            return code
    return "custom"


def month_label(d: dt.date, lang: str) -> str:
    """``mm/yyyy`` in Vietnamese, ``yyyy-mm`` in English."""
    return f"{d.month:02d}/{d.year}" if lang == "vi" else f"{d.year}-{d.month:02d}"
