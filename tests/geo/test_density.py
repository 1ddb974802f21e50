import h3.api.basic_int as h3i
import numpy as np
import pandas as pd
import pytest
from scipy.stats import gaussian_kde

from geo.density import TABLET_G, h3_counts, kde_bandwidth, kde_contours


def test_h3_counts_equals_groupby_of_h3_parents(make_incidents):
    rng = np.random.default_rng(0)
    lat, lon = rng.uniform(16.5, 16.7, 300), rng.uniform(106.5, 106.7, 300)
    qty = np.where(rng.random(300) < 0.3, np.nan, rng.uniform(1, 50, 300))
    tabs = np.where(np.isnan(qty), rng.integers(1, 1000, 300), np.nan)
    inc = make_incidents(lat, lon, quantity_g=qty, tablets=tabs)
    out = h3_counts(inc, res=7, weight="grams_equivalent", tablet_g=0.2)
    # parent of the resolution-9 cell, as the store does (not latlng_to_cell at 7: H3 is not exactly nested)
    parent = [h3i.cell_to_parent(h3i.latlng_to_cell(a, b, 9), 7) for a, b in zip(lat, lon, strict=True)]
    ref = pd.DataFrame({"h3": [format(c, "x") for c in parent],
                        "g": np.nan_to_num(qty) + np.nan_to_num(tabs) * 0.2})
    ref = ref.groupby("h3").agg(count=("g", "size"), grams_equivalent=("g", "sum")).reset_index()
    assert out["h3"].tolist() == ref["h3"].tolist()
    assert out["count"].tolist() == ref["count"].tolist()
    np.testing.assert_allclose(out["grams_equivalent"], ref["grams_equivalent"])
    assert out["count"].sum() == 300


def test_h3_counts_weights_and_lat_lon_path(make_incidents):
    inc = make_incidents([16.6] * 3, [106.6] * 3, quantity_g=[1.0, np.nan, 2.5], tablets=[np.nan, 10, 5])
    assert h3_counts(inc, res=7, weight="quantity_g")["quantity_g"].tolist() == [3.5]
    assert h3_counts(inc, res=7, weight="tablets")["tablets"].tolist() == [15.0]
    assert h3_counts(inc, res=7, weight="grams_equivalent")["grams_equivalent"].tolist() == [3.5 + 15 * TABLET_G]
    fine = h3_counts(inc.drop(columns="h3_9"), res=10)
    assert fine["h3"].tolist() == [format(h3i.latlng_to_cell(16.6, 106.6, 10), "x")] and fine["count"].tolist() == [3]


def test_h3_counts_empty_and_errors(make_incidents):
    out = h3_counts(make_incidents([], []), weight="quantity_g")
    assert list(out.columns) == ["h3", "count", "quantity_g"] and len(out) == 0
    with pytest.raises(ValueError, match="weight must be"):
        h3_counts(make_incidents([], []), weight="persons")
    with pytest.raises(TypeError, match="DataFrame"):
        h3_counts(np.zeros(3))


def test_bandwidth_is_scott_rule_like_scipy():
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 3000, 500), rng.normal(0, 3000, 500)
    kde = gaussian_kde(np.vstack([x, y]))  # Scott: covariance × n^(-2/6)
    expect = np.sqrt(np.trace(kde.covariance) / 2)
    assert kde_bandwidth(x, y) == pytest.approx(expect, rel=1e-9)


def test_kde_contours_of_a_point_mass_match_gaussian_theory(make_incidents):
    # n coincident points, bandwidth h: the q-mass region is a disc of radius h·sqrt(-2 ln(1-q))
    # and its edge density is n (1-q) / (2π h²).
    n, h = 10, 2000.0
    inc = make_incidents(np.full(n, 16.6), np.full(n, 106.6))
    out = kde_contours(inc, bandwidth_m=h, levels=(0.5, 0.9), cell_m=100)
    assert out.crs.to_epsg() == 4326 and out["level"].tolist() == [0.9, 0.5]
    area = out.to_crs("EPSG:32648").area.to_numpy()
    for q, a, d in zip(out["level"], area, out["density"], strict=True):
        assert a == pytest.approx(np.pi * h * h * -2 * np.log(1 - q), rel=0.03)
        assert d == pytest.approx(n * (1 - q) / (2 * np.pi * h * h) * 1e6, rel=0.03)
    assert out.geometry.iloc[0].contains(out.geometry.iloc[1].buffer(-1e-6))


def test_kde_contours_find_the_planted_cluster(make_incidents):
    rng = np.random.default_rng(2)
    lat = np.r_[rng.normal(16.62, 0.01, 300), rng.uniform(16.4, 16.9, 100)]
    lon = np.r_[rng.normal(106.60, 0.01, 300), rng.uniform(106.4, 106.9, 100)]
    out = kde_contours(make_incidents(lat, lon))
    from shapely.geometry import Point
    core = out.loc[out["level"] == 0.5].geometry.iloc[0]
    assert core.contains(Point(106.60, 16.62)) and not core.contains(Point(106.85, 16.45))
    assert out["density"].is_monotonic_increasing  # tighter level, higher threshold


def test_kde_contours_empty_and_checks(make_incidents):
    out = kde_contours(make_incidents([16.6], [106.6]))
    assert len(out) == 0 and list(out.columns) == ["level", "density", "geometry"] and out.crs.to_epsg() == 4326
    with pytest.raises(ValueError, match="levels"):
        kde_contours(make_incidents([16.6, 16.7], [106.6, 106.7]), levels=(0.5, 1.0))
