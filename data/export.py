"""Export a layer; the format comes from the file extension.

``.geojson .gpkg .csv .xlsx .kml .kmz .gpx .zip`` (Shapefile) ``.fgb`` (FlatGeobuf); see
:mod:`data.exporters` for KML/KMZ, GPX, Shapefile and FlatGeobuf details. A ``.gpkg``
that exists already keeps its other layers: the exported layer is added, or replaces the
layer of the same name; :func:`export_all` writes every layer the user may see into one.

Types: times are written as instants — with the ``+07:00`` offset (GeoJSON, CSV, KML,
FlatGeobuf), in UTC (GeoPackage, GPX, as their specifications ask); XLSX has no time zones
and keeps Vietnam local time. Dates stay dates. Each GDAL layer has one geometry type
(villages stored as polygons: see :mod:`data.exporters.gdal`). GeoJSON polygons are wound
as RFC 7946 asks (outer rings counter-clockwise). CSV gets two sidecars GDAL reads:
``FILE.csvt`` (column types) and ``FILE.prj`` (WGS 84) when the table has coordinates.

The Vietnamese spreadsheet, "bảng tính tiếng Việt": a name ending in ``.vi.csv`` (the format
``.vi.csv`` of :func:`export_formats`) writes Vietnamese headers and labels, ``;`` and decimal
commas for Excel in Vietnamese, 6 decimals of degrees, VN-2000 x/y (EPSG:9212), village and
commune before and after the 2025 merger (:mod:`data.exporters.vi_csv`), plus the watermark
sidecar; it is for reading, not for importing back.

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
leaves half a file. A target that cannot be written (unknown extension, missing folder,
disk full, data the format cannot hold) raises :class:`~core.errors.OutputError`.
"""
from __future__ import annotations

import csv
import datetime as dt
import errno
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

from core import roles
from core.errors import InputError, OutputError
from core.i18n import t
from data.coverage import load_patrols
from data.exporters import gdal as _gdal
from data.exporters import kml as _kml
from data.exporters import vi_csv as _vi
from data.exporters.columns import WriteRefused, column_kinds, iso_time
from data.filters import NO_FILTER, Filter
from data.fsmodes import FILE_MODE, open_private, private_tempdir
from data.patrol_export import SUFFIXES as PATROL_SUFFIXES
from data.patrol_export import write_tracks
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


#: Called with an export's row count before any of its data is written to disk (the audit entry: no copy of the
#: data, finished or not, exists without its record; a stopped export is recorded and has no file).
OnRows = Callable[[int], None]


def make_watermark(user: str | None, *, when: dt.datetime | None = None) -> dict[str, str]:
    """``{"exported_by": user, "exported_at": ISO time}`` for :func:`export_layer`."""
    when = when or dt.datetime.now().astimezone()
    return {"exported_by": user or "", "exported_at": when.isoformat(timespec="seconds")}


def watermark_sidecar(path) -> Path:
    """``incidents.csv`` → ``incidents.csv.watermark.json``."""
    path = Path(path)
    return path.with_name(path.name + ".watermark.json")


def export_formats() -> list[str]:
    """Every format ``export_layer`` writes, by the end of the file name (``.vi.csv``: the Vietnamese spreadsheet)."""
    return sorted(_EXTENSION_TO_WRITER)


def format_of(path) -> str:
    """The format a file name asks for: its extension, or ``.vi.csv``.

    >>> format_of("a/vu_viec.vi.csv"), format_of("vu_viec.CSV"), format_of("x.gpkg")
    ('.vi.csv', '.csv', '.gpkg')
    """
    return _vi.SUFFIX if _vi.is_vi_csv(path) else Path(path).suffix.lower()


def export_layer(con: duckdb.DuckDBPyConnection, layer: str, path, *, flt: Filter | None = None,
                 watermark: dict | None = None, lang: str | None = None, on_rows: OnRows | None = None) -> int:
    """Write ``layer`` (incidents filtered by ``flt``) to ``path``; returns the number of rows.

    ``watermark``: mapping written as metadata (see the module docstring), typically
    :func:`make_watermark`; None writes none. ``on_rows(rows)`` runs before anything is written
    (:data:`OnRows`).
    """
    path = _target(path, lang)
    if layer not in LAYERS:
        raise InputError(t("import.bad_layer", lang, layer=layer, valid=", ".join(LAYERS)))
    writer = _check_target(path, lang)
    if layer != "incidents" and flt is not None and flt != Filter():
        raise InputError(t("export.filter_incidents_only", lang, layer=layer))
    if not LAYERS[layer].geom_types and path.suffix.lower() in _NEEDS_GEOMETRY:
        raise OutputError(t("export.no_geometry", lang, layer=layer, fmt=path.suffix.lower()))
    frame, geoms = _load(con, layer, flt or Filter())
    meta = _meta(con, layer, len(frame), flt, watermark)
    if format_of(path) == _vi.SUFFIX:
        frame = _vi.table(con, layer, frame, geoms, lang="vi")   # a Vietnamese spreadsheet, whatever the UI language
        geoms = None
    if on_rows is not None:
        on_rows(len(frame))
    with staged(path, lang) as tmp:
        writer(tmp, layer, frame, geoms, meta)
    _sidecars(path, layer, frame, geoms, meta, lang)
    return len(frame)


