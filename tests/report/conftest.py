"""Briefing fixtures: the session demo store (3,000 incidents ending 28/11/2026) and a fixed period.

Drawing a briefing (maps, charts) takes seconds; tests that only read a briefing share one drawn
per language (``drawn``), from one read-only copy of the store (``shared_con``). A test that changes
a slide makes its own copy (``dataclasses.replace``); a test that writes to the store uses ``demo_con``.
"""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator

import pytest

from data.filters import Filter
from data.store import connect
from report.pdf import render_images
from report.slides import Briefing, build_briefing

PERIOD = Filter(date_from=dt.date(2026, 8, 1), date_to=dt.date(2026, 10, 31))
NOW = dt.datetime(2026, 11, 29, 8, 0)

Drawn = Callable[[str], tuple[Briefing, dict[str, bytes]]]


@pytest.fixture(scope="session")
def period() -> Filter:
    return PERIOD


@pytest.fixture(scope="session")
def shared_con(demo_db_template, tmp_path_factory) -> Iterator:
    """A copy of the demo store for tests that only read it (never write through this connection)."""
    path = tmp_path_factory.mktemp("shared-demo") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    con = connect(path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def drawn(shared_con) -> Drawn:
    """``drawn(lang)``: the briefing of :data:`PERIOD` (no comparison, made at :data:`NOW`) and its images
    (``render_images``), built once per language; tests read them and never change them."""
    done: dict[str, tuple[Briefing, dict[str, bytes]]] = {}

    def get(lang: str) -> tuple[Briefing, dict[str, bytes]]:
        if lang not in done:
            b = build_briefing(shared_con, PERIOD, lang=lang, compare_to=False, now=NOW)
            done[lang] = (b, render_images(b))
        return done[lang]

    return get
