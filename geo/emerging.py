"""Emerging hot spot analysis (ArcGIS Pro semantics) on H3 cells × time slices.

Each cell gets a Gi* z per time slice (see :mod:`geo.hotspots`), a Mann-Kendall
trend of that z series (see :mod:`geo.trend`), and one of 17 categories.
A bin is a *significant hot* bin when ``z > 0`` and ``p < alpha``, *cold* when
``z < 0`` and ``p < alpha``; "90 %" is the ``persistence`` keyword. The
definitions follow ArcGIS Pro's "How Emerging Hot Spot Analysis works":

new_hot
    The final slice is a significant hot spot and no earlier slice ever was.
consecutive_hot
    A single uninterrupted run of at least two significant hot slices at the
    end; never hot before that run; less than 90 % of all slices hot.
intensifying_hot
    Hot in at least 90 % of the slices including the final one, and the z
    series has a significant increasing trend (MK ``tau > 0``, ``p < alpha``).
persistent_hot
    Hot in at least 90 % of the slices including the final one, no significant
    trend.
diminishing_hot
    Hot in at least 90 % of the slices including the final one, significant
    decreasing trend.
sporadic_hot
    Final slice hot, an on-again off-again history of hot slices, less than
    90 % hot, never significantly cold.
oscillating_hot
    Final slice hot, significantly cold in some earlier slice, less than 90 %
    hot.
historical_hot
    Final slice not hot, but at least 90 % of the slices were hot.
no_pattern
    None of the above.

The cold categories mirror these with hot and cold swapped; "intensifying
cold" means the z series is falling (``tau < 0``). Where two rules could both
apply the first in this order wins: new, consecutive, intensifying,
persistent, diminishing, oscillating, sporadic (hot, then cold), and last
historical (hot, then cold), so a category about the final slice beats a
historical one. ArcGIS asks for at least 10 slices; fewer are accepted but
make the 90 % rules coarse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from geo._types import BoolArray, CellArray, FloatArray, IntArray, TimeArray
from geo.h3grid import cells_to_str
from geo.hotspots import _gi_star_z, _study_cells, _two_sided_p, count_in_cells, star_weights
from geo.trend import mann_kendall

__all__ = ["PERIODS", "CATEGORIES", "EMERGING_COLUMNS", "slice_codes", "space_time_counts",
           "space_time_gi", "classify_patterns", "EmergingOptions", "DEFAULT_OPTIONS", "emerging_hotspots"]

PERIODS = ("week", "month", "quarter")
_KINDS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical")
CATEGORIES = tuple(f"{k}_{s}" for s in ("hot", "cold") for k in _KINDS) + ("no_pattern",)
EMERGING_COLUMNS = ["h3", "category", "trend_tau", "trend_p", "share_hot", "share_cold", "last_z", "n_slices"]


@dataclass(frozen=True)
class EmergingOptions:
    """How the space-time bins are scored and classified.

    Parameters
    ----------
    time_neighbour, reference : keyword-only
        See :func:`space_time_gi`.
    alpha : float
        Significance of a hot/cold bin and of the trend (default 0.05).
    persistence : float
        The "90 %" share (default 0.9).
    """

    time_neighbour: bool = False
    reference: str | None = None
    alpha: float = 0.05
    persistence: float = 0.9


DEFAULT_OPTIONS = EmergingOptions()

# period -> (datetime64 values -> integer slice code, code -> slice start)
#: period -> (slice code of each timestamp, first day of a slice code)
_SLICERS: dict[str, tuple[Callable[[TimeArray], IntArray], Callable[[int], np.datetime64]]] = {
    "month": (lambda t: t.astype("datetime64[M]").astype(np.int64),
              lambda c: np.datetime64(int(c), "M").astype("datetime64[D]")),
    "quarter": (lambda t: t.astype("datetime64[M]").astype(np.int64) // 3,
                lambda c: np.datetime64(int(c) * 3, "M").astype("datetime64[D]")),
    # 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
    "week": (lambda t: (t.astype("datetime64[D]").astype(np.int64) + 3) // 7,
             lambda c: np.datetime64(int(c) * 7 - 3, "D")),
}


def _check_period(period: str) -> None:
    if period not in _SLICERS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")


def _as_datetime64(values: object) -> TimeArray:
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if not pd.api.types.is_datetime64_any_dtype(s):
        raise TypeError(f"occurred_at must be datetime64, got {s.dtype}")
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)  # slice on local wall-clock time
    return np.asarray(s.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")


def slice_codes(occurred_at: object, *, period: str = "month") -> IntArray:
    """Integer slice number of each timestamp (months/quarters/Monday-weeks since 1970).

    NaT gives the minimum int64.

    >>> slice_codes(pd.Series(pd.to_datetime(["1970-01-31", "1970-02-01"])), period="month").tolist()
    [0, 1]
    """
    _check_period(period)
    return _SLICERS[period][0](_as_datetime64(occurred_at))


def space_time_counts(incidents: pd.DataFrame, study_cells: npt.ArrayLike, *, res: int = 7, period: str = "month",
                      start: object = None, end: object = None) -> tuple[CellArray, TimeArray, IntArray]:
    """Incident counts per study cell and time slice.

    Returns
    -------
    cells : numpy.ndarray of uint64, sorted
    starts : numpy.ndarray of datetime64[D], first day of each slice
    counts : numpy.ndarray of int64, shape (len(cells), len(starts))

    Slices run from the slice of ``start`` (default: earliest incident) to the
    slice of ``end`` (default: latest), empty slices included. Undated
    incidents and incidents outside the cells or the slices are ignored.
    """
    if not isinstance(incidents, pd.DataFrame):
        raise TypeError(f"incidents must be a pandas DataFrame, got {type(incidents).__name__}")
    if "occurred_at" not in incidents.columns:
        raise ValueError("incidents need an 'occurred_at' column")
    _check_period(period)
    cells = _study_cells(study_cells, res)
    to_code, to_start = _SLICERS[period]
    t = _as_datetime64(incidents["occurred_at"])
    dated = ~np.isnat(t)
    codes = to_code(t)
    if not dated.any() and (start is None or end is None):
        return cells, np.empty(0, dtype="datetime64[D]"), np.zeros((cells.size, 0), dtype=np.int64)
    c0 = int(codes[dated].min()) if start is None else int(to_code(np.array([pd.Timestamp(start).to_datetime64()]))[0])
    c1 = int(codes[dated].max()) if end is None else int(to_code(np.array([pd.Timestamp(end).to_datetime64()]))[0])
    if c1 < c0:
        raise ValueError(f"end ({end}) is before start ({start})")
    n_t = c1 - c0 + 1
    pos, _ = count_in_cells(incidents, cells, res=res)
    keep = dated & (pos >= 0) & (codes >= c0) & (codes <= c1)
    flat = pos[keep] * n_t + (codes[keep] - c0)
    counts = np.bincount(flat, minlength=cells.size * n_t).reshape(cells.size, n_t)
    starts = np.array([to_start(c) for c in range(c0, c1 + 1)], dtype="datetime64[D]")
    return cells, starts, counts


def space_time_gi(counts: npt.ArrayLike, wstar: sp.csr_matrix, *, time_neighbour: bool = False,
                  reference: str | None = None) -> tuple[FloatArray, FloatArray]:
    """Gi* z and p for every (cell, slice) bin.

    Parameters
    ----------
    counts : ndarray, shape (n, t)
    wstar : sparse (n, n) binary weights with self (:func:`geo.hotspots.star_weights`)
    time_neighbour : bool
        The same cell in the previous slice is a neighbour as well.
    reference : {"slice", "cube"} or None
        Population the mean and S come from: each slice on its own (``"slice"``,
        the default without time neighbours; equals running
        :func:`geo.hotspots.gi_star` once per slice) or all ``n·t`` bins of the
        cube (``"cube"``, ArcGIS's space-time cube; forced by
        ``time_neighbour=True`` because a neighbourhood then spans two slices).
        In the cube form the binary space-time weights are
        ``W_st = I_t ⊗ W* + S ⊗ I_n`` with ``S`` the one-step lag.
    """
    y = np.asarray(counts, dtype=np.float64)
    if y.ndim != 2 or y.shape[0] != wstar.shape[0]:
        raise ValueError(f"counts must be (cells, slices) with {wstar.shape[0]} rows, got {y.shape}")
    reference = reference or ("cube" if time_neighbour else "slice")
    if reference not in ("slice", "cube"):
        raise ValueError(f"reference must be 'slice' or 'cube', got {reference!r}")
    if time_neighbour and reference == "slice":
        raise ValueError("time_neighbour=True needs reference='cube': a neighbourhood then spans two slices")
    n, t = y.shape
    if y.size == 0:
        return y.copy(), y.copy()
    local = wstar @ y
    card = np.asarray(wstar.sum(axis=1)).ravel()
    if reference == "slice":
        z = _gi_star_z(local, card, y, n)
    else:
        card = np.repeat(card[:, None], t, axis=1)
        if time_neighbour:
            local[:, 1:] += y[:, :-1]
            card[:, 1:] += 1
        z = _gi_star_z(local.ravel(), card.ravel(), y.ravel(), n * t).reshape(n, t)
    return z, _two_sided_p(z)


def _trailing_run(flags: BoolArray) -> IntArray:
    """Length of the run of True at the end of each row."""
    t = flags.shape[1]
    rev = ~flags[:, ::-1]
    return np.asarray(np.where(rev.any(axis=1), rev.argmax(axis=1), t), dtype=np.int64)


def classify_patterns(z: npt.ArrayLike, p: npt.ArrayLike, *, alpha: float = 0.05,
                      persistence: float = 0.9) -> pd.DataFrame:
    """Emerging hot spot category of each row of a (cells, slices) z/p matrix.

    Returns a DataFrame with ``category, trend_tau, trend_p, share_hot,
    share_cold, last_z, n_slices`` (one row per cell, default index). The rules
    are in the module docstring; the trend is :func:`geo.trend.mann_kendall`
    of the z series, significant when ``trend_p < alpha``.
    """
    z = np.asarray(z, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if z.shape != p.shape or z.ndim != 2:
        raise ValueError(f"z and p must be 2-D of equal shape, got {z.shape} and {p.shape}")
    if not 0 < persistence <= 1:
        raise ValueError(f"persistence must be in (0, 1], got {persistence}")
    n, t = z.shape
    if t == 0:
        raise ValueError("classify_patterns needs at least one time slice")
    tau, tp = mann_kendall(z)
    up = (tau > 0) & (tp < alpha)
    down = (tau < 0) & (tp < alpha)
    sig = p < alpha
    conds, names = [], []
    flags = {"hot": sig & (z > 0), "cold": sig & (z < 0)}
    shares = {}
    for side, other, rising, falling in (("hot", "cold", up, down), ("cold", "hot", down, up)):
        f = flags[side]
        count = f.sum(axis=1)
        shares[side] = count / t
        final = f[:, -1]
        most = count >= persistence * t - 1e-9
        run = _trailing_run(f)
        ever_other = flags[other].any(axis=1)
        rules = {
            "new": final & (count == 1),
            "consecutive": final & (run >= 2) & (count == run) & ~most,
            "intensifying": final & most & rising,
            "persistent": final & most & ~rising & ~falling,
            "diminishing": final & most & falling,
            "oscillating": final & ~most & ever_other,
            "sporadic": final & ~most & ~ever_other,
            "historical": ~final & most,
        }
        for kind in _KINDS:
            conds.append(rules[kind])
            names.append(f"{kind}_{side}")
    # final-slice categories first (hot, then cold), historical ones last
    order = [i for i, nm in enumerate(names) if not nm.startswith("historical")] + \
            [i for i, nm in enumerate(names) if nm.startswith("historical")]
    category = np.select([conds[i] for i in order], [names[i] for i in order], default="no_pattern")
    return pd.DataFrame({"category": category.astype(object), "trend_tau": tau, "trend_p": tp,
                         "share_hot": shares["hot"], "share_cold": shares["cold"],
                         "last_z": z[:, -1], "n_slices": np.full(n, t, dtype=np.int64)})


def emerging_hotspots(incidents: pd.DataFrame, study_cells: npt.ArrayLike, *, res: int = 7, period: str = "month",
                      start: object = None, end: object = None,
                      options: EmergingOptions = DEFAULT_OPTIONS) -> pd.DataFrame:
    """Emerging hot spot category of every study cell.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Filtered incidents with ``occurred_at`` and ``h3_9`` (or ``lat``/``lon``).
    study_cells : array_like of uint64
        Study-area cells at ``res``.
    res, period, start, end : keyword-only
        Grid resolution and time slicing, see :func:`space_time_counts`.
    options : EmergingOptions
        Time neighbours, reference, significance and persistence (default :data:`DEFAULT_OPTIONS`).

    Returns
    -------
    pandas.DataFrame
        ``h3, category, trend_tau, trend_p, share_hot, share_cold, last_z,
        n_slices``, one row per study cell sorted by cell; ``attrs["slices"]``
        lists the slice start dates (ISO strings).
    """
    cells, starts, counts = space_time_counts(incidents, study_cells, res=res, period=period, start=start, end=end)
    if cells.size == 0 or starts.size == 0:
        out = pd.DataFrame({c: pd.Series(dtype=object if c in ("h3", "category") else
                                          (np.int64 if c == "n_slices" else float)) for c in EMERGING_COLUMNS})
        out["n_slices"] = out["n_slices"].astype(np.int64)
    else:
        z, p = space_time_gi(counts, star_weights(cells, res=res), time_neighbour=options.time_neighbour,
                             reference=options.reference)
        out = classify_patterns(z, p, alpha=options.alpha, persistence=options.persistence)
        out.insert(0, "h3", cells_to_str(cells))
    out.attrs["slices"] = [str(s) for s in starts]
    return out
