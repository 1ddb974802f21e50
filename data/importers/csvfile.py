"""CSV files: a columnar read (pyarrow) for the common case, the ``csv`` module for everything else.

:func:`read_csv` gives the table :func:`data.importers.readers._table` makes of the file's records.
The columnar read (:func:`_read_columnar`) is taken only when it gives exactly that table: UTF-8 text
already in NFC, one record per line (quoted fields well formed and without line breaks), the header on
line 1, no blank, title, total or signature rows, no NUL, every row as wide as the header. Whenever one
of these is not certain it returns None and the whole file is read the per-cell way, which also gives
every refusal (damaged, truncated, encoding, field count) with its line.
"""
from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from typing import Iterator

import numpy as np
import pandas as pd

from data.importers.readers import (
    RawTable,
    _Ctx,
    _filled,
    _header,
    _plain_first_cells,
    _table,
    _unquote_column,
    decode,
)

_HEAD_BYTES = 1 << 18       # enough for the delimiter sample (65,536 characters) and the header search
_HEAD_LINES = 80            # lines parsed the per-cell way to find the header (it looks at 60 rows)
_PIECE = 1 << 23            # text checked for UTF-8 and NFC in pieces of this many bytes


def read_csv(ctx: _Ctx) -> RawTable:
    """The file's table: columnar when that is exactly the per-cell result, else per cell."""
    fast = _read_columnar(ctx, ctx.path.read_bytes())
    if fast is not None:
        return fast
    return _read_cells(ctx)


def _read_cells(ctx: _Ctx) -> RawTable:
    text, enc = decode(ctx.path.read_bytes(), ctx)
    if not text.strip():
        raise ctx.fail("import.empty")
    delimiter = _sniff_delimiter(text[:65536])
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []      # (line where the record starts, values)
    try:
        line = 0
        for rec in reader:
            records.append((line + 1, rec))
            line = reader.line_num
            if len(records) > ctx.max_rows + 1:
                ctx.check_rows(len(records) - 1)
    except csv.Error as exc:
        raise ctx.fail("import.damaged", detail=f"{exc} (line {reader.line_num})") from None
    complete = text.endswith(("\n", "\r"))
    del text, reader            # the cells are all that is needed now: free the file's text
    return _table(ctx, records, delimiter=delimiter, encoding=enc, complete=complete, text_cells=True)


# The lines of a text as ``io.StringIO(text, newline="")`` gives them to the csv module: ends kept, a line ends
# at \r\n, \n or a lone \r. A generator over the text, so no second copy of a large file is held (StringIO
# keeps four bytes per character).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    return (m.group() for m in _LINE.finditer(text))


def _sniff_delimiter(sample: str) -> str:
    """The separator that splits most of the first lines into the same number of fields.

    Quoted text is left out of the count; a title line above the header (``BÁO CÁO…``)
    does not decide. Default ``,``.
    """
    lines = [re.sub(r'"[^"]*"', "", ln) for ln in sample.splitlines()[:40] if ln.strip()]
    best, score = ",", (0, 0)
    for d in (",", ";", "\t", "|"):
        counts = [ln.count(d) for ln in lines if ln.count(d)]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        cand = (counts.count(mode), mode)
        if cand > score:
            best, score = d, cand
    return best


# -- the columnar read ---------------------------------------------------------------------

def _read_columnar(ctx: _Ctx, data: bytes) -> RawTable | None:
    """The table of a plain UTF-8 CSV read by pyarrow, or None when the per-cell read might differ."""
    if ctx.encoding not in (None, "utf-8", "utf-8-sig"):
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = memoryview(data)[start:]
    if (bytes(body[:3]) == codecs.BOM_UTF8 or b"\x00" in data or not _nfc_utf8(body)
            or data.count(b"\r") != data.count(b"\r\n")):
        return None
    head = codecs.getincrementaldecoder("utf-8")().decode(body[:_HEAD_BYTES])
    if not head.strip():
        return None
    delimiter = _sniff_delimiter(head[:65536])
    quoted = b'"' in data
    if quoted and not _quotes_well_formed(body, delimiter):
        return None
    header = _header_cells(ctx, head, whole=len(body) <= _HEAD_BYTES, delimiter=delimiter)
    if header is None:
        return None
    try:
        names = _header(header, ctx)
    except Exception:       # a duplicate column name: the per-cell read refuses it, after any damage it finds
        return None
    table = _arrow_read(body, len(header), delimiter, quoted)
    if table is None or not 0 < table.num_rows <= ctx.max_rows:
        return None
    return _raw_table(ctx, table, names, delimiter)


