"""Period presets and months (ui/periods.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from ui.periods import PRESETS, match_preset, month_label, month_starts, preset_range

TODAY = dt.date(2025, 8, 15)


@pytest.mark.parametrize("preset, expected", [
    ("7d", (dt.date(2025, 8, 9), TODAY)),
    ("30d", (dt.date(2025, 7, 17), TODAY)),
    ("quarter", (dt.date(2025, 7, 1), TODAY)),
    ("year", (dt.date(2025, 1, 1), TODAY)),
    ("all", (None, None)),
])
def test_preset_ranges_are_inclusive_and_end_today(preset, expected):
    lo, hi = preset_range(preset, TODAY)
    assert (lo, hi) == expected
    if lo:
        assert (hi - lo).days + 1 == {"7d": 7, "30d": 30}.get(preset, (hi - lo).days + 1)


def test_every_preset_but_custom_round_trips_through_its_dates():
    for preset in PRESETS:
        if preset == "custom":
            with pytest.raises(ValueError, match="custom"):
                preset_range(preset, TODAY)
            continue
        assert match_preset(*preset_range(preset, TODAY), TODAY) == preset


def test_other_dates_are_custom():
    assert match_preset(dt.date(2024, 1, 1), dt.date(2024, 3, 31), TODAY) == "custom"


def test_quarter_on_its_first_day():
    assert preset_range("quarter", dt.date(2025, 10, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 10, 1))


def test_months_cross_the_year_and_empty_when_reversed():
    assert month_starts(dt.date(2024, 12, 31), dt.date(2025, 2, 1)) == [dt.date(2024, 12, 1), dt.date(2025, 1, 1),
                                                                       dt.date(2025, 2, 1)]
    assert month_starts(dt.date(2025, 2, 1), dt.date(2025, 1, 1)) == []


def test_month_labels():
    assert month_label(dt.date(2025, 3, 1), "vi") == "03/2025"
    assert month_label(dt.date(2025, 3, 1), "en") == "2025-03"
