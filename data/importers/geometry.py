"""The geometry of every row: built from the file, reprojected to WGS 84, checked.

Checks, each reported per row with the column it comes from: coordinates that do not
parse; latitude/longitude out of range (with "swapped?" when the pair fits the other
way); missing geometry; wrong geometry type for the layer; invalid geometry
(self-intersection, with GEOS's reason); and distance to the belt stored in the store,
measured in metres in UTM 48N (EPSG:32648).
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import shapely

from data.importers import coords
from data.importers.values import BadValue, is_blank, parse_real, text_list
from data.schema import LAYERS
from geo.crs import transformer

METRIC = "EPSG:32648"
# add(i, column, key, **fields): record a problem for record i.
AddProblem = Callable[..., None]


def build(source, add: AddProblem) -> tuple[np.ndarray | None, str | None]:
    """WGS 84 geometries of ``source`` (None where unusable) and the column label to blame."""
    how = source.coords
    n = len(source.frame)
    if how is None:
        return None, None
    if how == "geometry":
        return coords.to_wgs84(source.geometry, source.crs), "geometry"
    if how == "wkt":
        col = source.column_for("wkt")
        return _from_wkt(source.frame[col].tolist(), col, source.crs, add), col
    a_role, b_role = ("lon", "lat") if how == "latlon" else ("x", "y")
    a_col, b_col = source.column_for(a_role), source.column_for(b_role)
    a = np.full(n, np.nan)
    b = np.full(n, np.nan)
    a_vals, b_vals = text_list(source.frame[a_col]), text_list(source.frame[b_col])
    for arr, col, role, vals, other in ((a, a_col, a_role, a_vals, b_vals), (b, b_col, b_role, b_vals, a_vals)):
        todo: Iterable[int] = range(len(vals))
        if how == "latlon":
            plain = coords.plain_degrees(vals)
            if plain is not None:
                arr[:] = plain
                todo = np.flatnonzero(np.isnan(plain)).tolist()   # cells that are not plain decimal degrees
        for i in todo:
            v = vals[i]
            if is_blank(v):
                add(i, col, "import.required")
                continue
            try:
                if how == "latlon":
                    # whose letters the row uses: "N" is Nam (south) next to Đ/T, north next to E/W
                    letters = coords.hemisphere(v)[1] or coords.hemisphere(other[i])[1]
                    arr[i] = coords.parse_degrees(v, axis=role, letters=letters)
                else:
                    arr[i] = parse_real(v, source.numbers)
            except BadValue as exc:
                add(i, col, exc.key, **exc.fields)
    if how == "latlon":
        for k in np.flatnonzero(np.isfinite(a) & np.isfinite(b)):
            hit = coords.check_lat_lon(b[k], a[k])
            if hit:
                axis, key, fields = hit
                add(k, b_col if axis == "lat" else a_col, key, **fields)
                a[k] = b[k] = np.nan
    label = f"{b_col}/{a_col}" if how == "latlon" else f"{a_col}/{b_col}"
    return coords.points_from_columns(a, b, source.crs), label


def _from_wkt(values: list, col: str, crs, add: AddProblem) -> np.ndarray:
    out = np.full(len(values), None, dtype=object)
    for i, v in enumerate(values):
        if is_blank(v):
            continue  # reported as missing geometry
        g = shapely.from_wkt(str(v), on_invalid="ignore")
        if g is None:
            add(i, col, "import.bad_wkt", value=str(v)[:60])
        out[i] = g
    return coords.to_wgs84(out, crs)


def check(layer: str, geoms: np.ndarray, label: str | None, add: AddProblem, *, skip: np.ndarray,
          belt, max_distance_km: float) -> np.ndarray:
    """Check ``geoms`` for ``layer``; returns the geometries with single-part multipoints as points.

    ``skip`` marks rows whose coordinates were already reported. ``belt`` (WGS 84) may be
    None: then the distance check is skipped.
    """
    spec = LAYERS[layer]
    geoms = np.asarray(geoms, dtype=object).copy()
    ok = ~skip.copy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(ok & missing):
        add(i, label, "import.no_geometry")
    ok &= ~missing
    if "Point" in spec.geom_types:
        multi = ok & (shapely.get_type_id(geoms) == 4) & (shapely.get_num_geometries(geoms) == 1)
        geoms[multi] = shapely.get_geometry(geoms[multi], 0)
    types = np.array(_TYPE_NAMES, dtype=object)[shapely.get_type_id(geoms) + 1]    # None: "" (type id -1)
    for i in np.flatnonzero(ok & ~np.isin(types, spec.geom_types)):
        add(i, label, "import.wrong_geom", got=types[i], valid=", ".join(spec.geom_types))
        ok[i] = False
    in_range = coords.lat_lon_bounds_ok(geoms)
    for i in np.flatnonzero(ok & ~in_range):
        xmin, ymin, xmax, ymax = shapely.bounds(geoms[i])
        hit = coords.check_lat_lon(ymax if abs(ymax) > abs(ymin) else ymin,
                                   xmax if abs(xmax) > abs(xmin) else xmin) or ("lat", "import.lat_range",
                                                                                   {"value": ymax})
        add(i, label, hit[1], **hit[2])
        ok[i] = False
    valid = np.ones(len(geoms), dtype=bool)
    valid[ok] = shapely.is_valid(geoms[ok])
    for i in np.flatnonzero(ok & ~valid):
        add(i, label, "import.invalid_geom", detail=shapely.is_valid_reason(geoms[i]))
        ok[i] = False
    if belt is not None and layer != "belt" and ok.any():
        dist_km = distance_km(geoms[ok], belt)
        for i, d in zip(np.flatnonzero(ok), dist_km, strict=True):
            if not np.isfinite(d) or d > max_distance_km:
                add(i, label, "import.far_from_belt", km=d if np.isfinite(d) else float("inf"),
                    limit=max_distance_km)
    return geoms


# ``geom_type`` by shapely type id + 1 (id -1 is a missing geometry).
_TYPE_NAMES = ("", "Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
               "GeometryCollection")


def distance_km(geoms: np.ndarray, belt) -> np.ndarray:
    """Distance in km from each WGS 84 geometry to the belt polygon, in UTM 48N metres."""
    tr = transformer("EPSG:4326", METRIC)

    def _fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1], errcheck=False)
        return np.column_stack([x, y])

    belt_m = shapely.transform(belt, _fn)
    g_m = shapely.transform(np.asarray(geoms, dtype=object), _fn)
    # A geometry touching the belt is at distance 0 (what GEOS's distance gives it): measured only the others.
    shapely.prepare(belt_m)
    out = np.zeros(len(g_m))
    away = ~shapely.intersects(belt_m, g_m)
    out[away] = shapely.distance(g_m[away], belt_m)
    return out / 1000.0


def parse_extra(values: list, col: str, crs, add: AddProblem, *, geom_types=("Polygon", "MultiPolygon")) -> np.ndarray:
    """A further geometry column (stations' ``area``) given as WKT; blank is allowed."""
    out = _from_wkt(values, col, crs, add)
    for i, g in enumerate(out):
        if g is None:
            continue
        if g.geom_type not in geom_types:
            add(i, col, "import.wrong_geom", got=g.geom_type, valid=", ".join(geom_types))
        elif not g.is_valid:
            add(i, col, "import.invalid_geom", detail=shapely.is_valid_reason(g))
    return out
