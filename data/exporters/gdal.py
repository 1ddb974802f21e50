"""GeoPackage, FlatGeobuf, zipped Shapefile and GPX, written by GDAL (pyogrio).

Every layer has one geometry type: a layer whose lines (or polygons) mix single and
multi parts is written as Multi*; villages stored as polygons are written as points (a
point on the polygon) in ``villages`` and, with their outline, in a second layer
``villages_area`` (GeoPackage, Shapefile zip); FlatGeobuf and GPX hold the points only.

Types: dates are dates (GeoPackage, Shapefile; FlatGeobuf has no date type and writes
midnight DateTime), times are instants (GeoPackage in UTC as its specification asks,
FlatGeobuf with +07:00, Shapefile as ISO text with +07:00 since dBASE has no time type).

Shapefile field names are cut to 10 characters by :data:`SHAPEFILE_NAMES`; a name not in
the table is cut to its first 10 characters (then ``_1``, ``_2``… if two collide). dBASE
text holds at most 254 bytes: a longer value is refused (use .gpkg), never cut; stations'
areas go into their own ``stations_area.shp`` in the zip instead of WKT text.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj

from data.exporters.columns import WriteRefused, arrow_table, column_kinds, geometry_type, is_missing, iso_time

CRS = "EPSG:4326"

#: Field name → dBASE name (10 characters at most). Documented in README ("Shapefile").
SHAPEFILE_NAMES: dict[str, str] = {
    "occurred_at": "occurred",
    "description": "descriptn",
    "approximate": "approx",
    "decision_ref": "decis_ref",
    "incidents_within": "inc_within",
    "incidents_recent": "inc_recent",
    "alert_reason": "alert_why",
    "dist_border_m": "d_border_m",
    "nearest_crossing": "near_cross",
    "dist_crossing_m": "d_cross_m",
    "nearest_trail": "near_trail",
    "dist_trail_m": "d_trail_m",
}
DBF_TEXT_BYTES = 254

#: GPX ``<sym>`` per crossing kind (Garmin symbol names); other waypoints get "Waypoint".
GPX_SYMBOLS = {"international_gate": "Flag, Blue", "main_gate": "Flag, Blue", "secondary_gate": "Flag, Green",
               "opening": "Flag, Red", "trail_crossing": "Trail Head"}


class Part:
    """One output layer: a name, attribute columns with their kinds, geometries and a default type."""

    def __init__(self, name: str, frame: pd.DataFrame, kinds: dict[str, str], geoms, default_type: str | None):
        self.name, self.frame, self.kinds, self.geoms, self.default_type = name, frame, kinds, geoms, default_type


def layer_parts(layer: str, frame: pd.DataFrame, geoms, *, area_layer: bool = True) -> list[Part]:
    """The parts a store layer is written as (see the module docstring)."""
    import shapely

    from data.schema import LAYERS

    spec = LAYERS[layer]
    kinds = column_kinds(frame, layer)
    if geoms is None:
        return [Part(layer, frame, kinds, None, None)]
    default = spec.geom_types[0]
    geoms = np.asarray(geoms, dtype=object)
    if "Point" in spec.geom_types and len(spec.geom_types) > 1:
        polys = np.array([g is not None and g.geom_type != "Point" for g in geoms], dtype=bool)
        if polys.any():
            points = geoms.copy()
            points[polys] = shapely.point_on_surface(geoms[polys])
            parts = [Part(layer, frame, kinds, points, "Point")]
            if area_layer:
                sub = frame.loc[polys, ["id", "name"]].reset_index(drop=True)
                parts.append(Part(f"{layer}_area", sub, column_kinds(sub, layer), geoms[polys], "MultiPolygon"))
            return parts
    return [Part(layer, frame, kinds, geoms, default)]


def write_parts(path: Path, parts: list[Part], meta: dict | None, *, driver: str,
                **table_options) -> None:
    """Write each part as a layer of ``path`` (GPKG: added to the file, a same-named layer replaced)."""
    import pyogrio

    for part in parts:
        kw = {}
        if part.geoms is not None:
            gtype, promote = geometry_type(part.geoms, part.default_type)
            kw = {"geometry_name": "geometry", "geometry_type": gtype, "crs": CRS}
        else:
            promote = False
        table = arrow_table(part.frame, part.kinds, part.geoms, promote_to_multi=promote, **table_options)
        opts = {"OVERWRITE": "YES"} if driver == "GPKG" else None
        pyogrio.write_arrow(table, str(path), layer=part.name, driver=driver, metadata=meta, layer_options=opts,
                            **kw)


def write_gpkg(path: Path, parts: list[Part], meta: dict | None) -> None:
    write_parts(path, parts, meta, driver="GPKG", utc_times=True)


def write_fgb(path: Path, parts: list[Part], meta: dict | None) -> None:
    write_parts(path, parts[:1], meta, driver="FlatGeobuf")


def shapefile_name(name: str) -> str:
    """The dBASE field name for ``name``.

    >>> shapefile_name("occurred_at"), shapefile_name("quantity_g"), shapefile_name("trend_tau")
    ('occurred', 'quantity_g', 'trend_tau')
    """
    return SHAPEFILE_NAMES.get(name, name[:10])


def _dbf_frame(part: Part) -> Part:
    names, seen = {}, set()
    for col in part.frame.columns:
        short = shapefile_name(col)
        k = 1
        while short.lower() in seen:
            short = f"{shapefile_name(col)[:8]}_{k}"
            k += 1
        seen.add(short.lower())
        names[col] = short
    frame = part.frame.copy()
    for col, kind in part.kinds.items():
        if kind == "timestamp":
            frame[col] = [iso_time(v) for v in frame[col]]
        elif kind == "text":
            for i, v in enumerate(frame[col]):
                if not is_missing(v) and len(str(v).encode("utf-8")) > DBF_TEXT_BYTES:
                    raise WriteRefused("export.shp_text_too_long", layer=part.name, row=i + 1, column=col,
                                n=len(str(v).encode("utf-8")), limit=DBF_TEXT_BYTES)
    kinds = {names[c]: ("text" if k == "timestamp" else k) for c, k in part.kinds.items()}
    return Part(part.name, frame.rename(columns=names), kinds, part.geoms, part.default_type)


def write_shp_zip(path: Path, parts: list[Part], meta: dict | None) -> None:
    """A .zip holding ``LAYER.shp .shx .dbf .prj .cpg`` per part (UTF-8, WGS 84)."""
    import tempfile

    parts = [q for p in parts for q in _wkt_to_layers(p)]
    with tempfile.TemporaryDirectory(prefix="bw-shp-", dir=path.parent) as tmp:
        folder = Path(tmp)
        for part in parts:
            if part.geoms is None:
                raise WriteRefused("export.no_geometry", layer=part.name, fmt=".zip")
            _write_one_shp(folder, _dbf_frame(part))
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(folder.iterdir()):
                zf.write(f, f.name)


def _wkt_to_layers(part: Part) -> list[Part]:
    """A further geometry kept as WKT text (stations' ``area_wkt``) becomes its own shapefile
    (``stations_area.shp``: id, name and the polygon), since dBASE text stops at 254 bytes."""
    import shapely

    extra = [c for c in part.frame.columns if c.endswith("_wkt")]
    if not extra:
        return [part]
    out = [Part(part.name, part.frame.drop(columns=extra), {k: v for k, v in part.kinds.items() if k not in extra},
                part.geoms, part.default_type)]
    for col in extra:
        has = part.frame[col].notna().to_numpy()
        sub = part.frame.loc[has, ["id", "name"]].reset_index(drop=True)
        geoms = shapely.from_wkt(part.frame.loc[has, col].to_numpy())
        out.append(Part(f"{part.name}_{col[:-4]}", sub, {"id": "text", "name": "text"}, geoms, "Polygon"))
    return out


def _write_one_shp(folder: Path, part: Part) -> None:
    import pyogrio

    gtype, promote = geometry_type(part.geoms, part.default_type)
    table = arrow_table(part.frame, part.kinds, part.geoms, promote_to_multi=promote)
    shp = folder / f"{part.name}.shp"
    pyogrio.write_arrow(table, str(shp), driver="ESRI Shapefile", geometry_name="geometry", geometry_type=gtype,
                        crs=CRS, encoding="UTF-8")
    if not shp.with_suffix(".cpg").exists():
        shp.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")
    if not shp.with_suffix(".prj").exists():
        shp.with_suffix(".prj").write_text(pyproj.CRS(CRS).to_wkt("WKT1_ESRI"), encoding="ascii")


# -- GPX ----------------------------------------------------------------------------------

#: Point layer → (GPX element → layer field). Fields not listed go to ``<extensions>`` under
#: their own names (GDAL reads them back as ``ogr_NAME``).
GPX_ELEMENTS: dict[str, dict[str, str]] = {
    "crossings": {"name": "name", "type": "kind"},
    "villages": {"name": "name"},
    "stations": {"name": "name"},
    "incidents": {"name": "id", "time": "occurred_at", "desc": "description", "type": "drug"},
}


def gpx_columns(layer: str, fields: list[str]) -> dict[str, str]:
    """GPX column as GDAL reads it back → layer field (a ``mapping`` for the importer).

    >>> gpx_columns("crossings", ["id", "name", "kind"])
    {'name': 'name', 'type': 'kind', 'ogr_id': 'id'}
    """
    elements = GPX_ELEMENTS[layer]
    out = dict(elements)
    for f in fields:
        if f not in elements.values():
            out[f"ogr_{f}"] = f
    return out


def write_gpx(path: Path, parts: list[Part], meta: dict | None) -> None:
    """Waypoints (``<wpt>``) for a point layer; Garmin-readable GPX 1.1, times in UTC."""
    import geopandas as gpd
    import pyogrio

    from core.vocab import label

    part = parts[0]
    layer = part.name
    if layer not in GPX_ELEMENTS:
        raise WriteRefused("export.gpx_points_only", layer=layer, valid=", ".join(GPX_ELEMENTS))
    elements = GPX_ELEMENTS[layer]
    f = part.frame
    out = pd.DataFrame(index=range(len(f)))
    for element, field in elements.items():
        if element == "time":
            out["time"] = pd.to_datetime([iso_time(v) for v in f[field]], utc=True, format="ISO8601")
        else:
            out[element] = [None if is_missing(v) else str(v) for v in f[field]]
    if layer == "crossings":
        out["desc"] = [None if is_missing(k) else label("crossing_kind", k, "vi") for k in f["kind"]]
    elif layer in ("villages", "stations"):          # the line a handheld shows under the name, as in KML
        from data.exporters.kml import _summary
        out["desc"] = [_summary(layer, r) or None for r in f.to_dict(orient="records")]
    out["sym"] = [GPX_SYMBOLS.get(k, "Waypoint") for k in f["kind"]] if layer == "crossings" else "Waypoint"
    for col in f.columns:
        if col in elements.values():
            continue
        kind = part.kinds.get(col, "text")
        s = f[col]
        if kind == "int":
            out[col] = pd.array([None if is_missing(v) else int(v) for v in s], dtype="Int64")
        elif kind == "float":
            out[col] = pd.array([None if is_missing(v) else float(v) for v in s], dtype="Float64")
        elif kind == "bool":
            out[col] = [None if is_missing(v) else ("true" if v else "false") for v in s]
        elif kind == "timestamp":
            out[col] = [iso_time(v) for v in s]
        else:
            out[col] = [None if is_missing(v) else str(v) for v in s]
    gdf = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(list(part.geoms), crs=CRS), crs=CRS)
    pyogrio.write_dataframe(gdf, str(path), layer="waypoints", driver="GPX",
                            dataset_options={"GPX_USE_EXTENSIONS": "YES"})
