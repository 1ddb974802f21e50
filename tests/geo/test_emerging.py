import esda
import h3.api.basic_int as h3i
import libpysal
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.stats import norm

from geo.emerging import (
    CATEGORIES,
    EMERGING_COLUMNS,
    classify_patterns,
    emerging_hotspots,
    slice_codes,
    space_time_counts,
    space_time_gi,
)
from geo.h3grid import ring1_neighbours
from geo.hotspots import gi_star, star_weights

T = 20
H, C, NIL = 3.0, -3.0, 0.0  # significant hot, significant cold, nothing


def series(*pairs):
    """A z series that is 0 except at the given (index or slice, value) pairs."""
    r = np.full(T, NIL)
    for idx, v in pairs:
        r[idx] = v
    return r


PLANTED = {
    "new_hot": series((19, H)),
    "consecutive_hot": series((slice(16, 20), H)),
    "intensifying_hot": 2.5 + 0.2 * np.arange(T),
    "persistent_hot": 3 + 0.1 * (-1.0) ** np.arange(T),
    "diminishing_hot": 6 - 0.15 * np.arange(T),
    "sporadic_hot": series((3, H), (8, H), (9, H), (19, H)),
    "oscillating_hot": series((2, C), (10, H), (19, H)),
    "historical_hot": series((slice(0, 19), H)),
    "new_cold": series((19, C)),
    "consecutive_cold": series((slice(17, 20), C)),
    "intensifying_cold": -2.5 - 0.2 * np.arange(T),
    "persistent_cold": -3 - 0.1 * (-1.0) ** np.arange(T),
    "diminishing_cold": -6 + 0.15 * np.arange(T),
    "sporadic_cold": series((5, C), (19, C)),
    "oscillating_cold": series((4, H), (7, C), (19, C)),
    "historical_cold": np.r_[np.full(18, C), NIL, NIL],
    "no_pattern": series((5, H), (6, C)),
}


def classify(z):
    z = np.atleast_2d(z)
    return classify_patterns(z, 2 * norm.sf(np.abs(z)))


@pytest.mark.parametrize("expected", sorted(PLANTED))
def test_planted_pattern_gets_its_category(expected):
    out = classify(PLANTED[expected])
    assert out.loc[0, "category"] == expected
    assert out.loc[0, "n_slices"] == T


def test_every_category_is_planted():
    assert set(PLANTED) == set(CATEGORIES)


def test_ninety_percent_rule_and_precedence():
    gaps2 = series((slice(0, 20), H), (4, NIL), (11, NIL))  # 18/20 = 90 % hot, final hot
    gaps3 = series((slice(0, 20), H), (4, NIL), (11, NIL), (15, NIL))  # 85 %
    hist_then_cold = series((slice(0, 19), H), (19, C))  # historical hot but a new cold spot now
    cold_then_hot = series((4, C), (19, H))  # new hot wins over oscillating (first rule in order)
    out = classify(np.vstack([gaps2, gaps3, hist_then_cold, cold_then_hot]))
    assert out["category"].str.endswith("_hot").tolist()[:2] == [True, True]
    assert out.loc[0, "category"] in {"persistent_hot", "intensifying_hot", "diminishing_hot"}
    assert out.loc[1, "category"] == "sporadic_hot"
    assert out.loc[2, "category"] == "new_cold"
    assert out.loc[3, "category"] == "new_hot"
    assert out.loc[0, "share_hot"] == pytest.approx(0.9)


def test_trend_columns_are_mann_kendall_of_z():
    from scipy.stats import kendalltau
    z = PLANTED["intensifying_hot"] + np.sin(np.arange(T))
    out = classify(z)
    ref = kendalltau(np.arange(T), z)
    assert out.loc[0, "trend_tau"] == pytest.approx(ref.statistic)
    assert out.loc[0, "trend_p"] == pytest.approx(ref.pvalue)
    assert out.loc[0, "last_z"] == z[-1]


