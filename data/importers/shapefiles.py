"""Shapefile specifics: truncated parts, the DBF's text encoding, and decoding it safely.

``ctx`` is the reader context of :mod:`data.importers.readers` (``ctx.fail(key, **fields)``
builds the one-line error, ``ctx.encoding`` is the encoding the user named).
"""
from __future__ import annotations

import codecs
import struct
import unicodedata

import pandas as pd


def check_sizes(heads: dict[str, tuple[bytes, int]], ctx) -> None:
    """Refuse a shapefile whose .shp/.shx/.dbf is shorter than its header says (truncated copy)."""
    for ext in (".shp", ".shx"):
        head, size = heads[ext]
        if len(head) < 28 or size < 100:
            raise ctx.fail("import.truncated_part", part=ext)
        declared = struct.unpack(">i", head[24:28])[0] * 2
        if size < declared:
            raise ctx.fail("import.truncated_part", part=ext)
    head, size = heads[".dbf"]
    if len(head) < 12:
        raise ctx.fail("import.truncated_part", part=".dbf")
    n, header_len, rec_len = struct.unpack("<IHH", head[4:12])
    if size < header_len + n * rec_len:
        raise ctx.fail("import.truncated_part", part=".dbf")


def dbf_encoding(cpg: bytes | None, dbf_bytes, ctx) -> str:
    """The DBF's text encoding: the given one; else the .cpg's; else UTF-8 when the DBF is valid UTF-8.

    A DBF that is not UTF-8, with neither .cpg nor an encoding, is refused rather than
    read as Latin-1 (GDAL's default), which would garble Vietnamese.
    """
    if ctx.encoding:
        return ctx.encoding
    if cpg is not None:
        enc = cpg_codec(cpg.decode("ascii", "ignore"))
        if enc:
            return enc
    data = dbf_bytes()
    header_len = struct.unpack("<H", data[8:10])[0] if len(data) >= 10 else 0
    try:
        data[header_len:].decode("utf-8")
    except UnicodeDecodeError:
        raise ctx.fail("import.not_utf8_dbf") from None
    return "utf-8"


def cpg_codec(text: str) -> str | None:
    """Python codec for a .cpg's content: ``UTF-8``, ``1258``, ``ANSI 1252``, ``ISO88591``..."""
    key = text.strip().upper().replace("ANSI", "").strip()
    if key.isdigit():
        key = f"cp{key}"
    key = {"ISO88591": "latin-1", "UTF8": "utf-8"}.get(key.replace("-", ""), key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def recode(raw, enc: str, ctx):
    """Decode text read byte-for-byte as Latin-1 with Python's codec ``enc``.

    GDAL's own recoding goes through iconv, whose stateful CP1258 drops the last
    character of every value; Python's codecs do not.
    """
    def fix(value):
        return unicodedata.normalize("NFC", value.encode("latin-1").decode(enc)) if isinstance(value, str) else value

    try:
        frame = raw.frame.rename(columns=fix)
        for col in frame.columns:
            if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                frame[col] = frame[col].map(fix, na_action="ignore").astype(object)
    except UnicodeError:
        raise ctx.fail("import.decode_failed_attr", encoding=enc) from None
    raw.frame = frame
    raw.encoding = enc
    return raw
