"""Briefing fixtures: the session demo store (3,000 incidents ending 28/11/2026) and a fixed period."""
from __future__ import annotations

import datetime as dt

import pytest

from data.filters import Filter

PERIOD = Filter(date_from=dt.date(2026, 8, 1), date_to=dt.date(2026, 10, 31))


@pytest.fixture()
def period() -> Filter:
    return PERIOD