def visible_layers(user) -> list[str]:
    """The store layers ``user`` may export: every layer with :data:`~core.roles.EXPORT`; incidents
    (exact points) only with :data:`~core.roles.INCIDENT_DETAILS`."""
    if not roles.can(user, roles.EXPORT):
        return []
    return [n for n in LAYERS if n != "incidents" or roles.can(user, roles.INCIDENT_DETAILS)]


def export_all(con: duckdb.DuckDBPyConnection, path, *, user, watermark: dict | None = None,
               lang: str | None = None, on_rows: OnRows | None = None) -> dict[str, int]:
    """Every layer ``user`` may see, and the patrol tracks (layer ``patrols``), into one GeoPackage (added
    to it when it exists); rows per layer.

    Columns the role may not receive (:func:`core.roles.redact`) are left out.
    """
    path = _target(path, lang)
    if path.suffix.lower() != ".gpkg":
        raise OutputError(t("export.all_gpkg_only", lang, file=path.name))
    _check_target(path, lang)
    roles.require(user, roles.EXPORT, lang)
    layers = {}
    for layer in visible_layers(user):
        frame, geoms = _load(con, layer, Filter())
        layers[layer] = (roles.redact(user, layer, frame), geoms)
    tracks = load_patrols(con, NO_FILTER)
    counts = {**{layer: len(frame) for layer, (frame, _) in layers.items()}, "patrols": len(tracks)}
    if on_rows is not None:
        on_rows(sum(counts.values()))
    with staged(path, lang) as tmp:
        for layer, (frame, geoms) in layers.items():
            _write_gpkg(tmp, layer, frame, geoms, _meta(con, layer, len(frame), None, watermark))
        write_tracks(tracks, tmp, meta=_meta(con, "patrols", len(tracks), None, watermark))
    return counts


#: Filter fields patrol tracks cannot be filtered by (they are filtered by period and station) → CLI option.
PATROL_UNFILTERED = {"articles": "article", "drugs": "drug", "communes": "commune", "villages": "village",
                     "area": "area"}


def export_patrols(con: duckdb.DuckDBPyConnection, path, flt: Filter = NO_FILTER, *, user,
                   watermark: dict | None = None, lang: str | None = None, on_rows: OnRows | None = None) -> int:
    """The filter's patrol tracks to .gpx (a route for a handheld), .gpkg or .kml; the number of tracks.

    As every export: the role needs :data:`~core.roles.EXPORT` and the file is written privately and
    moved into place whole (:class:`staged`); the caller writes the audit entry. A .gpkg carries the
    watermark and keeps its other layers.
    """
    path = _target(path, lang)
    if path.suffix.lower() not in PATROL_SUFFIXES:
        raise OutputError(t("export.bad_format", lang, file=path.name, valid=", ".join(PATROL_SUFFIXES)))
    _check_place(path, lang)
    roles.require(user, roles.EXPORT, lang)
    unused = [name for name in PATROL_UNFILTERED if getattr(flt, name)]
    if unused:          # a patrol has no article, drug, commune or village: refuse rather than export them all
        raise InputError(t("export.patrol_filters", lang, filters=", ".join(f"--{PATROL_UNFILTERED[n]}"
                                                                             for n in unused)))
    tracks = load_patrols(con, flt)
    if on_rows is not None:
        on_rows(len(tracks))
    with staged(path, lang) as tmp:
        write_tracks(tracks, tmp, meta=_meta(con, "patrols", len(tracks), flt, watermark))
    return len(tracks)


def _target(path, lang) -> Path:
    """The file to write. ``--out FOLDER`` or ``--out NAME/`` names a folder, not a file: say so (not "cannot
    export this format", and not a file written at ``NAME``)."""
    if str(path).endswith(("/", os.sep)):
        _refuse_folder(path, lang)
    _check_not_folder(Path(path), lang)
    return Path(path)


