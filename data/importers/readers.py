"""Read one file into a raw table: attribute columns as written, geometry in the file's CRS.

One reader per format, chosen from the file extension through ``_EXTENSION_TO_READER``.
Readers check size, row count, encoding and damage first and raise a one-line
:class:`~core.errors.InputError` (file name + reason) for a file that cannot be read at
all: empty, truncated, not UTF-8 without ``encoding``, a shapefile without ``.prj`` and
no CRS given. They never parse values; :mod:`data.importers.validate` does.

In CSV and XLSX a text cell written as ``'=...`` (a leading quote before ``= + - @``,
as :func:`data.export.neutralise` writes it) is read without that quote, so an exported
file imports back to exactly what was stored.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj

from core.errors import InputError
from core.i18n import t
from core.vocab import fold
from data.importers import shapefiles

#: Upload limits (issue #6). Module constants; callers may pass their own.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 500_000

# A leading quote that an exporter put before = + - @ (formula neutralising) is taken off again.
_QUOTED_FORMULA = re.compile(r"^'(?='*[=+\-@\t\r])")

# LIBKML's per-placemark fields that say nothing about the data.
_KML_NOISE = ("altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon", "snippet", "begin", "end")


@dataclass
class RawTable:
    """What a reader found. ``rows[i]`` is the 1-based data row of record ``i`` (header excluded)."""

    frame: pd.DataFrame
    geometry: np.ndarray | None          # shapely geometries in ``crs``; None for CSV/XLSX
    crs: pyproj.CRS | None
    has_prj: bool = True                 # False: a shapefile without .prj
    encoding: str | None = None
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    bad_rows: list[tuple[int, str, dict]] = field(default_factory=list)   # (row, key, fields)


def supported_extensions() -> list[str]:
    return sorted(_EXTENSION_TO_READER)


def read_raw(path: Path, *, layer: str, encoding: str | None = None, max_bytes: int | None = None,
             max_rows: int | None = None, lang: str | None = None, name: str | None = None) -> RawTable:
    """Read ``path`` with the reader for its extension, after the size checks.

    ``name`` is the file name used in messages (default: the path's name).
    """
    path = Path(path)
    shown = name or path.name
    ext = path.suffix.lower()
    reader = _EXTENSION_TO_READER.get(ext)
    if reader is None:
        raise InputError(t("import.bad_format", lang, file=shown, ext=ext or "?",
                           valid=", ".join(supported_extensions())))
    if not path.is_file():
        raise InputError(t("import.no_file", lang, file=name or str(path)))
    size = path.stat().st_size
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if size == 0:
        raise InputError(t("import.empty", lang, file=shown))
    if size > limit:
        raise InputError(t("import.too_big", lang, file=shown, mb=size / 2**20, limit=limit / 2**20))
    if encoding:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(t("import.bad_encoding_name", lang, encoding=encoding)) from None
    ctx = _Ctx(path=path, name=shown, layer=layer, encoding=encoding, max_bytes=limit,
               max_rows=MAX_ROWS if max_rows is None else max_rows, lang=lang)
    raw = reader(ctx)
    if len(raw.frame) == 0:
        raise ctx.fail("import.no_rows")
    if len(raw.rows) != len(raw.frame):
        raw.rows = np.arange(1, len(raw.frame) + 1)
    raw.frame = raw.frame.reset_index(drop=True)
    return raw


@dataclass(frozen=True)
class _Ctx:
    path: Path
    name: str
    layer: str
    encoding: str | None
    max_bytes: int
    max_rows: int
    lang: str | None

    def fail(self, key: str, **fields) -> InputError:
        return InputError(t(key, self.lang, file=self.name, **fields))

    def check_rows(self, n: int) -> None:
        if n > self.max_rows:
            raise self.fail("import.too_many_rows", limit=self.max_rows)


# -- text ------------------------------------------------------------------------------

def decode(data: bytes, ctx: _Ctx) -> tuple[str, str]:
    """Bytes to NFC text: ``ctx.encoding`` when given, else UTF-8 (a BOM picks UTF-8/16).

    Not valid UTF-8 and no encoding given: refused with a hint, never guessed.
    """
    enc = ctx.encoding
    if enc is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            enc = "utf-16"
        else:
            enc = "utf-8-sig"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        if ctx.encoding is None:
            raise ctx.fail("import.not_utf8", line=line) from None
        raise ctx.fail("import.decode_failed", encoding=enc, line=line) from None
    return unicodedata.normalize("NFC", text.lstrip("\ufeff")), enc


# -- CSV -------------------------------------------------------------------------------

def _read_csv(ctx: _Ctx) -> RawTable:
    text, enc = decode(ctx.path.read_bytes(), ctx)
    if not text.strip():
        raise ctx.fail("import.empty")
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        records = []
        for rec in reader:
            records.append(rec)
            if len(records) > ctx.max_rows:
                ctx.check_rows(len(records))
    except csv.Error as exc:
        raise ctx.fail("import.damaged", detail=f"{exc} (line {reader.line_num})") from None
    header = _header(header, ctx)
    width = len(header)
    rows, keep, bad = [], [], []
    for i, rec in enumerate(records, start=1):
        if not any(c.strip() for c in rec):
            continue  # blank line: skipped, still counted
        if len(rec) != width:
            if i == len(records) and len(rec) < width and not text.endswith(("\n", "\r")):
                raise ctx.fail("import.truncated", row=i)
            bad.append((i, "import.field_count", {"n": len(rec), "expected": width}))
            rec = (rec + [""] * width)[:width]
        rows.append(i)
        keep.append([_unquote(c) for c in rec])
    frame = pd.DataFrame(keep, columns=header, dtype=object) if keep else pd.DataFrame(columns=header)
    return RawTable(frame=frame, geometry=None, crs=None, encoding=enc, rows=np.array(rows, dtype=int),
                    bad_rows=bad)


def _unquote(value):
    """``'=SUM(A1)`` → ``=SUM(A1)``: undo spreadsheet formula neutralising (see data.export.neutralise)."""
    if isinstance(value, str) and value[:1] == "'":
        return _QUOTED_FORMULA.sub("", value)
    return value


def _header(names: list, ctx: _Ctx) -> list[str]:
    out = []
    for k, name in enumerate(names, start=1):
        s = unicodedata.normalize("NFC", str(name if name is not None else "")).strip()
        out.append(s or f"column_{k}")
    seen: dict[str, str] = {}
    for name in out:
        if fold(name) in seen:
            raise ctx.fail("import.duplicate_column", column=name)
        seen[fold(name)] = name
    return out


# -- XLSX ------------------------------------------------------------------------------

def _read_xlsx(ctx: _Ctx) -> RawTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(ctx.path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    try:
        sheets = {fold(ws.title): ws for ws in wb.worksheets}
        ws = sheets.get(fold(ctx.layer)) or wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = None
        for values in it:
            if any(v is not None and str(v).strip() for v in values):
                header = list(values)
                break
        if header is None:
            raise ctx.fail("import.no_rows")
        while header and (header[-1] is None or not str(header[-1]).strip()):
            header.pop()
        header = _header(header, ctx)
        width = len(header)
        rows, keep = [], []
        for i, values in enumerate(it, start=1):
            values = list(values[:width]) + [None] * max(0, width - len(values))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append(i)
            keep.append([_unquote(v) for v in values])
            ctx.check_rows(len(keep))
    except InputError:
        raise
    except Exception as exc:
        raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    finally:
        wb.close()
    frame = pd.DataFrame(keep, columns=header, dtype=object) if keep else pd.DataFrame(columns=header)
    return RawTable(frame=frame, geometry=None, crs=None, rows=np.array(rows, dtype=int))


# -- GDAL formats ----------------------------------------------------------------------

def _read_ogr(ctx: _Ctx, *, source=None, has_prj: bool = True,
              encoding: str | None = None, all_layers: bool = False) -> RawTable:
    import pyogrio

    src = str(ctx.path) if source is None else source
    try:
        if isinstance(src, bytes):
            names = [None]  # GeoJSON in memory: one layer, whose name changes with each temporary file
        else:
            layers = [str(x[0]) for x in pyogrio.list_layers(src)]
            if not layers:
                raise ctx.fail("import.no_rows")
            names = layers if all_layers else [_pick_layer(layers, ctx)]
        infos = [pyogrio.read_info(src, layer=n) for n in names]
        ctx.check_rows(sum(max(int(i["features"]), 0) for i in infos))
        frames = [pyogrio.read_dataframe(src, layer=n, encoding=encoding) for n in names]
    except InputError:
        raise
    except Exception as exc:  # pyogrio DataSourceError and friends: damaged or truncated file
        raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    crs = next((f.crs for f in frames if getattr(f, "crs", None) is not None), None)
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    geometry = np.asarray(gdf.geometry.values, dtype=object) if "geometry" in gdf else np.full(len(gdf), None)
    frame = pd.DataFrame(gdf.drop(columns=[c for c in ("geometry",) if c in gdf.columns]))
    frame.columns = _header(list(frame.columns), ctx)
    ctx.check_rows(len(frame))
    return RawTable(frame=frame, geometry=geometry, crs=crs, has_prj=has_prj, encoding=encoding)


def _read_geojson(ctx: _Ctx) -> RawTable:
    """GeoJSON is UTF-8 by definition; other encodings only with ``encoding``, decoded here."""
    text, _ = decode(ctx.path.read_bytes(), ctx)
    if not text.strip():
        raise ctx.fail("import.empty")
    raw = _read_ogr(ctx, source=text.encode("utf-8"))
    raw.encoding = ctx.encoding or "utf-8"
    return raw


def _pick_layer(layers: list[str], ctx: _Ctx) -> str:
    """The layer named like the target, else the only one; several and none matching is refused."""
    by_name = {fold(n): n for n in layers}
    if fold(ctx.layer) in by_name:
        return by_name[fold(ctx.layer)]
    if len(layers) == 1:
        return layers[0]
    raise ctx.fail("import.many_layers", layers=", ".join(layers), layer=ctx.layer)


def _read_kml(ctx: _Ctx) -> RawTable:
    """KML/KMZ: every folder is read and concatenated; placemark ``Name`` is the name."""
    raw = _read_ogr(ctx, all_layers=True)
    f = raw.frame
    # LIBKML puts the placemark id in "id" and renames an ExtendedData "id" to "id2".
    if "id2" in f.columns:
        f = f.rename(columns={"id": "kml_id"}).rename(columns={"id2": "id"})
    drop = [c for c in _KML_NOISE + ("timestamp", "description", "Name") if c in f.columns
            and (c in _KML_NOISE or f[c].isna().all())]
    raw.frame = f.drop(columns=drop)
    return raw


def _read_shp(ctx: _Ctx) -> RawTable:
    shp = ctx.path
    siblings = {p.suffix.lower(): p for p in shp.parent.glob(shp.stem + ".*") if p.stem == shp.stem}
    for ext in (".shx", ".dbf"):
        if ext not in siblings:
            raise ctx.fail("import.shp_missing_part", part=ext)
    shapefiles.check_sizes({ext: (_head(siblings[ext]), siblings[ext].stat().st_size)
                            for ext in (".shp", ".shx", ".dbf")}, ctx)
    cpg = siblings[".cpg"].read_bytes() if ".cpg" in siblings else None
    enc = shapefiles.dbf_encoding(cpg, lambda: siblings[".dbf"].read_bytes(), ctx)
    raw = _read_ogr(ctx, source=str(shp), has_prj=".prj" in siblings, encoding="ISO-8859-1")
    return shapefiles.recode(raw, enc, ctx)


def _read_zip(ctx: _Ctx) -> RawTable:
    """A zipped shapefile (members may sit in a folder)."""
    try:
        zf = zipfile.ZipFile(ctx.path)
        names = [n for n in zf.namelist() if not n.startswith("__MACOSX/") and not n.endswith("/")]
        total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    with zf:
        if total > ctx.max_bytes:
            raise ctx.fail("import.too_big", mb=total / 2**20, limit=ctx.max_bytes / 2**20)
        shps = {Path(n).stem: n for n in names if n.lower().endswith(".shp")}
        if not shps:
            raise ctx.fail("import.zip_no_shp")
        stem = {fold(s): s for s in shps}.get(fold(ctx.layer)) or (next(iter(shps)) if len(shps) == 1 else None)
        if stem is None:
            raise ctx.fail("import.many_layers", layers=", ".join(sorted(shps)), layer=ctx.layer)
        base = shps[stem][:-4]
        parts = {n[len(base):].lower(): n for n in names if n[:len(base)] == base and "." in n[len(base):]}
        for ext in (".shx", ".dbf"):
            if ext not in parts:
                raise ctx.fail("import.shp_missing_part", part=ext)
        try:
            heads = {ext: (zf.open(parts[ext]).read(32), zf.getinfo(parts[ext]).file_size)
                     for ext in (".shp", ".shx", ".dbf")}
            shapefiles.check_sizes(heads, ctx)
            cpg = zf.read(parts[".cpg"]) if ".cpg" in parts else None
            enc = shapefiles.dbf_encoding(cpg, lambda: zf.read(parts[".dbf"]), ctx)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    source = f"/vsizip/{ctx.path.resolve().as_posix()}/{shps[stem]}"
    raw = _read_ogr(ctx, source=source, has_prj=".prj" in parts, encoding="ISO-8859-1")
    return shapefiles.recode(raw, enc, ctx)


def _head(path: Path, n: int = 32) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


#: File extension → reader.
_EXTENSION_TO_READER = {
    ".csv": _read_csv,
    ".txt": _read_csv,
    ".tsv": _read_csv,
    ".xlsx": _read_xlsx,
    ".geojson": _read_geojson,
    ".json": _read_geojson,
    ".gpkg": _read_ogr,
    ".kml": _read_kml,
    ".kmz": _read_kml,
    ".shp": _read_shp,
    ".zip": _read_zip,
}
