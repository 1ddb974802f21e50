"""Coordinate reference systems: VN-2000 names, cached transformers, VN-2000 → WGS 84.

VN-2000 in Quảng Trị is usually the local TM-3 zone with central meridian
106°15′ (EPSG:9212); former Quảng Bình uses 106°00′ (EPSG:9211). The datum
shift to WGS 84 is EPSG:6960 "VN-2000 to WGS 84 (2)", a 7-parameter
coordinate-frame Helmert. Its PROJ ``+towgs84`` form (position-vector
convention, rotation signs flipped) is::

    +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278

VN-2000 geographic coordinates differ from WGS 84 by about 225 m at Lao Bảo:
never store VN-2000 lat/lon as WGS 84.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pyproj
from pyproj.transformer import TransformerGroup

from geo._types import FloatArray

__all__ = ["CRS_ALIASES", "WGS84", "METRIC_CRS", "resolve_crs", "transformer", "wgs84_transformer", "to_wgs84"]

WGS84 = "EPSG:4326"
#: Metric CRS for distances and densities: WGS 84 / UTM 48N (102°E-108°E, covers the whole border).
METRIC_CRS = "EPSG:32648"
#: Short names accepted by :func:`resolve_crs` (lower case).
CRS_ALIASES = {
    "vn2000": "EPSG:4756",            # VN-2000 geographic
    "vn2000-quangtri": "EPSG:9212",   # VN-2000 / TM-3 106-15
    "vn2000-quangbinh": "EPSG:9211",  # VN-2000 / TM-3 106-00
    "vn2000-utm48": "EPSG:3405",
    "vn2000-utm49": "EPSG:3406",
    "wgs84": "EPSG:4326",
    "utm48": "EPSG:32648",
}


def resolve_crs(text: object) -> pyproj.CRS:
    """CRS from an alias, an EPSG code or any text pyproj understands.

    Accepts ``"vn2000-quangtri"`` (EPSG:9212), ``"vn2000-quangbinh"`` (9211),
    ``"vn2000"`` (4756), bare codes (``"9212"``, ``9212``), ``"EPSG:9212"``,
    PROJ strings and WKT.

    >>> resolve_crs("vn2000-quangtri").to_epsg(), resolve_crs("9211").to_epsg()
    (9212, 9211)
    """
    if isinstance(text, pyproj.CRS):
        return text
    if isinstance(text, bool) or not isinstance(text, (str, int, np.integer)):
        raise TypeError(f"CRS must be given as text or an EPSG integer, got {type(text).__name__}")
    key = str(text).strip()
    key = CRS_ALIASES.get(key.lower(), key)
    if key.isdigit():
        key = f"EPSG:{key}"
    try:
        return pyproj.CRS.from_user_input(key)
    except pyproj.exceptions.CRSError as err:
        raise ValueError(f"unknown CRS {text!r}; use an EPSG code, a PROJ string "
                         f"or one of {sorted(CRS_ALIASES)}") from err


@lru_cache(maxsize=32)
def transformer(src: str, dst: str) -> pyproj.Transformer:
    """Return a cached ``always_xy`` transformer between two CRS given as text."""
    return pyproj.Transformer.from_crs(resolve_crs(src), resolve_crs(dst), always_xy=True)


@lru_cache(maxsize=32)
def _wgs84_transformer(wkt: str) -> pyproj.Transformer:
    group = TransformerGroup(pyproj.CRS.from_wkt(wkt), WGS84, always_xy=True)
    usable = group.transformers
    if not usable:
        raise ValueError("no transformation to WGS 84 is available for this CRS")
    # PROJ sorts candidates best first (area of use, then accuracy); take the
    # most accurate one, keeping PROJ's order between equals.
    acc = [t.accuracy if t.accuracy is not None and t.accuracy >= 0 else np.inf for t in usable]
    return usable[int(np.argmin(acc))]


def wgs84_transformer(crs: object) -> pyproj.Transformer:
    """Best available ``always_xy`` transformer from ``crs`` to WGS 84.

    For VN-2000 systems this is the pipeline with EPSG:6960 ("VN-2000 to WGS 84
    (2)", coordinate-frame Helmert); ``.description`` names it.
    """
    return _wgs84_transformer(resolve_crs(crs).to_wkt())


def to_wgs84(x: npt.ArrayLike, y: npt.ArrayLike, *, crs: object) -> tuple[FloatArray, FloatArray]:
    """Convert coordinates to WGS 84 longitude and latitude.

    Parameters
    ----------
    x, y : array_like
        Easting and northing in metres for projected CRS; longitude and
        latitude in degrees (in that order) for geographic CRS.
    crs : str or int
        Anything :func:`resolve_crs` accepts.

    Returns
    -------
    lon, lat : numpy.ndarray of float

    >>> lon, lat = to_wgs84([537253.0], [1837549.9], crs="vn2000-quangtri")
    >>> round(float(lon[0]), 3), round(float(lat[0]), 3)
    (106.601, 16.614)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    lon, lat = wgs84_transformer(crs).transform(x, y, errcheck=False)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
