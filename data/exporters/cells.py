"""Analysis outputs as files: CSV (with ``.csvt``), GeoJSON and GeoPackage with geometry.

Geometry per output (``GEOMETRY_SOURCE``): H3 cells as their hexagon polygons
(``hotspots``, ``emerging``, patrol ``coverage`` and its hot-cell gaps ``gap_cells``), villages
as their points (``village_exposure``), crossings as points and trails as lines
(``corridor_crossings``, ``corridor_trails``; stale crossings ``gap_crossings``), incidents as
their points (``corridor_incidents``); the per-km border table has none (a GeoPackage
attribute table, GeoJSON features with null geometry). A GeoPackage that exists keeps its
other layers; the output's layer is added or replaced.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import h3
import numpy as np
import pandas as pd
import shapely

from core.errors import OutputError
from core.i18n import t

#: Output name → (key column, where its geometry comes from). None: no geometry.
GEOMETRY_SOURCE: dict[str, tuple[str, str] | None] = {
    "hotspots": ("h3", "h3"),
    "emerging": ("h3", "h3"),
    "coverage": ("h3", "h3"),
    "gap_cells": ("h3", "h3"),
    "gap_crossings": ("id", "crossings"),
    "village_exposure": ("village_id", "villages"),
    "corridor_incidents": ("id", "incidents"),
    "corridor_crossings": ("id", "crossings"),
    "corridor_trails": ("id", "trails"),
    "corridor_chainage": None,
}
ANALYSIS_FORMATS = (".csv", ".geojson", ".gpkg")


def check_out(path: Path, what: str, lang: str | None = None) -> None:
    """Refuse (:class:`OutputError`) an extension other than .csv/.geojson/.gpkg before any work."""
    if path.suffix.lower() not in ANALYSIS_FORMATS:
        raise OutputError(t("analysis.bad_out", lang, file=path.name, what=what, valid=", ".join(ANALYSIS_FORMATS)))


def geometries(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame, lang: str | None = None):
    """Geometries for the rows of ``df`` (in row order) and the layer's geometry type; (None, None) for none."""
    from data.store import read_layer
    from geo.h3grid import cell_polygons

    source = GEOMETRY_SOURCE.get(name)
    if source is None:
        return None, None
    key, layer = source
    if layer == "h3":
        cells = np.array([h3.str_to_int(c) for c in df[key]], dtype=np.uint64)
        polys = cell_polygons(cells).geometry.values if len(cells) else []
        return np.asarray(list(polys), dtype=object), "Polygon"
    stored = read_layer(con, layer, columns=["id"]).set_index("id").geometry
    missing = set(df[key]) - set(stored.index)
    if missing:
        raise OutputError(t("analysis.no_store_layer", lang, layer=layer, what=name))
    geoms = np.asarray(stored.loc[list(df[key])].values, dtype=object) if len(df) else np.array([], dtype=object)
    if layer == "villages" and len(geoms):
        polys = np.array([g.geom_type != "Point" for g in geoms])
        geoms[polys] = shapely.point_on_surface(geoms[polys])
    return geoms, {"villages": "Point", "incidents": "Point", "crossings": "Point", "trails": "LineString"}[layer]


def write_output(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, out: Path, *, name: str,
                 lang: str | None = None, kinds: dict[str, str] | None = None) -> None:
    """Write one analysis table to ``out`` (format from the extension; see the module docstring).

    ``kinds`` overrides the column kinds read from the dtypes (e.g. ``{"last_patrol": "date"}``).
    """
    from data.export import _json_value, _rfc7946, staged, write_csv_sidecars
    from data.exporters.columns import column_kinds
    from data.exporters.gdal import Part, write_parts

    out = Path(out)
    check_out(out, name, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    df = df.reset_index(drop=True)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        with staged(out, lang) as tmp:
            df.to_csv(tmp, index=False)
        write_csv_sidecars(out, df, kinds=kinds)
        return
    geoms, gtype = geometries(con, name, df, lang)
    with staged(out, lang) as tmp:
        if suffix == ".gpkg":
            col_kinds = {**column_kinds(df), **(kinds or {})}
            write_parts(tmp, [Part(name, df, col_kinds, geoms, gtype)], None, driver="GPKG", utc_times=True)
        else:
            feats = [{"type": "Feature", "properties": {k: _json_value(v) for k, v in rec.items()},
                      "geometry": None if geoms is None else _rfc7946(geoms[i])}
                     for i, rec in enumerate(df.to_dict(orient="records"))]
            doc = {"type": "FeatureCollection", "name": name, "features": feats}
            tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
