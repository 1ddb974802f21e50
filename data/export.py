"""Export a layer to GeoJSON, GeoPackage, CSV or XLSX; the format comes from the file extension.

Columns: the layer's fields plus its geometry. In CSV/XLSX, incidents have exactly
``id, occurred_at, lat, lon, article, drug, quantity_g, tablets, persons, station_id,
description``; other layers have their fields plus ``lat, lon`` when every geometry is a
point, else ``wkt``; stations add ``area_wkt`` (also in GeoJSON/GPKG). Everything is in
WGS 84 (EPSG:4326). A filter applies to incidents only.

Safety: CSV and XLSX text cells that start with ``= + - @`` (or a tab / carriage return)
are neutralised with a leading single quote, so a spreadsheet never runs them. XLSX cells
are capped at Excel's 32,767 characters, XML-illegal control characters are dropped and
numbers keep 16 significant digits (openpyxl; Excel shows 15);
GeoJSON and GPKG keep text exactly as stored.

Watermark (who exported, when, which layer and filter, whether the data are
illustrative): GeoJSON — a top-level ``"watermark"`` member; GPKG — layer metadata
(``pyogrio.read_info(path)["layer_metadata"]``); XLSX — workbook properties and a
``watermark`` sheet; CSV — a sidecar ``<file>.watermark.json`` beside it, so the CSV itself
stays a plain table every reader accepts (no comment line, no extra column).
Files are written to a temporary name and moved into place, so a failed export never
leaves half a file.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from core.errors import InputError
from core.i18n import t
from data.filters import Filter
from data.fsmodes import open_private, private_write
from data.schema import LAYERS
from data.store import get_meta, is_demo, read_layer

INCIDENT_CSV_COLUMNS = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons",
                        "station_id", "description"]
XLSX_CELL_MAX = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with a single quote.

    >>> neutralise('=HYPERLINK("http://x")'), neutralise("Lao Bảo"), neutralise(-5)
    ('\\'=HYPERLINK("http://x")', 'Lao Bảo', -5)
    >>> neutralise("'=1")
    "''=1"

    Text already starting with quotes before a formula character gets one more, so that
    the importer, which takes exactly one such quote off, gives back the stored text.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START):
        return "'" + value
    return value


def make_watermark(user: str | None, *, when: dt.datetime | None = None) -> dict[str, str]:
    """``{"exported_by": user, "exported_at": ISO time}`` for :func:`export_layer`."""
    when = when or dt.datetime.now().astimezone()
    return {"exported_by": user or "", "exported_at": when.isoformat(timespec="seconds")}


def watermark_sidecar(path) -> Path:
    """``incidents.csv`` → ``incidents.csv.watermark.json``."""
    path = Path(path)
    return path.with_name(path.name + ".watermark.json")


def export_formats() -> list[str]:
    return sorted(_EXTENSION_TO_WRITER)


def export_layer(con, layer: str, path, *, flt: Filter | None = None, watermark: dict | None = None,
                 lang: str | None = None) -> int:
    """Write ``layer`` (incidents filtered by ``flt``) to ``path``; returns the number of rows.

    ``watermark``: mapping written as metadata (see the module docstring), typically
    :func:`make_watermark`; None writes none.
    """
    path = Path(path)
    if layer not in LAYERS:
        raise InputError(t("import.bad_layer", lang, layer=layer, valid=", ".join(LAYERS)))
    writer = _EXTENSION_TO_WRITER.get(path.suffix.lower())
    if writer is None:
        raise InputError(t("export.bad_format", lang, file=path.name, valid=", ".join(export_formats())))
    if not path.parent.is_dir():
        raise InputError(t("export.no_dir", lang, path=path.parent))
    if layer != "incidents" and flt is not None and flt != Filter():
        raise InputError(t("export.filter_incidents_only", lang, layer=layer))
    frame, geoms = _load(con, layer, flt or Filter())
    meta = None
    if watermark is not None:
        meta = {**{k: str(v) for k, v in watermark.items()}, "layer": layer, "rows": str(len(frame)),
                "filter": json.dumps((flt or Filter()).to_query(), ensure_ascii=False),
                "illustrative": str(is_demo(con)).lower(), "schema_version": get_meta(con, "schema_version", "")}
    try:     # 0600 whatever the umask, written in a private folder and renamed into place
        private_write(path, lambda tmp: writer(tmp, layer, frame, geoms, meta))
        if meta is not None and path.suffix.lower() in _SIDECAR_WATERMARK:
            with open_private(watermark_sidecar(path), "w", encoding="utf-8") as fh:
                fh.write(json.dumps(meta, ensure_ascii=False, indent=2))
    except OSError as exc:
        raise InputError(t("export.unwritable", lang, path=path, detail=exc.strerror or str(exc))) from exc
    return len(frame)


def _load(con, layer: str, flt: Filter) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The layer's fields (plus stations' area) and geometries in WGS 84, in key order."""
    spec = LAYERS[layer]
    if layer == "incidents":
        where, params = flt.where()
        gdf = read_layer(con, layer, where=where, params=params, columns=spec.field_names)
        gdf = gdf.sort_values(["occurred_at", "id"], kind="stable")
    elif spec.geom_types:
        gdf = read_layer(con, layer, columns=spec.field_names).sort_values("id", kind="stable")
    else:
        cols = ", ".join(spec.field_names)
        return con.execute(f"SELECT {cols} FROM {layer} ORDER BY village_id, decided_on, status").df(), None
    frame = pd.DataFrame(gdf[spec.field_names])
    for g in spec.extra_geoms:
        frame[f"{g}_wkt"] = [None if x is None else shapely.to_wkt(x, rounding_precision=-1) for x in gdf[g]]
    return frame.reset_index(drop=True), np.asarray(gdf.geometry.values, dtype=object)