def _refuse_folder(path, lang) -> None:
    raise OutputError(t("export.unwritable", lang, path=path, detail=os.strerror(errno.EISDIR)))


def _check_not_folder(path: Path, lang) -> None:
    if path.is_dir():
        _refuse_folder(path, lang)


def _check_target(path: Path, lang):
    writer = _EXTENSION_TO_WRITER.get(format_of(path))
    if writer is None:
        raise OutputError(t("export.bad_format", lang, file=path.name, valid=", ".join(export_formats())))
    _check_place(path, lang)
    return writer


def _check_place(path: Path, lang) -> None:
    """Where an export of any format lands: its folder exists, no folder sits in a side file's place, and a
    .gpkg that exists is a GeoPackage (the new layer is added to it) — all before anything is written."""
    for side in _sidecar_paths(path):
        _check_not_folder(side, lang)
    if not path.parent.is_dir():
        raise OutputError(t("export.no_dir", lang, path=path.parent))
    if path.suffix.lower() == ".gpkg" and path.exists():
        import pyogrio

        try:
            with open(path, "rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise ValueError("not SQLite")
            pyogrio.list_layers(str(path))
        except Exception as exc:  # noqa: BLE001 -- any reader failure: not a GeoPackage we may add to
            raise OutputError(t("export.not_gpkg", lang, path=path.name)) from exc


def _meta(con: duckdb.DuckDBPyConnection, layer: str, rows: int, flt: Filter | None,
          watermark: dict | None) -> dict | None:
    if watermark is None:
        return None
    return {**{k: str(v) for k, v in watermark.items()}, "layer": layer, "rows": str(rows),
            "filter": json.dumps((flt or Filter()).to_query(), ensure_ascii=False),
            "illustrative": str(is_demo(con)).lower(), "schema_version": get_meta(con, "schema_version", "")}


class staged:
    """Write to a private folder beside ``path`` (0700) and move the file into place, 0600, on success.

    A GeoPackage that exists is copied first, so the new layer is added to its other layers. No
    other OS user can open the file while it is written, whatever the umask (data.fsmodes).
    """

    def __init__(self, path: Path, lang):
        self.path, self.lang = path, lang
        self.scratch: Path | None = None

    def __enter__(self) -> Path:
        try:
            self.scratch = private_tempdir(f".{self.path.name}.", dir=self.path.parent)
            self.tmp = self.scratch / self.path.name
            if self.path.suffix.lower() == ".gpkg" and self.path.exists():
                shutil.copyfile(self.path, self.tmp)
        except OSError as exc:
            self._cleanup()
            raise OutputError(t("export.unwritable", self.lang, path=self.path,
                                detail=exc.strerror or str(exc))) from exc
        return self.tmp

    def _cleanup(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def __exit__(self, kind, exc, tb):
        try:
            if exc is None:
                os.chmod(self.tmp, FILE_MODE)
                os.replace(self.tmp, self.path)
            elif isinstance(exc, WriteRefused):
                raise OutputError(t(exc.key, self.lang, **exc.fields)) from exc
            elif isinstance(exc, OSError):
                raise OutputError(t("export.unwritable", self.lang, path=self.path,
                                    detail=exc.strerror or str(exc))) from exc
        except OSError as err:
            raise OutputError(t("export.unwritable", self.lang, path=self.path,
                                detail=err.strerror or str(err))) from err
        finally:
            self._cleanup()
        return False


def _sidecar_paths(path: Path) -> list[Path]:
    """The files a .csv export writes beside itself: the watermark, the GDAL types and the projection."""
    if path.suffix.lower() != ".csv":
        return []
    return [watermark_sidecar(path), path.with_suffix(".csvt"), path.with_suffix(".prj")]


def _sidecars(path: Path, layer: str, frame, geoms, meta, lang=None) -> None:
    if path.suffix.lower() != ".csv":
        return
    try:
        _write_sidecars(path, layer, frame, geoms, meta)
    except OSError as exc:
        raise OutputError(t("export.unwritable", lang, path=path, detail=exc.strerror or str(exc))) from exc


def _write_sidecars(path: Path, layer: str, frame, geoms, meta) -> None:
    if meta is not None:
        with open_private(watermark_sidecar(path), "w", encoding="utf-8") as fh:
            fh.write(json.dumps(meta, ensure_ascii=False, indent=2))
    if format_of(path) == _vi.SUFFIX:           # text cells in Vietnamese notation: no GDAL types, no .prj
        for side in (".csvt", ".prj"):
            path.with_suffix(side).unlink(missing_ok=True)
        return
    table = _table(layer, frame, geoms)
    write_csv_sidecars(path, table, layer)


#: Column kind → GDAL CSV type (``.csvt``).
_CSVT = {"text": "String", "int": "Integer64", "float": "Real", "date": "Date", "timestamp": "DateTime",
         "bool": "Integer(Boolean)"}


def write_csv_sidecars(path: Path, table: pd.DataFrame, layer: str | None = None, *,
                       kinds: dict[str, str] | None = None) -> None:
    """``FILE.csvt`` (one GDAL type per column) and, when the table has coordinates, ``FILE.prj``.

    ``kinds`` overrides the kinds :func:`column_kinds` gives (a column of days held as datetimes: ``"date"``).
    """
    import pyproj

    kinds = {**column_kinds(table, layer), **(kinds or {})}
    types = []
    for col in table.columns:
        if col == "lat":
            types.append("CoordY")
        elif col == "lon":
            types.append("CoordX")
        elif col == "wkt":
            types.append("WKT")
        else:
            types.append(_CSVT[kinds.get(col, "text")])
    with open_private(path.with_suffix(".csvt"), "w", encoding="ascii") as fh:
        fh.write(",".join(f'"{x}"' for x in types) + "\n")
    prj = path.with_suffix(".prj")
    if {"lat", "lon"} <= set(table.columns) or "wkt" in table.columns:
        with open_private(prj, "w", encoding="ascii") as fh:
            fh.write(pyproj.CRS("EPSG:4326").to_wkt("WKT1_GDAL"))
    else:
        prj.unlink(missing_ok=True)


def _load(con: duckdb.DuckDBPyConnection, layer: str, flt: Filter) -> tuple[pd.DataFrame, np.ndarray | None]:
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
        vals: list[object]
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
    return [list(r) for r in zip(*cols, strict=True)] if cols else []


def _csv_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return iso_time(v) or ""                  # NaT: an empty cell, like None
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
        return iso_time(v)
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
        g = None if geoms is None or geoms[i] is None else _rfc7946(geoms[i])
        feats.append({"type": "Feature", "properties": {k: _json_value(v) for k, v in rec.items()}, "geometry": g})
    doc: dict[str, object] = {"type": "FeatureCollection", "name": layer}
    if meta is not None:
        doc["watermark"] = meta
    doc["features"] = feats
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False)


def _rfc7946(geom) -> dict:
    """GeoJSON geometry with polygon outer rings counter-clockwise, holes clockwise (RFC 7946 §3.1.6)."""
    return json.loads(shapely.to_geojson(shapely.orient_polygons(geom)))


def _write_gpkg(path: Path, layer: str, frame, geoms, meta) -> None:
    _gdal.write_gpkg(path, _gdal.layer_parts(layer, frame, geoms), meta)


def _write_fgb(path: Path, layer: str, frame, geoms, meta) -> None:
    _gdal.write_fgb(path, _gdal.layer_parts(layer, frame, geoms, area_layer=False), meta)


def _write_shp_zip(path: Path, layer: str, frame, geoms, meta) -> None:
    _gdal.write_shp_zip(path, _gdal.layer_parts(layer, frame, geoms), meta)


def _write_gpx(path: Path, layer: str, frame, geoms, meta) -> None:
    _gdal.write_gpx(path, _gdal.layer_parts(layer, frame, geoms, area_layer=False), meta)


def _write_vi_csv(path: Path, layer: str, frame, geoms, meta) -> None:
    _vi.write(path, frame)


def _write_kml(path: Path, layer: str, frame, geoms, meta) -> None:
    _kml.write_kml(path, layer, frame, column_kinds(frame, layer), geoms, meta)


def _write_kmz(path: Path, layer: str, frame, geoms, meta) -> None:
    _kml.write_kmz(path, layer, frame, column_kinds(frame, layer), geoms, meta)


#: Formats that carry geometry only (a table without geometry is refused).
_NEEDS_GEOMETRY = {".kml", ".kmz", ".gpx", ".zip", ".fgb"}
GEOMETRY_ONLY = frozenset(_NEEDS_GEOMETRY)

#: File extension → writer(path, layer, frame, geometries, metadata).
_EXTENSION_TO_WRITER = {
    ".geojson": _write_geojson,
    ".gpkg": _write_gpkg,
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".kml": _write_kml,
    ".kmz": _write_kmz,
    ".gpx": _write_gpx,
    ".zip": _write_shp_zip,
    ".fgb": _write_fgb,
    _vi.SUFFIX: _write_vi_csv,
}