def _nfc_utf8(body: memoryview) -> bool:
    """The bytes are UTF-8 and their text is NFC (checked in pieces cut after a line break: NFC does not
    compose or reorder across one)."""
    at, n = 0, len(body)
    while at < n:
        end = min(at + _PIECE, n)
        if end < n:
            cut = bytes(body[end - 65536:end]).rfind(b"\n") if end - at > 65536 else -1
            if cut < 0:
                return False
            end = end - 65536 + cut + 1
        try:
            piece = bytes(body[at:end]).decode("utf-8")
        except UnicodeDecodeError:
            return False
        if not piece.isascii() and not unicodedata.is_normalized("NFC", piece):
            return False
        at = end
    return True


def _quotes_well_formed(body: memoryview, delimiter: str) -> bool:
    """Every ``"`` belongs to a field quoted from its first character to a closing quote followed by the
    delimiter or the line end, without a line break inside: what both readers read the same way."""
    d = re.escape(delimiter.encode())
    field = re.compile(rb'(?:(?<=\n)|(?<=' + d + rb')|\A)"(?:[^"\r\n]|"")*"(?=' + d + rb'|\r\n|\n|\Z)')
    return b'"' not in field.sub(b"", body)


def _header_cells(ctx: _Ctx, head: str, *, whole: bool, delimiter: str) -> list[str] | None:
    """The header's cells when the header is line 1 (as ``_table`` would pick it), else None."""
    if not whole:
        head = head[:head.rfind("\n") + 1]
    reader = csv.reader(_lines(head), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        line = 0
        for rec in reader:
            records.append((line + 1, rec))
            line = reader.line_num
            if len(records) >= _HEAD_LINES:
                break
    except csv.Error:
        return None
    non_blank = [(r, v) for r, v in records if _filled(v)]
    if not non_blank or non_blank[0][0] != 1 or ctx.header_row not in (None, 1):
        return None
    first = non_blank[0][1]
    if ctx.header_row is None and ctx.header_score is not None and ctx.header_score(first) < 2:
        seen_all = whole and len(records) < _HEAD_LINES
        if not (seen_all or len(non_blank) >= 60) or any(ctx.header_score(v) >= 2 for _, v in non_blank[:60]):
            return None
    if not first or not first[-1].strip():      # a blank last header cell: its column is cut per cell
        return None
    return list(first)


def _arrow_read(body: memoryview, width: int, delimiter: str, quoted: bool):
    """Every line after the header as ``width`` text cells (no nulls), or None when pyarrow refuses a line."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    cols = [f"c{j}" for j in range(width)]
    try:
        return pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=cols, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"' if quoted else False,
                                             double_quote=True, escape_char=False, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(cols, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _raw_table(ctx: _Ctx, table, names: list[str], delimiter: str) -> RawTable | None:
    """The frame of ``table`` (text columns backed by Arrow), or None when a row would be read otherwise
    per cell: a first cell that is blank or may start a total or signature row, a cell longer than the
    csv module's field limit."""
    import pyarrow as pa
    import pyarrow.compute as pc

    limit = csv.field_size_limit()
    columns = []
    for j in range(table.num_columns):
        col = table.column(j)           # in the reader's blocks (a ChunkedArray): not copied into one array
        if len(col) and pc.max(pc.binary_length(col)).as_py() > limit:
            return None
        if j == 0:
            whole = col.combine_chunks()
            joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(whole)], pa.int32()), whole), "\x00")
            del whole
            if not _plain_first_cells(joined[0].as_py()):
                return None
        if pc.any(pc.starts_with(col, "'")).as_py():      # formula neutralising to undo, as per cell
            col = pa.array(_unquote_column(tuple(col.to_pylist())), type=pa.string())
        columns.append(pd.arrays.ArrowExtensionArray(col))
    n = table.num_rows
    frame = pd.DataFrame(dict(zip(names, columns, strict=True)), copy=False)
    return RawTable(frame=frame, geometry=None, crs=None, encoding=ctx.encoding or "utf-8-sig",
                    rows=np.arange(2, n + 2), delimiter=delimiter)
