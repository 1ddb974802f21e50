import esda
import h3.api.basic_int as h3i
import libpysal
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import false_discovery_control, norm

from geo.h3grid import cells_to_str, ring1_neighbours
from geo.hotspots import HOTSPOT_COLUMNS, gi_bins, gi_star, hotspots, star_weights


def esda_gi_star(y, adjacency):
    """Reference: esda G_Local with binary weights, self added by esda (star=True)."""
    w = libpysal.weights.WSP(sp.csr_matrix(adjacency)).to_W(silence_warnings=True)
    return esda.G_Local(np.asarray(y, float), w, transform="B", star=True, permutations=0)


def test_gi_star_equals_esda_g_local(study_cells):
    a = ring1_neighbours(study_cells)
    y = np.random.default_rng(4).poisson(3, len(study_cells))
    z, p = gi_star(y, a)
    ref = esda_gi_star(y, a)
    np.testing.assert_allclose(z, ref.Zs, atol=1e-6)
    np.testing.assert_allclose(p, 2 * ref.p_norm, atol=1e-9)  # esda reports one-sided p_norm


def test_gi_star_by_hand_formula():
    # path graph 0-1-2-3; z_0 = (18 - 4.75*2) / (S * sqrt((4*2 - 4) / 3)), S² = 165/4 - 4.75²
    w = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
    z, p = gi_star([10, 8, 1, 0], w)
    s = np.sqrt(165 / 4 - 4.75**2)
    assert z[0] == pytest.approx(8.5 / (s * np.sqrt(4 / 3)))
    assert p[0] == pytest.approx(2 * norm.sf(z[0]))
    # a diagonal given in w is ignored (self is always 1)
    z2, _ = gi_star([10, 8, 1, 0], w + np.eye(4, dtype=int))
    np.testing.assert_allclose(z, z2)


def test_gi_star_column_wise_equals_separate_calls(study_cells):
    a = ring1_neighbours(study_cells)
    y = np.random.default_rng(5).poisson(2, (len(study_cells), 4))
    z, _ = gi_star(y, a)
    for t in range(4):
        np.testing.assert_allclose(z[:, t], gi_star(y[:, t], a)[0])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_gi_star_invariant_under_cell_permutation(seed):
    rng = np.random.default_rng(seed)
    n = 30
    a = sp.random(n, n, density=0.15, random_state=seed, format="csr")
    a = ((a + a.T) > 0).astype(float)
    y = rng.poisson(2, n)
    perm = rng.permutation(n)
    z, p = gi_star(y, a)
    zp, pp = gi_star(y[perm], a[perm][:, perm])
    np.testing.assert_allclose(zp, z[perm], atol=1e-12)
    np.testing.assert_allclose(pp, p[perm], atol=1e-12)


