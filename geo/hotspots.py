"""Getis-Ord Gi* hot spots on H3 cells, with ArcGIS "Hot Spot Analysis" semantics.

The study area is a fixed set of H3 cells (zero-count cells included, they are
part of the reference population); a cell's neighbourhood is itself plus its
ring-1 cells that are in the set; weights are binary; z is the analytic
Gi* z-score and p its two-sided normal p-value; bins are ArcGIS ``Gi_Bin``.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.special import ndtr

from geo._types import CellArray, FloatArray, IntArray
from geo.h3grid import _as_cells, cell_resolutions, cells_to_str, incident_cells, ring1_neighbours

__all__ = ["gi_star", "gi_bins", "hotspots", "star_weights", "count_in_cells", "HOTSPOT_COLUMNS", "CONFIDENCE_LEVELS"]

#: p-value thresholds of ArcGIS's 90 / 95 / 99 % confidence bins (Gi_Bin ±1, ±2, ±3).
CONFIDENCE_LEVELS = (0.10, 0.05, 0.01)
HOTSPOT_COLUMNS = ["h3", "count", "z", "p", "bin"]
_W_CACHE: OrderedDict[tuple[int, int, bytes], sp.csr_matrix] = OrderedDict()
_W_CACHE_SIZE = 8


def _binary_star(w: sp.spmatrix | npt.ArrayLike) -> sp.csr_matrix:
    """``w`` as binary CSR with the diagonal set to 1 (Gi* counts the cell itself)."""
    if not (sp.issparse(w) or isinstance(w, np.ndarray)):
        raise TypeError(f"w must be a scipy.sparse matrix or numpy array, got {type(w).__name__}")
    m = sp.csr_matrix(w, dtype=np.float64)
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"w must be square, got shape {m.shape}")
    m.eliminate_zeros()
    if m.nnz and not np.all(m.data == 1.0):
        raise ValueError("gi_star expects binary weights (every non-zero weight equal to 1)")
    m = m - sp.diags(m.diagonal()) + sp.eye(m.shape[0], format="csr")
    m.eliminate_zeros()
    return m.tocsr()


def _gi_star_z(local: FloatArray, card: FloatArray, y: FloatArray, n: int) -> FloatArray:
    """Gi* z for binary weights, columns of ``y`` scored separately.

    z_i = (L_i - x̄ c_i) / (S sqrt((n c_i - c_i²) / (n - 1))), S² = Σy²/n - x̄².
    Degenerate cases (S = 0, or c_i = n) give z = 0.
    """
    mean = y.mean(axis=0)
    s = y.std(axis=0)
    flat = (s == 0) | (s <= 1e-12 * np.abs(mean))
    card = card.reshape((-1,) + (1,) * (y.ndim - 1))
    spread = (n * card - card * card) / max(n - 1, 1)
    ok = ~flat & (spread > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local - mean * card) / (s * np.sqrt(spread))
    return np.asarray(np.where(ok, z, 0.0), dtype=np.float64)


def _two_sided_p(z: FloatArray) -> FloatArray:
    return np.asarray(2.0 * ndtr(-np.abs(z)), dtype=np.float64)


def gi_star(y: npt.ArrayLike, w: sp.spmatrix | npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""Getis-Ord Gi* z-scores and two-sided p-values for binary weights.

    .. math::

        G_i^* = \frac{\sum_j w_{ij} x_j - \bar X \sum_j w_{ij}}
                 {S \sqrt{[n \sum_j w_{ij}^2 - (\sum_j w_{ij})^2] / (n - 1)}},
        \quad S = \sqrt{\sum_j x_j^2 / n - \bar X^2}

    with :math:`w_{ii} = 1` (the cell itself counts). This is the z that
    ArcGIS reports as ``GiZScore`` and that ``esda.G_Local(y, w,
    transform="B", star=True).Zs`` reports; ``p = 2 Φ(-|z|)``.

    Parameters
    ----------
    y : array_like, shape (n,) or (n, t)
        Values per cell; a 2-D array is scored column by column (each column
        its own mean and S), e.g. one column per time slice.
    w : scipy.sparse matrix or ndarray, shape (n, n)
        Binary neighbour matrix; the diagonal is set to 1 whatever it holds.

    Returns
    -------
    z, p : numpy.ndarray, same shape as ``y``
        ``z = 0, p = 1`` where the statistic is undefined (all values equal).

    Examples
    --------
    >>> w = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
    >>> z, p = gi_star([10, 8, 1, 0], w)
    >>> np.round(z, 3).tolist()
    [1.703, 1.099, -1.214, -1.703]
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError("y holds NaN or infinite values")
    wstar = _binary_star(w)
    n = y.shape[0]
    if wstar.shape[0] != n:
        raise ValueError(f"w has {wstar.shape[0]} rows but y has {n}")
    if n == 0:
        return y.copy(), y.copy()
    card = np.asarray(wstar.sum(axis=1)).ravel()
    z = _gi_star_z(wstar @ y, card, y, n)
    return z, _two_sided_p(z)


def star_weights(cells: npt.ArrayLike, *, res: int) -> sp.csr_matrix:
    """Return cached binary Gi* weights (ring 1 + self) for a sorted set of cells.

    Small LRU (8 entries) keyed on ``res``, the cell count and a BLAKE2 digest of
    the cell array, so repeated calls for the same study area skip the H3
    neighbour walk. The returned matrix is read-only.
    """
    arr = _as_cells(cells)
    key = (int(res), arr.size, hashlib.blake2b(arr.tobytes(), digest_size=16).digest())
    hit = _W_CACHE.get(key)
    if hit is not None:
        _W_CACHE.move_to_end(key)
        return hit
    wstar = _binary_star(ring1_neighbours(arr))
    for a in (wstar.data, wstar.indices, wstar.indptr):
        a.flags.writeable = False
    _W_CACHE[key] = wstar
    if len(_W_CACHE) > _W_CACHE_SIZE:
        _W_CACHE.popitem(last=False)
    return wstar


def _bh_cutoff(p: FloatArray, alpha: float) -> float:
    """Benjamini-Hochberg: reject p < k·α/n for the largest k with p_(k) < k·α/n.

    Same rule as ``esda.fdr`` (strict inequality); returns 0 when nothing is
    rejected, so ``p < cutoff`` is the rejection set.
    """
    n = p.size
    if n == 0:
        return 0.0
    ps = np.sort(p)
    crit = np.arange(1, n + 1) * alpha / n
    ok = np.nonzero(ps < crit)[0]
    return float(crit[ok[-1]]) if ok.size else 0.0


def gi_bins(z: npt.ArrayLike, p: npt.ArrayLike, *, fdr: bool = False,
            levels: Sequence[float] = CONFIDENCE_LEVELS) -> npt.NDArray[np.int8]:
    """ArcGIS ``Gi_Bin``: +3/+2/+1 hot at 99/95/90 %, -1/-2/-3 cold, 0 otherwise.

    ``bin = sign(z) · #{α in levels : p < α}``. With ``fdr=True`` each α is
    replaced by its Benjamini-Hochberg cutoff over all cells (ArcGIS's "Apply
    False Discovery Rate Correction").

    >>> gi_bins(np.array([3.0, -2.0, 1.7, 0.5]), np.array([0.0027, 0.0455, 0.0891, 0.617])).tolist()
    [3, -2, 1, 0]
    """
    z = np.asarray(z, dtype=float)
    p = np.asarray(p, dtype=float)
    level = np.zeros(p.shape, dtype=np.int8)
    for a in levels:
        cut = _bh_cutoff(p.ravel(), a) if fdr else a
        level += (p < cut).astype(np.int8)
    return np.asarray(np.sign(z).astype(np.int8) * level, dtype=np.int8)


def _study_cells(study_cells: npt.ArrayLike, res: int) -> CellArray:
    cells = np.unique(_as_cells(study_cells, "study_cells"))
    if cells.size and (cell_resolutions(cells) != res).any():
        raise ValueError(f"study_cells must all be at resolution {res}")
    return cells


def count_in_cells(incidents: pd.DataFrame, cells: CellArray, *, res: int) -> tuple[IntArray, IntArray]:
    """Position of each incident in sorted unique ``cells`` (-1 if outside) and the count per cell."""
    inc = incident_cells(incidents, res=res)
    if cells.size == 0:
        return np.full(inc.size, -1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pos = np.searchsorted(cells, inc).clip(max=cells.size - 1)
    pos = np.where(cells[pos] == inc, pos, -1)
    counts = np.bincount(pos[pos >= 0], minlength=cells.size)
    return pos, counts


def hotspots(incidents: pd.DataFrame, study_cells: npt.ArrayLike, *, res: int = 7, fdr: bool = False,
             levels: Sequence[float] = CONFIDENCE_LEVELS) -> pd.DataFrame:
    """Gi* hot and cold spots of incident counts over every study-area cell.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Already filtered incidents with an ``h3_9`` column (uint64), or
        ``lat``/``lon`` when ``h3_9`` is absent.
    study_cells : array_like of uint64
        All cells of the study area at resolution ``res`` (see
        :func:`geo.h3grid.cells_covering`). Incidents outside them are ignored;
        their number is in ``result.attrs["outside"]``.
    res : int, keyword-only
        H3 resolution of the analysis (default 7, ≈5.2 km² per cell).
    fdr : bool, keyword-only
        Benjamini-Hochberg correction of the bin thresholds.
    levels : tuple of float, keyword-only
        p thresholds of bins 1, 2, 3.

    Returns
    -------
    pandas.DataFrame
        One row per study cell (sorted by cell index): ``h3`` (hex str),
        ``count`` (int), ``z``, ``p`` (two-sided), ``bin`` (int8, -3..3).
    """
    if not isinstance(incidents, pd.DataFrame):
        raise TypeError(f"incidents must be a pandas DataFrame, got {type(incidents).__name__}")
    cells = _study_cells(study_cells, res)
    pos, counts = count_in_cells(incidents, cells, res=res)
    if cells.size == 0:
        out = pd.DataFrame({"h3": pd.Series(dtype=object), "count": pd.Series(dtype=np.int64),
                            "z": pd.Series(dtype=float), "p": pd.Series(dtype=float), "bin": pd.Series(dtype=np.int8)})
    else:
        wstar = star_weights(cells, res=res)
        y = counts.astype(np.float64)
        z = _gi_star_z(wstar @ y, np.asarray(wstar.sum(axis=1)).ravel(), y, y.size)
        p = _two_sided_p(z)
        out = pd.DataFrame({"h3": cells_to_str(cells), "count": counts.astype(np.int64), "z": z, "p": p,
                            "bin": gi_bins(z, p, fdr=fdr, levels=levels)})
    out.attrs["outside"] = int((pos < 0).sum())
    return out