def test_slice_codes_weeks_start_monday_and_quarters():
    t = pd.Series(pd.to_datetime(["2023-12-31", "2024-01-01", "2024-01-07", "2024-01-08", "2024-03-31", "2024-04-01"]))
    w = slice_codes(t, period="week")
    assert w[1] == w[2] and w[0] == w[1] - 1 and w[3] == w[1] + 1
    q = slice_codes(t, period="quarter")
    assert q[4] == q[1] and q[5] == q[1] + 1 and q[0] == q[1] - 1
    with pytest.raises(ValueError, match="period"):
        slice_codes(t, period="day")
    with pytest.raises(TypeError, match="datetime64"):
        slice_codes(pd.Series(["2024-01-01"]), period="month")


def test_space_time_counts_keeps_empty_slices(study_cells, make_incidents, points_in_cells):
    lat, lon = points_in_cells(study_cells[:2], [1, 2])
    inc = make_incidents(lat, lon, when=["2024-01-05", "2024-04-20", "2024-04-30"])
    cells, starts, counts = space_time_counts(inc, study_cells, period="month")
    assert [str(s) for s in starts] == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    assert counts.sum() == 3 and counts[0].tolist() == [1, 0, 0, 0] and counts[1].tolist() == [0, 0, 0, 2]
    _, starts, counts = space_time_counts(inc, study_cells, period="month", start="2024-02-01", end="2024-06-30")
    assert len(starts) == 5 and counts.sum() == 2


def test_space_time_gi_per_slice_equals_gi_star(study_cells):
    y = np.random.default_rng(0).poisson(2, (len(study_cells), 6))
    z, p = space_time_gi(y, star_weights(study_cells, res=7))
    for t in range(6):
        np.testing.assert_allclose(z[:, t], gi_star(y[:, t], ring1_neighbours(study_cells))[0])


def test_time_neighbour_cube_equals_esda_on_space_time_weights(study_cells):
    cells = study_cells[:60]
    a = ring1_neighbours(cells)
    n, t = len(cells), 5
    y = np.random.default_rng(1).poisson(3, (n, t))
    lag = sp.diags(np.ones(t - 1), -1)  # bin t sees bin t-1
    w_st = (sp.kron(a, sp.eye(t)) + sp.kron(sp.eye(n), lag)).tocsr()  # row index i*t + s
    w = libpysal.weights.WSP(w_st).to_W(silence_warnings=True)
    ref = esda.G_Local(y.ravel().astype(float), w, transform="B", star=True, permutations=0)
    z, _ = space_time_gi(y, star_weights(cells, res=7), time_neighbour=True)
    np.testing.assert_allclose(z.ravel(), ref.Zs, atol=1e-6)
    with pytest.raises(ValueError, match="cube"):
        space_time_gi(y, star_weights(cells, res=7), time_neighbour=True, reference="slice")


def _cluster(cells, k):
    centre = int(cells[k])
    return np.searchsorted(cells, np.array(sorted(h3i.grid_disk(centre, 1)), dtype=np.uint64))


def test_emerging_hotspots_end_to_end(study_cells, make_incidents, points_in_cells):
    rng = np.random.default_rng(42)
    n, months = len(study_cells), 12
    counts = rng.poisson(1.0, (n, months))
    new, steady = _cluster(study_cells, n // 3), _cluster(study_cells, 2 * n // 3)
    counts[new, -1] = 20
    counts[steady, :] = 15
    lat, lon, when = [], [], []
    for m in range(months):
        a, b = points_in_cells(study_cells, counts[:, m])
        lat.append(a)
        lon.append(b)
        when += [f"2024-{m + 1:02d}-10"] * len(a)
    inc = make_incidents(np.concatenate(lat), np.concatenate(lon), when=when)
    out = emerging_hotspots(inc, study_cells, res=7, period="month")
    assert list(out.columns) == EMERGING_COLUMNS
    assert out.attrs["slices"][0] == "2024-01-01" and (out["n_slices"] == 12).all()
    assert out.loc[n // 3, "category"] == "new_hot"
    assert out.loc[2 * n // 3, "category"] == "persistent_hot"
    assert out.loc[2 * n // 3, "share_hot"] == 1.0
    assert out["category"].isin(CATEGORIES).all()


def test_emerging_hotspots_empty(study_cells, make_incidents):
    out = emerging_hotspots(make_incidents([], []), study_cells)
    assert list(out.columns) == EMERGING_COLUMNS and len(out) == 0
