"""Filter areas drawn on the map or given as a file: checked polygons in EPSG:4326 and their compact WKT.

Pure: no I/O. A circle becomes a geodesic polygon (``pyproj.Geod`` on WGS 84), so "within
5 km of this point" means 5 km on the ground at any latitude.
"""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

DECIMALS = 6                 # 1e-6 degree ≈ 0.1 m
MAX_VERTICES = 2000
_GEOD = Geod(ellps="WGS84")


class AreaError(ValueError):
    """An area that cannot be a filter (reason in the message)."""


def circle_polygon(lat: float, lon: float, radius_m: float, *, n: int = 72) -> Polygon:
    """Build a polygon of ``n`` points at ``radius_m`` metres (geodesic) around (``lat``, ``lon``).

    >>> p = circle_polygon(16.6, 106.6, 1000)
    >>> round(_GEOD.inv(106.6, 16.6, *p.exterior.coords[0])[2])
    1000
    """
    if not (radius_m > 0 and np.isfinite(radius_m)) or radius_m > 500_000:
        raise AreaError(f"circle radius must be between 0 and 500 km, got {radius_m} m")
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = _GEOD.fwd(np.full(n, float(lon)), np.full(n, float(lat)), az, np.full(n, float(radius_m)))
    return Polygon(zip(lons, lats, strict=True))


def check_area(geom: BaseGeometry | None) -> Polygon | MultiPolygon:
    """Return ``geom`` if it can be a filter area (a valid, non-empty (multi)polygon in lon/lat range).

    Raise :class:`AreaError` otherwise.
    """
    if geom is None or geom.is_empty:
        raise AreaError("the area is empty")
    if not isinstance(geom, (Polygon, MultiPolygon)):
        raise AreaError(f"the area must be a polygon, got {geom.geom_type}")
    x0, y0, x1, y1 = geom.bounds
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise AreaError(f"coordinates out of longitude/latitude range: {geom.bounds}; the area must be in WGS 84")
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise AreaError(f"the area has more than {MAX_VERTICES} vertices; simplify it first")
    if not geom.is_valid:
        fixed = shapely.make_valid(geom)
        polys = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            raise AreaError(f"the area is not a valid polygon ({shapely.is_valid_reason(geom)})")
        geom = shapely.union_all(polys)
        if not isinstance(geom, (Polygon, MultiPolygon)):
            raise AreaError(f"the area is not a valid polygon ({shapely.is_valid_reason(geom)})")
    return geom


def area_wkt(geom: BaseGeometry | None) -> str:
    """Compact WKT of a checked area, coordinates rounded to :data:`DECIMALS`.

    >>> area_wkt(Polygon([(106, 16), (107, 16), (107, 17)]))
    'POLYGON ((106 16, 107 16, 107 17, 106 16))'
    """
    geom = check_area(geom)
    return str(shapely.to_wkt(geom, rounding_precision=DECIMALS, trim=True))


def parse_area(wkt: str) -> Polygon | MultiPolygon:
    """Parse and check the polygon of a filter's ``area`` text (WKT)."""
    try:
        geom = shapely.from_wkt(str(wkt))
    except shapely.errors.GEOSException as exc:
        raise AreaError(f"not a WKT polygon: {exc}") from None
    return check_area(geom)
