from itertools import pairwise

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from geo.corridor import border_chainage, counts_near, incident_proximity, north_first

GEOD = Geod(ellps="WGS84")


def geodesic_distance_to_line(lon, lat, line, step_m=5.0):
    """Independent reference: min ellipsoidal distance to a densely resampled line."""
    pts = []
    for (a, b), (c, d) in pairwise(line.coords):
        n = int(GEOD.inv(a, b, c, d)[2] / step_m) + 1
        pts += [(a, b)] + GEOD.npts(a, b, c, d, n) + [(c, d)]
    pts = np.array(pts)
    out = []
    for x, y in zip(lon, lat, strict=True):
        out.append(GEOD.inv(np.full(len(pts), x), np.full(len(pts), y), pts[:, 0], pts[:, 1])[2].min())
    return np.array(out)


@pytest.fixture
def scattered(make_incidents):
    rng = np.random.default_rng(0)
    return make_incidents(rng.uniform(16.55, 16.75, 40), rng.uniform(106.50, 106.70, 40), index=np.arange(100, 140))


def test_distances_match_geodesic_reference(scattered, border, crossings, trails):
    out = incident_proximity(scattered, border=border, crossings=crossings, trails=trails)
    assert out.index.equals(scattered.index)
    ref = geodesic_distance_to_line(scattered["lon"], scattered["lat"], border)
    np.testing.assert_allclose(out["border_m"], ref, rtol=1e-3, atol=3.0)  # UTM scale error < 0.1 %
    d = np.array([[GEOD.inv(x, y, p.x, p.y)[2] for p in crossings.geometry]
                  for x, y in zip(scattered["lon"], scattered["lat"], strict=True)])
    assert out["crossing_id"].tolist() == crossings["id"].to_numpy()[d.argmin(axis=1)].tolist()
    np.testing.assert_allclose(out["crossing_m"], d.min(axis=1), rtol=1e-3, atol=1.0)
    tref = geodesic_distance_to_line(scattered["lon"], scattered["lat"], trails.geometry.iloc[0])
    np.testing.assert_allclose(out["trail_m"], tref, rtol=1e-3, atol=3.0)
    assert (out["trail_id"] == "T1").all()


def test_chainage_runs_from_north_end_whatever_the_line_direction(make_incidents, border):
    length_km = sum(GEOD.inv(a, b, c, d)[2] for (a, b), (c, d) in pairwise(border.coords)) / 1000
    north, south = border.coords[0], border.coords[-1]
    inc = make_incidents([north[1], south[1]], [north[0], south[0]])
    reversed_border = LineString(border.coords[::-1])
    for line in (border, reversed_border):
        out = incident_proximity(inc, border=line)
        assert out["chainage_km"].iloc[0] == pytest.approx(0, abs=1e-6)
        assert out["chainage_km"].iloc[1] == pytest.approx(length_km, rel=1e-3)
        assert out["crossing_id"].isna().all() and out["trail_m"].isna().all()
    assert north_first(reversed_border).equals(border)


def test_border_chainage_counts_per_km(make_incidents, border):
    # points placed on the line at known geodesic distances from the north end
    (a, b), (c, d) = border.coords[0], border.coords[1]
    az = GEOD.inv(a, b, c, d)[0]
    km = np.array([0.4, 1.5, 1.7, 10.2])
    lon, lat, _ = GEOD.fwd(np.full(4, a), np.full(4, b), np.full(4, az), km * 1000)
    inc = make_incidents(lat, lon)
    out = border_chainage(inc, border)
    assert out["count"].sum() == 4
    assert out.loc[[0, 1, 10], "count"].tolist() == [1, 2, 1]
    assert out["km_from"].iloc[-1] < out["km_to"].iloc[-1] <= out["km_from"].iloc[-1] + 1
    assert border_chainage(inc, border, km=5)["count"].tolist()[:3] == [3, 0, 1]
    far = make_incidents([16.65], [106.9])
    assert border_chainage(far, border, max_distance_m=5000)["count"].sum() == 0


