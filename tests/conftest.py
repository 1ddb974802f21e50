"""Shared fixtures: a small demo store built once per session, fresh in-memory stores."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from data.demo import build_demo
from data.store import connect

DEMO_END = dt.date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """A demo store (3,000 incidents, fixed seed and end date) built once; copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, incidents=3000, seed=233, end=DEMO_END)
    return path


@pytest.fixture()
def demo_db(demo_db_template, tmp_path) -> Path:
    """A private, writable copy of the demo store."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture()
def demo_con(demo_db):
    con = connect(demo_db)
    yield con
    con.close()


@pytest.fixture()
def empty_con():
    con = connect(":memory:")
    yield con
    con.close()
