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
import dataclasses
import gc
import re
import unicodedata
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypedDict, Unpack

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

_GEOJSON_CRS = re.compile(r'"crs"\s*:\s*\{')



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
    delimiter: str | None = None         # CSV separator (number-format evidence)
    notes: list[str] = field(default_factory=list)   # translated notes for the report
    crs_declared: bool = True            # False: GeoJSON without a "crs" member (WGS 84 by RFC 7946 only)
    parts: np.ndarray | None = None      # KML: part number of a split multi-part placemark (0: not split)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (a decorator for a whole read, validation or write).

    A large file is millions of cells and row lists, none in a reference cycle; with the collector on, each
    of its passes walks all of them again (measured: a third of a 200k-row CSV read). Nested uses are fine:
    the collector comes back on only where it was on.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def supported_extensions() -> list[str]:
    return sorted(_EXTENSION_TO_READER)


class RawOptions(TypedDict, total=False):
    """How to read a file's rows: text ``encoding``; upload limits ``max_bytes``/``max_rows``; the
    ``source_layer`` (layer, KML folder or sheet); the 1-based ``header_row`` of CSV/XLSX."""

    encoding: str | None
    max_bytes: int | None
    max_rows: int | None
    source_layer: str | None
    header_row: int | None


def read_raw(path: Path, *, layer: str, lang: str | None = None, name: str | None = None,
             header_score: Callable[[list], int] | None = None,
             **how: Unpack[RawOptions]) -> RawTable:
    """Read ``path`` with the reader for its extension, after the size checks.

    ``name`` is the file name used in messages (default: the path's name); ``how`` as
    :class:`RawOptions`; ``header_score(cells)`` counts cells naming known columns
    (automatic header detection).
    """
    encoding, max_bytes, max_rows = how.get("encoding"), how.get("max_bytes"), how.get("max_rows")
    source_layer, header_row = how.get("source_layer"), how.get("header_row")
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
    if header_row is not None and (isinstance(header_row, bool) or int(header_row) < 1):
        raise InputError(t("import.bad_header_row", lang, file=shown, row=header_row))
    ctx = _Ctx(path=path, name=shown, layer=layer, encoding=encoding, max_bytes=limit,
               max_rows=MAX_ROWS if max_rows is None else max_rows, lang=lang,
               source_layer=source_layer or None, header_row=None if header_row is None else int(header_row),
               header_score=header_score)
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
    source_layer: str | None = None      # --layer: layer, folder or sheet to read
    header_row: int | None = None        # --header-row (1-based, as Excel numbers rows)
    header_score: Callable[[list], int] | None = None   # cells -> number of cells naming known columns

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


# -- CSV (data.importers.csvfile) ---------------------------------------------------------