def test_gi_star_degenerate_and_bad_input():
    w = np.ones((3, 3)) - np.eye(3)
    z, p = gi_star([2, 2, 2], w)
    assert z.tolist() == [0, 0, 0] and p.tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="binary"):
        gi_star([1, 2, 3], w * 0.5)
    with pytest.raises(ValueError, match="rows"):
        gi_star([1, 2], w)
    with pytest.raises(TypeError, match="scipy.sparse"):
        gi_star([1, 2, 3], [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="NaN"):
        gi_star([1, np.nan, 3], w)


def test_gi_bins_thresholds():
    z = np.array([3.0, 2.0, 1.7, 0.5, -1.7, -2.0, -3.0])
    p = 2 * norm.sf(np.abs(z))
    assert gi_bins(z, p).tolist() == [3, 2, 1, 0, -1, -2, -3]


def test_fdr_bins_match_esda_fdr_and_benjamini_hochberg():
    rng = np.random.default_rng(11)
    z = np.r_[rng.normal(0, 1, 400), rng.normal(3.2, 0.5, 40)]
    p = 2 * norm.sf(np.abs(z))
    bins = gi_bins(z, p, fdr=True)
    for level, alpha in zip((1, 2, 3), (0.10, 0.05, 0.01), strict=True):
        ours = np.abs(bins) >= level
        assert np.array_equal(ours, p < esda.fdr(p, alpha))
        assert np.array_equal(ours, false_discovery_control(p) <= alpha)
    assert (np.abs(bins) > 0).sum() < (np.abs(gi_bins(z, p)) > 0).sum()


def test_planted_hot_cluster_is_hot_99(study_cells, make_incidents, points_in_cells):
    rng = np.random.default_rng(2)
    counts = rng.poisson(1, len(study_cells))
    centre = len(study_cells) // 2
    cluster = [int(study_cells[centre])] + list(h3i.grid_ring(int(study_cells[centre]), 1))
    idx = np.searchsorted(study_cells, np.array(cluster, dtype=np.uint64))
    counts[idx] = 25
    inc = make_incidents(*points_in_cells(study_cells, counts))
    out = hotspots(inc, study_cells, res=7)
    assert list(out.columns) == HOTSPOT_COLUMNS
    assert out["count"].tolist() == counts.tolist()
    assert out.loc[centre, "bin"] == 3 and out.loc[centre, "z"] > 2.58
    assert (out.loc[idx, "bin"] > 0).all()
    far = out["bin"].to_numpy()[np.setdiff1d(np.arange(len(out)), idx)]
    assert (far < 3).mean() > 0.9


def test_planted_empty_region_among_busy_is_cold(study_cells, make_incidents, points_in_cells):
    counts = np.random.default_rng(3).poisson(12, len(study_cells))
    centre = len(study_cells) // 2
    hole = np.array(sorted(h3i.grid_disk(int(study_cells[centre]), 2)), dtype=np.uint64)
    counts[np.searchsorted(study_cells, hole)] = 0
    out = hotspots(make_incidents(*points_in_cells(study_cells, counts)), study_cells, res=7, fdr=True)
    assert out.loc[centre, "bin"] == -3 and out.loc[centre, "z"] < -2.58


def test_hotspots_matches_esda_and_ignores_outside(study_cells, make_incidents, points_in_cells):
    counts = np.random.default_rng(8).poisson(2, len(study_cells))
    lat, lon = points_in_cells(study_cells, counts)
    inc = make_incidents(np.r_[lat, 10.0], np.r_[lon, 105.0])  # one incident far away
    out = hotspots(inc, study_cells[::-1], res=7)  # order of study cells does not matter
    assert out.attrs["outside"] == 1
    assert out["h3"].tolist() == list(cells_to_str(study_cells))
    ref = esda_gi_star(counts, ring1_neighbours(study_cells))
    np.testing.assert_allclose(out["z"], ref.Zs, atol=1e-6)
    # without h3_9 the cells come from lat/lon
    out2 = hotspots(inc.drop(columns="h3_9"), study_cells, res=7)
    pd.testing.assert_frame_equal(out, out2)


def test_hotspots_empty_and_checks(study_cells, make_incidents):
    empty = make_incidents([], [])
    out = hotspots(empty, study_cells, res=7)
    assert (out["count"] == 0).all() and (out["bin"] == 0).all()
    none = hotspots(empty, np.array([], dtype=np.uint64), res=7)
    assert list(none.columns) == HOTSPOT_COLUMNS and len(none) == 0
    with pytest.raises(TypeError, match="DataFrame"):
        hotspots([1, 2], study_cells)
    with pytest.raises(ValueError, match="resolution 8"):
        hotspots(empty, study_cells, res=8)


def test_star_weights_cached_and_read_only(study_cells):
    w1 = star_weights(study_cells, res=7)
    assert star_weights(study_cells.copy(), res=7) is w1
    assert (w1.diagonal() == 1).all()
    with pytest.raises(ValueError):
        w1.data[0] = 5