def test_counts_near_match_brute_force(scattered, crossings, trails):
    out = counts_near(scattered, crossings, buffer_m=5000)
    assert out.columns.tolist() == ["id", "name", "kind", "count"] and out.index.equals(crossings.index)
    for i, p in enumerate(crossings.geometry):
        d = GEOD.inv(scattered["lon"], scattered["lat"], np.full(len(scattered), p.x), np.full(len(scattered), p.y))[2]
        assert out["count"].iloc[i] == (d <= 5000).sum()
    t = counts_near(scattered, trails)
    ref = geodesic_distance_to_line(scattered["lon"], scattered["lat"], trails.geometry.iloc[0])
    assert t["count"].iloc[0] == (ref <= 2000).sum()


def test_missing_coordinates_and_checks(make_incidents, border, crossings):
    inc = make_incidents([16.6, 16.6], [106.6, 106.6])
    inc.loc[inc.index[1], "lon"] = np.nan
    out = incident_proximity(inc, border=border, crossings=crossings)
    assert np.isfinite(out["border_m"].iloc[0]) and np.isnan(out["border_m"].iloc[1])
    assert pd.isna(out["crossing_id"].iloc[1])
    with pytest.raises(TypeError, match="LineString"):
        incident_proximity(inc, border=Polygon([(0, 0), (1, 0), (1, 1)]))
    with pytest.raises(ValueError, match="no CRS"):
        counts_near(inc, gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(106.6, 16.6)]))
    with pytest.raises(ValueError, match="EPSG:4326"):
        incident_proximity(inc, border=LineString([(500000, 1800000), (510000, 1810000)]))
    with pytest.raises(ValueError, match="lon"):
        incident_proximity(pd.DataFrame({"x": [1]}), border=border)
    empty = incident_proximity(make_incidents([], []), border=border, crossings=crossings)
    assert len(empty) == 0 and "crossing_m" in empty.columns


@pytest.mark.parametrize("grid_m", [50.0, 250.0, 5000.0])
def test_segment_grid_search_equals_shapely_distance_and_locate(grid_m):
    import shapely

    from geo.corridor import _locate
    s = np.linspace(0, 1, 300)
    wiggly = LineString(np.c_[s * 150_000, 20_000 * np.sin(s * 40) + 3000 * np.cos(s * 170)])
    rng = np.random.default_rng(4)
    pts = np.array(list(Point(x, y) for x, y in zip(rng.uniform(-30_000, 180_000, 3000),
                                                      rng.uniform(-60_000, 60_000, 3000), strict=True)), dtype=object)
    d, pos = _locate(wiggly, shapely.get_coordinates(pts), grid_m=grid_m, chunk=700)
    np.testing.assert_allclose(d, shapely.distance(wiggly, pts), atol=1e-6)
    np.testing.assert_allclose(pos, shapely.line_locate_point(wiggly, pts), atol=1e-6)


def test_nearest_feature_equals_shapely_brute_force():
    import shapely

    from geo.corridor import _nearest
    rng = np.random.default_rng(9)
    feats = gpd.GeoDataFrame(
        {"id": ["p1", "l1", "m1", "p2"]},
        geometry=[Point(1000, 1000), LineString([(0, 5000), (8000, 7000), (9000, 2000)]),
                  shapely.MultiLineString([[(-3000, -3000), (-1000, -4000)], [(6000, -2000), (7000, -6000)]]),
                  Point(4000, 3000)], crs="EPSG:32648")
    xy = np.c_[rng.uniform(-8000, 12000, 2000), rng.uniform(-9000, 9000, 2000)]
    ids, dist = _nearest(xy, np.ones(len(xy), bool), feats)
    full = np.column_stack([shapely.distance(g, shapely.points(xy)) for g in feats.geometry])
    np.testing.assert_allclose(dist, full.min(axis=1), atol=1e-6)
    assert (ids == feats["id"].to_numpy()[full.argmin(axis=1)]).all()
