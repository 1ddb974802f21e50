"""Coordinates: column names, degrees (decimal or DMS), CRS choice and reprojection to WGS 84.

Coordinate order is spelled out everywhere: shapely and GeoJSON are ``(x, y)`` =
``(lon, lat)``; columns are named, never positional. Reprojection uses
:mod:`geo.crs`, which picks the most accurate datum transformation (VN-2000 → WGS 84 is
EPSG:6960), so a VN-2000 point lands within centimetres of its WGS 84 position.
"""
from __future__ import annotations

import re

import numpy as np
import pyproj
import shapely

from core.errors import InputError
from core.i18n import t
from core.vocab import fold
from data.importers.values import BadValue, clean_text
from geo.crs import resolve_crs, wgs84_transformer

WGS84 = pyproj.CRS.from_epsg(4326)

#: Coordinate role → accepted column names (compared after :func:`core.vocab.fold`).
COORD_NAMES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "vĩ độ", "vido", "y_lat", "lat_wgs84", "vĩ độ (lat)"),
    "lon": ("lon", "lng", "long", "longitude", "kinh độ", "kinhdo", "x_lon", "lon_wgs84", "kinh độ (lon)"),
    "x": ("x", "easting", "tọa độ x", "toạ độ x"),
    "y": ("y", "northing", "tọa độ y", "toạ độ y"),
    "wkt": ("wkt", "geometry", "geom", "the_geom", "hình học"),
}
COORD_ROLES = tuple(COORD_NAMES)
_ROLE_BY_NAME = {fold(n): role for role, names in COORD_NAMES.items() for n in names}


def coordinate_role(column: str) -> str | None:
    """``lat``, ``lon``, ``x``, ``y``, ``wkt`` or None for a column name.

    >>> coordinate_role("Vĩ độ"), coordinate_role("LNG"), coordinate_role("name")
    ('lat', 'lon', None)
    """
    return _ROLE_BY_NAME.get(fold(column))


# -- degrees ----------------------------------------------------------------------------

_DEG_MARKS = "°º˚"
_MIN_MARKS = "'′’‘"
_SEC_MARKS = "\"″”“"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_JUNK = re.compile(rf"[\s:{_DEG_MARKS}{_MIN_MARKS}{_SEC_MARKS}]+")
_HEMI = {"N": ("lat", 1), "S": ("lat", -1), "E": ("lon", 1), "W": ("lon", -1)}


def parse_degrees(value, *, axis: str) -> float:
    """Decimal degrees or degrees-minutes-seconds to signed decimal degrees.

    Accepts ``16.6140``, ``16,6140``, ``-16.6``, ``16°36'50.6"N``, ``N 16 36 50.6``,
    ``16°36.843'``, with typographic marks. A hemisphere letter of the other axis
    (``E`` in a latitude) is refused as probably swapped. Ranges are checked by the caller.

    >>> round(parse_degrees('16°36\\'50.6"N', axis="lat"), 6)
    16.614056
    >>> parse_degrees("106,6", axis="lon")
    106.6
    """
    if isinstance(value, bool):
        raise BadValue("import.bad_coord", value=value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        if not np.isfinite(value):
            raise BadValue("import.bad_coord", value=value)
        return float(value)
    s = clean_text(value).upper()
    if "_" not in s:
        try:
            out = float(s)  # fast path: plain decimal degrees
        except ValueError:
            pass
        else:
            if not np.isfinite(out):
                raise BadValue("import.bad_coord", value=clean_text(value)[:60])
            return out
    sign = 1.0
    hemi = None
    m = re.fullmatch(r"([NSEW])\s*(.+)", s) or re.fullmatch(r"(.+?)\s*([NSEW])", s)
    if m:
        a, b = m.groups()
        hemi, s = (a, b) if a in _HEMI else (b, a)
        other_axis, sign = _HEMI[hemi]
        if other_axis != axis:
            raise BadValue("import.coord_swapped_hemi", value=clean_text(value), hemi=hemi)
    s = s.strip()
    if s.startswith("-"):
        if hemi:
            raise BadValue("import.bad_coord", value=clean_text(value))
        sign, s = -1.0, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    nums = _NUMBER.findall(s)
    if not nums or _JUNK.sub("", _NUMBER.sub("", s)) or len(nums) > 3:
        raise BadValue("import.bad_coord", value=clean_text(value)[:60])
    parts = [float(n.replace(",", ".")) for n in nums]
    if len(parts) > 1 and (any(not p.is_integer() for p in parts[:-1]) or any(p >= 60 for p in parts[1:])):
        raise BadValue("import.bad_coord", value=clean_text(value)[:60])
    deg = parts[0] + sum(p / 60 ** k for k, p in enumerate(parts[1:], start=1))
    return sign * deg


def check_lat_lon(lat: float, lon: float) -> tuple[str, str, dict] | None:
    """None when in range, else (axis, key, fields) naming the first problem; says "swapped?"."""
    lat_ok, lon_ok = -90 <= lat <= 90, -180 <= lon <= 180
    if lat_ok and lon_ok:
        return None
    swapped = (-90 <= lon <= 90) and (-180 <= lat <= 180)
    if not lat_ok:
        return "lat", ("import.lat_swapped" if swapped else "import.lat_range"), {"value": lat}
    return "lon", "import.lon_range", {"value": lon}


# -- CRS --------------------------------------------------------------------------------

def parse_crs(text, *, lang: str | None = None) -> pyproj.CRS:
    """The CRS named by ``--crs`` (EPSG code, PROJ string, WKT, or an alias such as vn2000-quangtri)."""
    try:
        return resolve_crs(text)
    except (ValueError, TypeError) as exc:
        raise InputError(t("import.bad_crs", lang, crs=text, detail=str(exc))) from None


def is_wgs84(crs: pyproj.CRS | None) -> bool:
    return crs is None or crs.equals(WGS84, ignore_axis_order=True)


def to_wgs84(geoms: np.ndarray, crs: pyproj.CRS | None) -> np.ndarray:
    """Shapely geometries from ``crs`` to EPSG:4326 (lon, lat), 2-D. ``None`` entries stay ``None``."""
    geoms = shapely.force_2d(np.asarray(geoms, dtype=object))
    if is_wgs84(crs):
        return geoms
    tr = wgs84_transformer(crs)

    def _fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1], errcheck=False)
        return np.column_stack([x, y])

    return shapely.transform(geoms, _fn)


def points_from_columns(a: np.ndarray, b: np.ndarray, crs: pyproj.CRS | None) -> np.ndarray:
    """Points from x-like ``a`` and y-like ``b`` columns in ``crs`` (None = WGS 84), as WGS 84.

    For lat/lon columns pass ``a=lon, b=lat``. NaN pairs give ``None``.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    out = np.full(len(a), None, dtype=object)
    if ok.any():
        x, y = a[ok], b[ok]
        if not is_wgs84(crs):
            x, y = wgs84_transformer(crs).transform(x, y, errcheck=False)
        out[ok] = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return out


def lat_lon_bounds_ok(geoms: np.ndarray) -> np.ndarray:
    """True where every coordinate of the geometry is a valid lon/lat (None geometries: True)."""
    out = np.ones(len(geoms), dtype=bool)
    present = ~shapely.is_missing(geoms)
    if present.any():
        b = shapely.bounds(geoms[present])
        finite = np.isfinite(b).all(axis=1)
        inside = (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)
        out[present] = finite & inside
    return out
