"""Mann-Kendall trend test, vectorised over many series.

Each row of a ``(cells, slices)`` array is tested against its time index, the
way ArcGIS's Emerging Hot Spot Analysis tests a bin's z-score series. The
result equals ``scipy.stats.kendalltau(range(t), row)`` (tau-b and its
two-sided p, ``method="auto"``) row by row, without the Python loop.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from geo._types import FloatArray, IntArray

__all__ = ["mann_kendall"]


def _exact_two_sided(n: int, c: IntArray) -> FloatArray:
    """2·P(C ≤ c) for the number C of inversions of a random permutation of n.

    Mahonian recursion (Kendall 1970), truncated at max(c); the same recursion
    and scaling ``scipy.stats`` uses for its exact p-value.
    """
    if n <= 2:
        return np.ones(c.shape)
    cmax = int(c.max()) if c.size else 0
    new = np.zeros(cmax + 1)
    new[0:2] = 1.0
    for j in range(3, n + 1):
        new = np.cumsum(new) / j
        if j <= cmax:
            new[j:] -= new[: cmax + 1 - j].copy()
    prob = np.cumsum(new)[c]
    prob[4 * c == n * (n - 1)] = 1.0
    return np.asarray(np.clip(prob, 0.0, 1.0), dtype=np.float64)


def mann_kendall(series: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""Kendall tau-b of each row against time, and its two-sided p-value.

    .. math::

        S = \sum_{s<t} \operatorname{sgn}(x_t - x_s), \quad
        \tau_b = \frac{S}{\sqrt{n_0 (n_0 - n_2)}}, \quad
        \operatorname{Var}(S) = \frac{n(n-1)(2n+5) - \sum_g u_g(u_g-1)(2u_g+5)}{18}

    with :math:`n_0 = n(n-1)/2`, :math:`u_g` the sizes of groups of tied
    values and :math:`n_2 = \sum_g u_g(u_g-1)/2`. ``p = 2Φ(-|S|/√Var(S))``,
    except that a row without ties and with ``n <= 33`` (or with at most one
    discordant or concordant pair) gets the exact permutation p-value, as in
    ``scipy.stats.kendalltau(method="auto")``.

    Parameters
    ----------
    series : array_like, shape (m, n)
        One series per row, time running along the columns; finite values.

    Returns
    -------
    tau, p : numpy.ndarray, shape (m,)
        NaN for rows that are constant or shorter than 2.

    Examples
    --------
    >>> tau, p = mann_kendall([[1, 2, 3, 4, 5], [3, 1, 2, 2, 0]])
    >>> np.round(tau, 4).tolist(), np.round(p, 4).tolist()
    ([1.0, -0.527], [0.0167, 0.2065])
    """
    x = np.asarray(series, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"series must be 2-D (rows = series, columns = time), got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("series holds NaN or infinite values")
    m, n = x.shape
    tau = np.full(m, np.nan)
    p = np.full(m, np.nan)
    if n < 2 or m == 0:
        return tau, p
    s = np.zeros(m)
    ties = np.zeros(m)  # tied pairs
    group = np.ones((m, n))  # size of the tie group each value belongs to
    for k in range(1, n):
        later, earlier = x[:, k:], x[:, :-k]
        s += np.sign(later - earlier).sum(axis=1)
        eq = later == earlier
        ties += eq.sum(axis=1)
        group[:, k:] += eq
        group[:, :-k] += eq
    tot = n * (n - 1) / 2.0
    y1 = ((group - 1) * (2 * group + 5)).sum(axis=1)
    var = (n * (n - 1) * (2 * n + 5) - y1) / 18.0
    ok = ties < tot
    with np.errstate(divide="ignore", invalid="ignore"):
        tau[ok] = np.clip(s[ok] / np.sqrt(tot) / np.sqrt(tot - ties[ok]), -1.0, 1.0)
        p[ok] = 2.0 * ndtr(-np.abs(s[ok]) / np.sqrt(var[ok]))
    dis = np.rint((tot - ties - s) / 2.0).astype(np.int64)
    conc = np.rint(tot).astype(np.int64) - dis
    exact = ok & (ties == 0) & ((n <= 33) | (np.minimum(dis, conc) <= 1))
    if exact.any():
        p[exact] = _exact_two_sided(n, np.minimum(dis, conc)[exact])
    return tau, p
