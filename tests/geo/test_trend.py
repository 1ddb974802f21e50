import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import kendalltau

from geo.trend import mann_kendall


def reference_mk(x):
    """Textbook Mann-Kendall written out pair by pair (asymptotic p, tie-corrected)."""
    from math import erfc, sqrt
    n = len(x)
    s = sum(np.sign(x[j] - x[i]) for i in range(n) for j in range(i + 1, n))
    _, counts = np.unique(x, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in counts)) / 18
    n0 = n * (n - 1) / 2
    n2 = sum(t * (t - 1) / 2 for t in counts)
    return s / sqrt(n0 * (n0 - n2)), erfc(abs(s) / sqrt(var) / sqrt(2))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(2, 60))
def test_mann_kendall_equals_scipy_kendalltau(data, n):
    rows = data.draw(st.lists(st.lists(st.integers(-4, 4) | st.floats(-5, 5, allow_nan=False),
                                       min_size=n, max_size=n), min_size=1, max_size=5))
    x = np.array(rows, dtype=float)
    tau, p = mann_kendall(x)
    for i, row in enumerate(x):
        ref = kendalltau(np.arange(n), row)
        if np.isnan(ref.statistic):
            assert np.isnan(tau[i]) and np.isnan(p[i])
        else:
            assert tau[i] == pytest.approx(ref.statistic, abs=1e-12)
            assert p[i] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)


def test_mann_kendall_equals_textbook_formula_with_ties():
    rng = np.random.default_rng(0)
    x = np.round(rng.normal(size=(50, 36)), 1)  # 36 slices: asymptotic, many ties
    tau, p = mann_kendall(x)
    for i in range(50):
        rt, rp = reference_mk(x[i])
        assert tau[i] == pytest.approx(rt, abs=1e-12) and p[i] == pytest.approx(rp, rel=1e-9)


def test_mann_kendall_monotone_and_constant():
    tau, p = mann_kendall(np.array([np.arange(12.0), -np.arange(12.0), np.full(12, 3.0)]))
    np.testing.assert_allclose(tau[:2], [1.0, -1.0])
    assert p[0] == pytest.approx(2 / 479001600)  # exact: only 1 of 12! orderings is this monotone
    assert np.isnan(tau[2]) and np.isnan(p[2])


def test_mann_kendall_input_checks():
    with pytest.raises(ValueError, match="2-D"):
        mann_kendall([1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        mann_kendall([[1, np.nan, 3]])
