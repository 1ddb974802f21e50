"""geo.tracks and geo.coverage: pure rules on tiny arrays, with a property test for the effort split."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString, Point

from geo import coverage as C
from geo import tracks as T

GEOD = Geod(ellps="WGS84")


def test_step_lengths_agree_with_the_ellipsoid():
    lon, lat = [106.60, 106.61, 106.63], [16.60, 16.61, 16.60]
    assert T.step_lengths_m(lon, lat).sum() == pytest.approx(GEOD.line_length(lon, lat), rel=3e-3)


def test_check_tracks_reasons_and_point_indexes():
    t = np.array([0, 0, 0, 1, 2, 2, 2, 3, 3])
    p = np.zeros(9, int)
    lon = np.array([106.6, 106.601, 106.602, 106.6, 106.6, 106.7, 106.701, 106.6, 106.601])
    lat = np.full(9, 16.6)
    tm = np.array(["2024-01-01T08:00", "2024-01-01T08:01", "2024-01-01T08:00:30", "2024-01-01T08:00",
                   "2024-01-01T08:00", "2024-01-01T08:01", "2024-01-01T08:02", "2024-01-01T08:00", "NaT"],
                  dtype="datetime64[s]")
    out = T.check_tracks(t, p, lon, lat, tm)
    got = {(r.track, None if pd.isna(r.point) else int(r.point), r.reason) for r in out.itertuples()}
    # track 2: 10.7 km in 60 s = 640 km/h at point 2
    assert got == {(0, 3, "time_backwards"), (1, None, "too_few_points"), (2, 2, "too_fast"), (3, 2, "mixed_times")}


def test_segments_are_not_joined_for_speed_or_effort():
    t = np.zeros(4, int)
    p = np.array([0, 0, 1, 1])
    lon = np.array([106.60, 106.601, 106.70, 106.701])      # 10 km gap between the parts
    lat = np.full(4, 16.6)
    tm = np.array(["2024-01-01T08:00", "2024-01-01T08:01", "2024-01-01T08:02", "2024-01-01T08:03"],
                  dtype="datetime64[s]")
    assert T.check_tracks(t, p, lon, lat, tm).empty
    eff = T.track_effort(t, p, lon, lat, tm)
    assert eff["km"].sum() == pytest.approx(2 * T.step_lengths_m([106.6, 106.601], [16.6, 16.6])[0] / 1000)
    assert eff["hours"].sum() == pytest.approx(2 / 60)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-0.02, 0.02), st.floats(-0.02, 0.02)), min_size=2, max_size=30),
       st.integers(5, 120))
def test_effort_sums_to_the_track_length_and_duration(offsets, every_s):
    lon = 106.6 + np.array([o[0] for o in offsets])
    lat = 16.6 + np.array([o[1] for o in offsets])
    n = lon.size
    tm = np.datetime64("2024-01-01T08:00", "s") + np.arange(n) * np.timedelta64(every_s, "s")
    eff = T.track_effort(np.zeros(n, int), np.zeros(n, int), lon, lat, tm)
    assert eff["km"].sum() == pytest.approx(T.step_lengths_m(lon, lat).sum() / 1000, rel=1e-9, abs=1e-12)
    assert eff["hours"].sum() == pytest.approx((n - 1) * every_s / 3600)
    assert (eff["day"] == np.datetime64("2024-01-01")).all()


def test_coverage_table_gap_rule_and_rates():
    cells = np.array([0x874161058ffffff, 0x874161059ffffff, 0x87416105affffff], dtype=np.uint64)
    h = [format(int(c), "x") for c in cells]
    cov = pd.DataFrame({"cell": cells[:2], "patrol_km": [20.0, 2.0], "patrol_hours": [5.0, 1.0],
                        "patrol_days": [4, 1], "patrols": [4, 1],
                        "last_patrol": pd.to_datetime(["2024-03-10", "2024-03-02"])})
    hot = pd.DataFrame({"h3": h, "count": [10, 3, 7], "z": [3.0, 2.2, 4.0], "bin": [3, 2, 1]})
    em = pd.DataFrame({"h3": h, "category": ["persistent_hot", "no_pattern", "new_hot"]})
    t = C.coverage_table(cov, hot, emerging=em, min_days=2, min_km=5).set_index("h3")
    assert list(t["gap"]) == [False, True, True]                 # 3rd: bin 1 but new_hot, never patrolled
    assert list(t["reason"]) == ["", "few_patrol_days", "no_patrol"]
    assert t["incidents_per_10km"].iloc[0] == pytest.approx(5.0)
    assert np.isnan(t["incidents_per_10km"].iloc[1]) and t["effort"].iloc[1] == "too_little_effort"
    assert list(C.hot_gaps(t.reset_index())["h3"]) == [h[2], h[1]]
    empty = C.coverage_table(C.cell_coverage(pd.DataFrame(columns=["patrol_id", "h3_9", "day", "km", "hours"])),
                             hot.iloc[:0])
    assert list(empty.columns[:9]) == C.COVERAGE_COLUMNS and empty.empty


def test_patrols_near_and_stale_places():
    places = gpd.GeoDataFrame({"id": ["x", "y"], "name": ["X", "Y"]},
                              geometry=[Point(106.6, 16.6), Point(106.8, 16.6)], crs=4326)
    ended = pd.to_datetime(["2024-03-01 10:00", "2024-03-20 09:00"])
    tracks = gpd.GeoDataFrame({"id": ["p1", "p2"], "ended_at": ended},
                              geometry=[LineString([(106.6, 16.603), (106.61, 16.603)]),     # ~330 m from X
                                        LineString([(106.6, 16.61), (106.61, 16.61)])],      # ~1.1 km from X
                              crs=4326)
    near = C.patrols_near(places, tracks, buffer_m=500, as_of=pd.Timestamp("2024-03-31"))
    assert list(near["patrols"]) == [1, 0]
    assert near["days_since"].iloc[0] == 30 and np.isnan(near["days_since"].iloc[1])
    assert list(C.stale_places(near, max_days=20)["id"]) == ["y", "x"]
    assert list(C.stale_places(near, max_days=30)["id"]) == ["y"]
    wide = C.patrols_near(places, tracks, buffer_m=1500, as_of=pd.Timestamp("2024-03-31"))
    assert wide["patrols"].iloc[0] == 2 and wide["days_since"].iloc[0] == 11