def _read_csv(ctx: _Ctx) -> RawTable:
    from data.importers.csvfile import read_csv
    return read_csv(ctx)


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
    """The sheet named ``--layer`` or like the target layer, else the only sheet with data.

    Row numbers are Excel's. Merged cells below the header take the merged (top-left) value.
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(ctx.path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    try:
        ws = _pick_sheet(wb, ctx)
        merged = _merged_ranges(ctx.path, getattr(ws, "_worksheet_path", None))
        records = []
        for r, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            records.append((r, list(values)))
            if len(records) > ctx.max_rows + 60:
                ctx.check_rows(len(records) - 60)
    except InputError:
        raise
    except Exception as exc:
        raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    finally:
        wb.close()
    return _table(ctx, records, merged=merged)


def _pick_sheet(wb, ctx: _Ctx):
    sheets = {fold(ws.title): ws for ws in wb.worksheets}
    if ctx.source_layer:
        ws = sheets.get(fold(ctx.source_layer))
        if ws is None:
            raise ctx.fail("import.no_such_layer", name=ctx.source_layer,
                           layers=", ".join(w.title for w in wb.worksheets))
        return ws
    if fold(ctx.layer) in sheets:
        return sheets[fold(ctx.layer)]
    if len(wb.worksheets) == 1:
        return wb.worksheets[0]
    with_data = [ws for ws in wb.worksheets
                 if any(v is not None and str(v).strip() for row in ws.iter_rows(max_row=200, values_only=True)
                        for v in row)]
    if len(with_data) == 1:
        return with_data[0]
    raise ctx.fail("import.several_layers", layers=", ".join(w.title for w in with_data or wb.worksheets))


def _merged_ranges(path: Path, member: str | None) -> list[tuple[int, int, int, int]]:
    """``(min_col, min_row, max_col, max_row)`` of every merged range of a sheet, read with defusedxml."""
    if not member:
        return []
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    out = []
    with zipfile.ZipFile(path) as zf, zf.open(member.lstrip("/")) as fh:
        for _, el in iterparse(fh):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and el.get("ref"):
                c0, r0, c1, r1 = range_boundaries(el.get("ref"))
                if c0 is not None and r0 is not None and c1 is not None and r1 is not None:   # A1:B2, not A:A
                    out.append((c0, r0, c1, r1))
            if tag in ("row", "mergeCell"):
                el.clear()
    return out


# -- header, title block, footer (CSV and XLSX) -------------------------------------------

# A footer row starts with a total or with a signature-block word (folded text).
_TOTAL = re.compile(r"^(tong cong|tong so|tong|cong|cong don|total|sum|grand total)\b\s*[:.]?")
_SIGNATURE = re.compile(r"^(nguoi lap|nguoi lap bieu|nguoi bao cao|chi huy truong|chi huy pho|thu truong|"
                        r"truong phong|truong ban|xac nhan|ky ten|\(ky|noi nhan|ghi chu:|prepared by|approved by|"
                        r"(.{0,40}, )?ngay .{0,4}\d*.{0,4} thang)")
_HEADER_SCAN = 60


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def _first_text(values) -> str:
    return next((fold(str(v)) for v in values if not _blank(v)), "")


def _table(ctx: _Ctx, records: list[tuple[int, list]], *, delimiter: str | None = None, encoding: str | None = None,
           complete: bool = True, text_cells: bool = False, merged=()) -> RawTable:
    """The table under the header row of ``records`` (``(row number, values)``, rows as the user numbers them).

    The header is row ``ctx.header_row`` when given, else the first row (of the first
    60) whose cells name at least two known columns, else the first non-blank row. Rows
    above it (a title block) and blank rows are skipped; total rows and a trailing
    signature block are skipped with a note.
    """
    non_blank = [(r, v) for r, v in records if _filled(v)]
    if not non_blank:
        raise ctx.fail("import.no_rows")
    if ctx.header_row is not None:
        at = next((k for k, (r, _) in enumerate(non_blank) if r == ctx.header_row), None)
        if at is None:
            raise ctx.fail("import.bad_header_row", row=ctx.header_row)
    else:
        at = 0
        if ctx.header_score is not None:
            at = next((k for k, (_, v) in enumerate(non_blank[:_HEADER_SCAN]) if ctx.header_score(v) >= 2), 0)
    header_row, header = non_blank[at]
    notes = []
    if at:
        notes.append(t("import.note_title_rows", ctx.lang, file=ctx.name,
                       rows=_ranges([r for r, _ in non_blank[:at]]), header=header_row))
    header = list(header)
    while header and _blank(header[-1]):
        header.pop()
    header = _header(header, ctx)
    width = len(header)
    if merged:
        body = _fill_merged([(r, v) for r, v in records if r > header_row], merged, header_row)
        data = [(r, v) for r, v in body if _filled(v)]
    else:
        data = [(r, v) for r, v in non_blank if r > header_row]   # records are in row order
    data, footer = _drop_footer(data, width)
    bad = []
    rows = [r for r, _ in data]
    keep = [v for _, v in data]
    last = rows[-1] if rows else None
    for k in [k for k, rec in enumerate(keep) if len(rec) != width]:
        r, rec = rows[k], keep[k]
        if text_cells:
            if r == last and len(rec) < width and not complete:
                raise ctx.fail("import.truncated", row=r)
            if len(rec) > width and all(_blank(x) for x in rec[width:]):
                rec = rec[:width]
            else:
                bad.append((r, "import.field_count", {"n": len(rec), "expected": width}))
        keep[k] = (list(rec) + [None if not text_cells else ""] * width)[:width]
    ctx.check_rows(len(keep))
    if footer:
        notes.append(t("import.note_footer", ctx.lang, file=ctx.name, rows=_ranges(footer)))
    if not keep:
        return RawTable(frame=pd.DataFrame(columns=header), geometry=None, crs=None, encoding=encoding,
                        rows=np.array(rows, dtype=int), bad_rows=bad, delimiter=delimiter, notes=notes)
    cells = np.empty((len(keep), width), dtype=object)
    for j, col in enumerate(zip(*keep, strict=True)):
        cells[:, j] = _shared(_unquote_column(col)) if text_cells else _unquote_column(col)
    del data, keep, non_blank
    records.clear()             # the row lists are no longer needed (the cells live on in ``cells``)
    frame = pd.DataFrame(cells, columns=header, dtype=object, copy=False)
    return RawTable(frame=frame, geometry=None, crs=None, encoding=encoding, rows=np.array(rows, dtype=int),
                    bad_rows=bad, delimiter=delimiter, notes=notes)


def _filled(values: list) -> bool:
    """Some cell of the row is not blank (a row of text cells is tested in one go)."""
    try:
        return bool("".join(values).strip())
    except TypeError:           # typed cells (XLSX)
        return any(not _blank(x) for x in values)


def _unquote_column(col: tuple) -> list:
    """:func:`_unquote` on every cell of a column; a column of text without a leading quote is returned as it is."""
    try:
        joined = "\x00".join(col)
    except TypeError:
        return [_unquote(c) for c in col]
    if not joined.startswith("'") and "\x00'" not in joined:
        return list(col)
    return [_unquote(c) for c in col]


def _shared(col: list) -> list:
    """Text cells of a column with few distinct values share one string object per value (memory at 1M rows).

    Equal strings stay equal: only the objects are shared. Tried on the first 2,000 cells.
    """
    if len(set(col[:2000])) * 2 > min(len(col), 2000):
        return col
    seen: dict[str, str] = {}
    return [seen.setdefault(c, c) for c in col]


def _fill_merged(body, merged, header_row: int):
    """Cells inside a merged range take its top-left value (ranges starting below the header)."""
    index = {r: k for k, (r, _) in enumerate(body)}
    body = [(r, list(v)) for r, v in body]
    for c1, r1, c2, r2 in merged:
        if r1 <= header_row or r1 not in index:
            continue
        top = body[index[r1]][1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        for r in range(r1, r2 + 1):
            if r not in index:
                continue
            vals = body[index[r]][1]
            if len(vals) < c2:
                vals.extend([None] * (c2 - len(vals)))
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    vals[c - 1] = value
    return body


def _drop_footer(data, width: int):
    """Rows to keep and row numbers skipped as footer.

    A row whose first cell is a total (``Tổng cộng``, ``Cộng``) is skipped wherever it is.
    From the first signature-block or total row on, the rest is skipped when no later
    row is filled like a data row (more than half of the columns).
    """
    if _no_footer_words(data):
        return data, []
    keep, footer = [], []
    start = None
    for k, (r, v) in enumerate(data):
        head = _first_text(v)
        if _TOTAL.match(head) or _SIGNATURE.match(head):
            later_data = any(sum(not _blank(x) for x in w) > width / 2 and not _TOTAL.match(_first_text(w))
                             for _, w in data[k + 1:])
            if _SIGNATURE.match(head) and later_data:
                keep.append((r, v))
                continue
            if not later_data:
                start = k
                break
            footer.append(r)
            continue
        keep.append((r, v))
    if start is not None:
        footer += [r for r, _ in data[start:]]
    return keep, footer


# Every word a folded footer head starts with (or, for a date line, holds): a row whose first cell has none of
# them in ASCII lower case cannot be a total or a signature row (folding only lower-cases ASCII, maps _ and -
# to spaces and collapses white space, so these letter runs survive it unchanged).
_FOOTER_WORDS = re.compile(r"tong|cong|total|sum|grand|nguoi|chi|truong|xac|ky|noi|ghi|prepared|approved|ngay")
_BLANK_CELL = re.compile(r"(?:^|\x00)\s*(?:\x00|$)")


def _no_footer_words(data) -> bool:
    """True when no row of ``data`` can be a footer row: every first cell is filled ASCII text without a
    footer word (checked on the column joined, in one pass). False means: look row by row."""
    try:
        joined = "\x00".join([v[0] if v else "" for _, v in data])
    except TypeError:
        return False
    return _plain_first_cells(joined)


def _plain_first_cells(joined: str) -> bool:
    """:func:`_no_footer_words` of the first cells joined with NUL."""
    return joined.isascii() and not _BLANK_CELL.search(joined) and not _FOOTER_WORDS.search(joined.lower())


def _ranges(rows: list[int]) -> str:
    """``[3, 4, 5, 9]`` → ``"3-5, 9"``."""
    out: list[str] = []
    run: list[int] = []
    for r in rows:
        if run and r == run[-1] + 1:
            run.append(r)
        else:
            if run:
                out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = [r]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


# -- GDAL formats ----------------------------------------------------------------------

def _read_ogr(ctx: _Ctx, *, source=None, has_prj: bool = True,
              encoding: str | None = None, all_layers: bool = False) -> RawTable:
    import pyogrio

    src = str(ctx.path) if source is None else source
    try:
        if isinstance(src, bytes):
            # GeoJSON in memory: one layer, whose name changes with each temporary file
            names: list[str | None] = [None]
        else:
            layers = [str(x[0]) for x in pyogrio.list_layers(src)]
            if not layers:
                raise ctx.fail("import.no_rows")
            names = list(layers) if all_layers else [_pick_layer(layers, ctx)]
        infos = [pyogrio.read_info(src, layer=n) for n in names]
        ctx.check_rows(sum(max(int(i["features"]), 0) for i in infos))
        # Times as text: each row is read by its own rule (data.importers.values.parse_timestamp);
        # pyogrio would otherwise put every row of a column with one zoned value in UTC.
        with warnings.catch_warnings():   # GDAL: "Non-conformant content ... successfully parsed" (a zoned GPKG time)
            warnings.filterwarnings("ignore", message="Non-conformant content", category=RuntimeWarning)
            frames = [pyogrio.read_dataframe(src, layer=n, encoding=encoding, datetime_as_string=True)
                      for n in names]
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
    # GDAL reports WGS 84 for every GeoJSON; only a "crs" member (GeoJSON 2008) is the file's own word.
    raw.crs_declared = _GEOJSON_CRS.search(text) is not None
    return raw


def _read_gpx(ctx: _Ctx) -> RawTable:
    """GPX from a handheld or ``borderwatch export`` (GDAL's GPX driver): the ``waypoints`` layer unless
    ``--layer`` names another (``routes``, ``tracks``, ``route_points``, ``track_points``). GPX times are
    UTC (``Z``) and become Vietnam time by the usual rule; ``<extensions>`` fields are columns."""
    return _read_ogr(ctx if ctx.source_layer else dataclasses.replace(ctx, source_layer="waypoints"))


def _pick_layer(layers: list[str], ctx: _Ctx) -> str:
    """``--layer`` NAME; else the layer named like the target, else the only one; else refused listing them."""
    by_name = {fold(n): n for n in layers}
    if ctx.source_layer:
        if fold(ctx.source_layer) in by_name:
            return by_name[fold(ctx.source_layer)]
        raise ctx.fail("import.no_such_layer", name=ctx.source_layer, layers=", ".join(layers))
    if fold(ctx.layer) in by_name:
        return by_name[fold(ctx.layer)]
    if len(layers) == 1:
        return layers[0]
    raise ctx.fail("import.several_layers", layers=", ".join(layers))


def _read_kml(ctx: _Ctx) -> RawTable:
    """KML/KMZ by :mod:`.kml`: ExtendedData columns, folders as a ``folder`` column (``--layer`` picks one).

    A multi-part geometry the target layer cannot hold (several points for a point
    layer) is split into one row per part, with a note; the rows share the placemark's
    row number and :func:`data.importers.source.read_source` suffixes their ids.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from data.importers import kml
    from data.schema import LAYERS

    try:
        data = kml.read_bytes(ctx.path, ctx.max_bytes)
        marks = kml.parse(data)
    except OverflowError as exc:
        raise ctx.fail("import.too_big", mb=exc.args[0] / 2**20, limit=ctx.max_bytes / 2**20) from None
    except (ValueError, ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, KeyError) as exc:
        raise ctx.fail("import.damaged", detail=_one_line(exc)) from None
    keep = list(range(len(marks.records)))
    notes = []
    if ctx.source_layer:
        want = fold(ctx.source_layer)
        keep = [k for k in keep if want in {fold(p) for p in marks.records[k]["folder"].split("/")}
                or fold(marks.records[k]["folder"]) == want]
        if not keep:
            raise ctx.fail("import.no_such_layer", name=ctx.source_layer, layers=", ".join(marks.folders) or "-")
    elif len({marks.records[k]["folder"] for k in keep}) > 1:
        notes.append(t("import.note_kml_folders", ctx.lang, file=ctx.name,
                       folders=", ".join(dict.fromkeys(marks.records[k]["folder"] or "-" for k in keep))))
    ctx.check_rows(len(keep))
    allowed = set(LAYERS[ctx.layer].geom_types) if ctx.layer in LAYERS else set()
    records, geoms, rows, parts, split_rows = [], [], [], [], []
    for k in keep:
        g = marks.geometries[k]
        if (g is not None and g.geom_type in ("MultiPoint", "MultiLineString", "MultiPolygon")
                and g.geom_type not in allowed and g.geom_type[5:] in allowed and len(g.geoms) > 1):
            for n, part in enumerate(g.geoms, start=1):
                records.append(marks.records[k])
                geoms.append(part)
                rows.append(k + 1)
                parts.append(n)
            split_rows.append(k + 1)
            continue
        records.append(marks.records[k])
        geoms.append(g)
        rows.append(k + 1)
        parts.append(0)
    ctx.check_rows(len(records))
    columns = [c for c in marks.columns if c != "folder" or marks.folders]
    frame = pd.DataFrame([[r.get(c) for c in columns] for r in records], columns=columns, dtype=object)
    frame.columns = _header(list(frame.columns), ctx)
    if split_rows:
        notes.append(t("import.note_kml_split", ctx.lang, file=ctx.name, rows=_ranges(split_rows)))
    return RawTable(frame=frame, geometry=np.asarray(geoms + [None], dtype=object)[:-1],
                    crs=pyproj.CRS.from_epsg(4326), rows=np.array(rows, dtype=int), notes=notes,
                    parts=np.array(parts, dtype=int))


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
        stem = _pick_layer(sorted(shps), ctx)
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
    ".fgb": _read_ogr,
    ".gpx": _read_gpx,
    ".kml": _read_kml,
    ".kmz": _read_kml,
    ".shp": _read_shp,
    ".zip": _read_zip,
}