def _table(layer: str, frame: pd.DataFrame, geoms: np.ndarray | None) -> pd.DataFrame:
    """Columns for CSV/XLSX: lat/lon for points, else WKT."""
    out = frame.copy()
    if geoms is None:
        return out
    types = shapely.get_type_id(geoms)
    if len(geoms) == 0 or (types == 0).all():
        out.insert(1 if layer != "incidents" else 2, "lat", shapely.get_y(geoms))
        out.insert(2 if layer != "incidents" else 3, "lon", shapely.get_x(geoms))
    else:
        out.insert(len(LAYERS[layer].fields), "wkt", shapely.to_wkt(geoms, rounding_precision=-1))
    if layer == "incidents":
        out = out[INCIDENT_CSV_COLUMNS]
    elif "lat" in out.columns:
        fields = LAYERS[layer].field_names
        out = out[fields + ["lat", "lon"] + [c for c in out.columns if c not in fields + ["lat", "lon"]]]
    return out


def _cells(frame: pd.DataFrame, layer: str) -> list[list]:
    """Python values per row: numbers as numbers, times as datetimes, text neutralised."""
    spec = LAYERS[layer]
    cols = []
    for name in frame.columns:
        f = spec.get(name)
        s = frame[name]
        kind = f.kind if f else ("float" if name in ("lat", "lon") else "text")
        if kind in ("int",):
            vals = [None if pd.isna(v) else int(v) for v in s]
        elif kind == "float":
            vals = [None if pd.isna(v) else float(v) for v in s]
        elif kind == "timestamp":
            vals = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in s]
        elif kind == "date":
            vals = [None if pd.isna(v) else pd.Timestamp(v).date() for v in s]
        elif kind == "bool":
            vals = [None if pd.isna(v) else bool(v) for v in s]
        else:
            vals = [None if v is None or (isinstance(v, float) and np.isnan(v)) else neutralise(str(v)) for v in s]
        cols.append(vals)
    return [list(r) for r in zip(*cols)] if cols else []


def _csv_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _write_csv(path: Path, layer: str, frame, geoms, meta) -> None:
    table = _table(layer, frame, geoms)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(table.columns))
        for row in _cells(table, layer):
            w.writerow([_csv_text(v) for v in row])


def _write_xlsx(path: Path, layer: str, frame, geoms, meta) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(v):
        if isinstance(v, str):
            v = ILLEGAL_CHARACTERS_RE.sub("", v)
            return v if len(v) <= XLSX_CELL_MAX else v[:XLSX_CELL_MAX - 1] + "…"
        return v

    table = _table(layer, frame, geoms)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(layer)
    ws.append(list(table.columns))
    for row in _cells(table, layer):
        ws.append([cell(v) for v in row])
    if meta is not None:
        wb.properties.creator = meta.get("exported_by") or None
        wb.properties.description = json.dumps(meta, ensure_ascii=False)
        info = wb.create_sheet("watermark")
        for k, v in meta.items():
            info.append([k, cell(neutralise(v))])
    wb.save(path)


def _json_value(v):
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(v).isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _write_geojson(path: Path, layer: str, frame, geoms, meta) -> None:
    records = frame.to_dict(orient="records")
    feats = []
    for i, rec in enumerate(records):
        g = None if geoms is None or geoms[i] is None else json.loads(shapely.to_geojson(geoms[i]))
        feats.append({"type": "Feature", "properties": {k: _json_value(v) for k, v in rec.items()}, "geometry": g})
    doc = {"type": "FeatureCollection", "name": layer}
    if meta is not None:
        doc["watermark"] = meta
    doc["features"] = feats
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False)


def _write_gpkg(path: Path, layer: str, frame, geoms, meta) -> None:
    import geopandas as gpd
    import pyogrio

    out = frame.copy()
    for f in LAYERS[layer].fields:
        if f.kind == "date":
            out[f.name] = pd.to_datetime(out[f.name])  # GPKG DateTime at midnight; NULL stays NULL
    if geoms is not None:
        gdf = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")
        kinds = {g.geom_type for g in geoms if g is not None}
        gtype = kinds.pop() if len(kinds) == 1 else "Unknown"
        pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG", geometry_type=gtype,
                                promote_to_multi=False, metadata=meta)
    else:
        pyogrio.write_dataframe(out, path, layer=layer, driver="GPKG", metadata=meta)


_SIDECAR_WATERMARK = {".csv"}

#: File extension → writer(path, layer, frame, geometries, metadata).
_EXTENSION_TO_WRITER = {
    ".geojson": _write_geojson,
    ".gpkg": _write_gpkg,
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
}
