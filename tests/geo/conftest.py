"""Tiny in-memory fixtures for geo/ tests; every geometry has an explicit CRS (EPSG:4326)."""

import geopandas as gpd
import h3.api.basic_int as h3i
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo.h3grid import cells_covering, points_to_cells


@pytest.fixture
def study_box():
    """About 30 km x 30 km around Lao Bảo, EPSG:4326."""
    return box(106.45, 16.48, 106.75, 16.75)


@pytest.fixture
def study_cells(study_box):
    return cells_covering(study_box, res=7)


def _make_incidents(lat, lon, when=None, **cols):
    """Incidents DataFrame following the store contract (h3_9 computed here)."""
    lat = np.asarray(lat, float)
    lon = np.asarray(lon, float)
    n = lat.size
    when = pd.to_datetime(["2024-01-15"] * n) if when is None else pd.to_datetime(when)
    df = pd.DataFrame({"id": [f"I{i}" for i in range(n)], "occurred_at": when, "article": "250",
                       "drug": cols.pop("drug", "heroin"), "quantity_g": cols.pop("quantity_g", np.nan),
                       "tablets": cols.pop("tablets", np.nan), "persons": 1, "station_id": "S1",
                       "lon": lon, "lat": lat}, index=cols.pop("index", None))
    df["h3_9"] = points_to_cells(lat, lon, res=9)
    return df


def _points_in_cells(cells, counts):
    """lat/lon of counts[i] points at (near) the centre of cells[i] (res 9 child centres)."""
    lat, lon = [], []
    for c, k in zip(np.asarray(cells).tolist(), np.asarray(counts).tolist(), strict=True):
        centre = h3i.cell_to_center_child(int(c), 9)
        a, b = h3i.cell_to_latlng(centre)
        lat += [a] * int(k)
        lon += [b] * int(k)
    return np.array(lat), np.array(lon)


@pytest.fixture
def border():
    """A short north-to-south line near Lao Bảo, EPSG:4326 (lon, lat)."""
    return LineString([(106.55, 16.75), (106.58, 16.65), (106.62, 16.55)])


@pytest.fixture
def crossings():
    return gpd.GeoDataFrame({"id": ["C1", "C2"], "name": ["Lao Bảo", "Thanh"],
                             "kind": ["international", "secondary"]},
                            geometry=[Point(106.58, 16.65), Point(106.56, 16.72)], crs="EPSG:4326")


@pytest.fixture
def trails():
    return gpd.GeoDataFrame({"id": ["T1"], "name": ["trail"], "kind": ["trail"]},
                            geometry=[LineString([(106.60, 16.60), (106.66, 16.60)])], crs="EPSG:4326")


@pytest.fixture
def make_incidents():
    """Factory: ``make_incidents(lat, lon, when=None, **columns)``."""
    return _make_incidents


@pytest.fixture
def points_in_cells():
    """Factory: ``points_in_cells(cells, counts) -> (lat, lon)``."""
    return _points_in_cells
