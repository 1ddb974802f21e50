"""Incident density: counts and weights per H3 cell, kernel density contours.

Grams equivalent
----------------
Seizures are recorded in grams (``quantity_g``) or in tablets (``tablets``, the
"hồng phiến" / WY methamphetamine tablets of the Lao Bảo corridor). To put them
on one scale, ``grams_equivalent = quantity_g + tablets × tablet_g`` with
missing values counted as 0. ``TABLET_G = 0.1`` g is an illustrative figure
for one WY tablet (typical reported tablet mass ≈ 0.09-0.1 g); pass
``tablet_g=`` to use another.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from contourpy import FillType, contour_generator
from scipy.ndimage import gaussian_filter

from geo._types import FloatArray

if TYPE_CHECKING:
    import contourpy._contourpy as cpy
from geo.crs import METRIC_CRS, transformer
from geo.h3grid import cells_to_str, incident_cells

__all__ = ["TABLET_G", "WEIGHTS", "h3_counts", "kde_bandwidth", "kde_contours"]

#: grams per methamphetamine tablet ("hồng phiến"/WY); illustrative, see module docstring.
TABLET_G = 0.1
WEIGHTS = (None, "quantity_g", "tablets", "grams_equivalent")


def _check_incidents(incidents: object, need: Sequence[str] = ()) -> None:
    if not isinstance(incidents, pd.DataFrame):
        raise TypeError(f"incidents must be a pandas DataFrame, got {type(incidents).__name__}")
    if isinstance(incidents, gpd.GeoDataFrame) and incidents.crs is not None and not incidents.crs.equals("EPSG:4326"):
        raise ValueError(f"incidents must be in EPSG:4326 (lon/lat columns), got {incidents.crs}")
    missing = [c for c in need if c not in incidents.columns]
    if missing:
        raise ValueError(f"incidents lack column(s) {missing}")


def _weights(incidents: pd.DataFrame, weight: str, tablet_g: float) -> FloatArray:
    def col(name: str) -> FloatArray:
        if name not in incidents.columns:
            raise ValueError(f"weight {weight!r} needs column {name!r}")
        return np.asarray(pd.to_numeric(incidents[name], errors="coerce").to_numpy(dtype=float), dtype=np.float64)

    if weight == "grams_equivalent":
        return np.asarray(np.nan_to_num(col("quantity_g")) + np.nan_to_num(col("tablets")) * tablet_g,
                          dtype=np.float64)
    return np.asarray(np.nan_to_num(col(weight)), dtype=np.float64)


def h3_counts(incidents: pd.DataFrame, *, res: int = 7, weight: str | None = None,
              tablet_g: float = TABLET_G) -> pd.DataFrame:
    """Count the incidents (and sum their weight) per H3 cell that has incidents.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``h3_9`` (uint64) or ``lat``/``lon``. Cells are parents of the
        resolution-9 cell (see :func:`geo.h3grid.incident_cells`).
    res : int
        Output resolution.
    weight : {None, "quantity_g", "tablets", "grams_equivalent"}
        Column to sum as well; missing values count as 0. ``grams_equivalent``
        is ``quantity_g + tablets × tablet_g``.
    tablet_g : float
        Grams per tablet for ``grams_equivalent`` (default :data:`TABLET_G`).

    Returns
    -------
    pandas.DataFrame
        ``h3`` (hex str), ``count`` and, with a weight, a column named after
        it; sorted by cell.

    Examples
    --------
    >>> df = pd.DataFrame({"h3_9": np.array([0x89416105847ffff] * 2, dtype=np.uint64),
    ...                    "quantity_g": [2.0, np.nan], "tablets": [np.nan, 100]})
    >>> h3_counts(df, res=7, weight="grams_equivalent").to_dict("records")
    [{'h3': '874161058ffffff', 'count': 2, 'grams_equivalent': 12.0}]
    """
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {WEIGHTS}, got {weight!r}")
    _check_incidents(incidents)
    cells = incident_cells(incidents, res=res)
    uniq, inv = np.unique(cells, return_inverse=True)
    out = pd.DataFrame({"h3": cells_to_str(uniq), "count": np.bincount(inv, minlength=uniq.size).astype(np.int64)})
    if weight is not None:
        out[weight] = np.bincount(inv, weights=_weights(incidents, weight, tablet_g), minlength=uniq.size)
    return out


def kde_bandwidth(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Isotropic Gaussian bandwidth by Scott's rule, h = σ · n^(-1/6).

    In two dimensions Scott's factor n^(-1/(d+4)) and Silverman's
    (4/(d+2))^(1/(d+4)) · n^(-1/(d+4)) coincide. σ is the pooled standard
    deviation √((s_x² + s_y²) / 2) in metres.

    >>> round(kde_bandwidth([0, 1000, 0, 1000], [0, 0, 1000, 1000]), 1)
    458.2
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    if n < 2:
        raise ValueError("kde_bandwidth needs at least 2 points")
    sigma = np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2.0)
    return float(sigma * n ** (-1.0 / 6.0))


def _mass_thresholds(density: FloatArray, levels: npt.ArrayLike) -> FloatArray:
    """Density value whose upper set holds the given share of the total mass."""
    d = np.sort(density.ravel())[::-1]
    cum = np.cumsum(d) / d.sum()
    idx = np.searchsorted(cum, np.asarray(levels, dtype=float)).clip(max=d.size - 1)
    return np.asarray(d[idx], dtype=np.float64)


def kde_contours(incidents: pd.DataFrame, *, bandwidth_m: float | None = None,
                 levels: Sequence[float] = (0.5, 0.75, 0.95), cell_m: float = 250.0) -> gpd.GeoDataFrame:
    r"""Percent-volume contours of a Gaussian kernel density of incidents.

    The density is estimated on a ``cell_m`` grid in EPSG:32648 by binning the
    points (counts per grid cell) and smoothing with a Gaussian of standard
    deviation ``bandwidth_m`` (``scipy.ndimage.gaussian_filter``, the binned
    KDE approximation; exact up to the binning of ≤ cell_m/2):

    .. math:: \hat f(s) = \frac{1}{2\pi h^2 n} \sum_i e^{-\lVert s - s_i \rVert^2 / 2h^2}

    A contour at level ``q`` encloses the densest area holding a share ``q`` of
    the estimated mass (the "50 % / 75 % / 95 % volume" areas of crime
    analysis), so a smaller level is a smaller, hotter area.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``lon``/``lat`` columns (EPSG:4326).
    bandwidth_m : float, optional
        Kernel standard deviation in metres; default :func:`kde_bandwidth`.
    levels : sequence of float in (0, 1)
        Mass shares.
    cell_m : float
        Grid spacing in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        ``level`` (mass share), ``density`` (threshold, incidents per km²),
        ``geometry`` (MultiPolygon, EPSG:4326); one row per level with a
        non-empty area, largest level first.
    """
    _check_incidents(incidents, ("lon", "lat"))
    lv = np.asarray(levels, dtype=float)
    if lv.ndim != 1 or ((lv <= 0) | (lv >= 1)).any():
        raise ValueError(f"levels must be shares strictly between 0 and 1, got {levels}")
    if cell_m <= 0 or (bandwidth_m is not None and bandwidth_m <= 0):
        raise ValueError("cell_m and bandwidth_m must be positive")
    empty = gpd.GeoDataFrame({"level": pd.Series(dtype=float), "density": pd.Series(dtype=float)},
                             geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    lon = incidents["lon"].to_numpy(dtype=float)
    lat = incidents["lat"].to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.sum() < 2:
        return empty
    x, y = transformer("EPSG:4326", METRIC_CRS).transform(lon[ok], lat[ok])
    h = kde_bandwidth(x, y) if bandwidth_m is None else float(bandwidth_m)
    if h <= 0:
        return empty
    pad = 4 * h + cell_m
    xe = np.arange(x.min() - pad, x.max() + pad + cell_m, cell_m)
    ye = np.arange(y.min() - pad, y.max() + pad + cell_m, cell_m)
    grid, _, _ = np.histogram2d(y, x, bins=(ye, xe))
    dens = gaussian_filter(grid, sigma=h / cell_m, mode="constant", truncate=4.0)
    dens *= 1e6 / (cell_m * cell_m)  # incidents per km²
    xc, yc = (xe[:-1] + xe[1:]) / 2, (ye[:-1] + ye[1:]) / 2
    gen = contour_generator(xc, yc, dens, fill_type=FillType.OuterOffset)
    rows = []
    for level, thr in sorted(zip(lv, _mass_thresholds(dens, lv), strict=True), reverse=True):
        points, offsets = cast("cpy.FillReturn_OuterOffset", gen.filled(thr, np.inf))   # fill_type above
        polys = []
        for pts, offs in zip(points, offsets, strict=True):
            rings = [pts[a:b] for a, b in pairwise(offs)]
            polys.append(shapely.Polygon(rings[0], rings[1:]))
        if polys:
            rows.append((float(level), float(thr), shapely.MultiPolygon(polys)))
    if not rows:
        return empty
    gdf = gpd.GeoDataFrame({"level": [r[0] for r in rows], "density": [r[1] for r in rows]},
                           geometry=[r[2] for r in rows], crs=METRIC_CRS)
    return gdf.to_crs("EPSG:4326")
