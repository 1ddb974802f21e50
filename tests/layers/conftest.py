"""Fixtures for the map tests: a read-only demo store and a store holding hostile text."""
from __future__ import annotations

import datetime as dt
import shutil

import geopandas as gpd
import pytest
from maptest import HOSTILE
from shapely.geometry import LineString, Point

from data.store import connect, insert_layer


@pytest.fixture(scope="session")
def layers_db(demo_db_template, tmp_path_factory):
    """A private copy of the session demo store (3,000 incidents), only ever opened read-only."""
    path = tmp_path_factory.mktemp("layers") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture(scope="session")
def layers_con(layers_db):
    """Read-only connection to :func:`layers_db`."""
    con = connect(layers_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def hostile_db(demo_db_template, tmp_path_factory):
    """The demo store plus a crossing, a trail, a village and an incident whose texts are HTML."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(demo_db_template, path)
    con = connect(path)
    crs = "EPSG:4326"
    insert_layer(con, "crossings", gpd.GeoDataFrame(
        [{"id": "X-HOSTILE", "name": HOSTILE, "kind": "opening", "facing": HOSTILE, "commune": "Thanh",
          "approximate": True}], geometry=[Point(106.62, 16.60)], crs=crs))
    insert_layer(con, "trails", gpd.GeoDataFrame(
        [{"id": "T-HOSTILE", "name": HOSTILE, "kind": "trail"}],
        geometry=[LineString([(106.60, 16.58), (106.63, 16.60)])], crs=crs))
    insert_layer(con, "villages", gpd.GeoDataFrame(
        [{"id": "V-HOSTILE", "name": HOSTILE, "commune": "Thanh", "district": "Hướng Hóa", "population": 10,
          "households": 2}], geometry=[Point(106.64, 16.61)], crs=crs))
    insert_layer(con, "incidents", gpd.GeoDataFrame(
        [{"id": "I-HOSTILE", "occurred_at": dt.datetime(2026, 11, 27, 12, 0), "article": "250",
          "drug": "heroin", "quantity_g": 12.5, "persons": 1, "description": HOSTILE}],
        geometry=[Point(106.61, 16.60)], crs=crs))
    con.close()
    return path


@pytest.fixture()
def hostile_con(hostile_db):
    con = connect(hostile_db, read_only=True)
    yield con
    con.close()
