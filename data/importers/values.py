"""Cell values to canonical Python values: text, numbers, booleans, dates, enum codes.

Every parser takes one raw cell (a string from CSV, a typed value from XLSX, GPKG or
Shapefile) and returns the canonical value, or raises :class:`BadValue` naming a
translation key and its fields. Blank cells are handled by the caller
(:func:`is_blank`), so parsers never see them.

Text policy (documented for the issue): every text value is NFC-normalised, ``\\r\\n``
becomes ``\\n``, surrounding white space is trimmed, and control characters are
stripped — C0/C1 controls except tab and newline, and the bidirectional overrides
U+202A–U+202E, U+2066–U+2069 that can disguise text. Nothing else is altered: markup such
as ``<script>`` and formula-looking text such as ``=HYPERLINK(...)`` is stored as
written; exporters neutralise it where a spreadsheet would run it.

Number policy: text numbers are read under the file's convention, decimal comma
(``1.234,5``) or decimal point (``1,234.5``), settled once per file from its evidence by
:mod:`data.importers.number_format`; a value that does not fit it, or that could be read
both ways in a file without evidence, is refused with the reason, never guessed.

Time policy: the store keeps ``occurred_at`` as a DuckDB ``TIMESTAMP`` without zone that
holds **Vietnam local wall-clock time (UTC+07:00, Asia/Ho_Chi_Minh, no daylight saving)**
— the time an officer reads on a report. Each value is read by its own rule, so a file
mixing both kinds is fine: a time with no zone (``03/04/2024 14:30``, an Excel date cell,
``2024-04-03T14:30``) *is* Vietnam local time and is kept as written; a time with a zone
(``…T07:30:00Z``, ``…+00:00``, ``+0700``, ``+07``) is converted to UTC+07:00 and stored
as that local time. A date without a time stays a date (midnight for ``occurred_at``;
``village_status`` dates are ``DATE``). GIS files are read with times as text
(``datetime_as_string``) so GDAL cannot put unzoned rows in UTC.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from core.vocab import ENUMS, codes, fold, label, normalise
from data.importers import number_format as numbers
from data.importers.number_format import Convention

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LOCAL_TZ = "Asia/Ho_Chi_Minh"
_YEARS = (1900, 2100)


class BadValue(Exception):
    """A cell that cannot become a canonical value: ``key`` is an ``import.*`` translation key."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key = key
        self.fields = fields


def is_blank(value) -> bool:
    """None, NaN, NaT, pandas NA, or a string of white space.

    >>> is_blank("  "), is_blank(0), is_blank(float("nan"))
    (True, False, True)
    """
    if isinstance(value, str):
        return not value.strip()
    if value is None:
        return True
    try:
        out = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return isinstance(out, (bool, np.bool_)) and bool(out)


def is_arrow_text(column) -> bool:
    """Text cells held by Arrow (the columnar CSV read), none missing."""
    dtype = getattr(column, "dtype", None)
    return (isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype)
            and not bool(pd.isna(column).any()))


def text_list(cells) -> list:
    """``cells.tolist()``; Arrow text (:func:`is_arrow_text`) converted in one go, not cell by cell as pandas
    does."""
    if is_arrow_text(cells):
        return cells.to_numpy(dtype=object).tolist()
    return cells.tolist()


def clean_text(value) -> str:
    """NFC, ``\\r\\n`` → ``\\n``, control characters stripped, trimmed.

    Whole-number floats (``123.0`` from a spreadsheet) read as ``"123"``.

    >>> clean_text("  Thôn\\x00 A Dơi\\r\\n")
    'Thôn A Dơi'
    """
    if isinstance(value, str) and value.isascii() and value.isprintable():
        return value.strip()  # fast path: nothing to normalise or strip inside
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        value = value.isoformat(sep=" ")
    s = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", s).strip()


_SEP = "\ue000"     # a private-use character: not white space, no control, composes with nothing


def clean_texts(values: list[str]) -> list[str]:
    """:func:`clean_text` of every string of a column at once: NFC, line ends and control characters on the
    column joined (``_SEP`` between cells), then each cell trimmed. A column holding ``_SEP`` itself goes
    cell by cell.

    >>> clean_texts(["  Thôn\\x00 A Dơi\\r\\n", "B"])
    ['Thôn A Dơi', 'B']
    """
    joined = _SEP.join(values)
    if joined.count(_SEP) != len(values) - 1:
        return [clean_text(v) for v in values]
    s = unicodedata.normalize("NFC", joined).replace("\r\n", "\n").replace("\r", "\n")
    return [v.strip() for v in _CONTROL.sub("", s).split(_SEP)] if values else []


# Times as a spreadsheet or ``borderwatch export`` writes them: read together, exactly as parse_timestamp would.
_PLAIN_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


def parse_timestamps(values: list[str]) -> list:
    """:func:`parse_timestamp` of ``YYYY-MM-DD HH:MM:SS`` texts at once (no zone: Vietnam time as written);
    None for every other text, and for an impossible or out-of-range time, which the caller reads one by one."""
    out: list = [None] * len(values)
    idx = [k for k, v in enumerate(values) if _PLAIN_TIME.fullmatch(v)]
    if not idx:
        return out
    texts = [values[k] for k in idx]
    parsed = pd.to_datetime(pd.Series(texts, dtype=object), format="%Y-%m-%d %H:%M:%S", errors="coerce")
    years = parsed.dt.year.to_numpy(dtype=float, na_value=np.nan)
    good = (years >= _YEARS[0]) & (years <= _YEARS[1])
    good &= (parsed.dt.strftime("%Y-%m-%d %H:%M:%S") == pd.Series(texts, dtype=object)).to_numpy(dtype=bool)
    stamps = parsed.where(good).dt.to_pydatetime()
    for k, ok, stamp in zip(idx, good, stamps, strict=True):
        if ok:
            out[k] = stamp
    return out


# -- numbers (see data.importers.number_format for the per-file convention) -------------------

def parse_real(value, conv: Convention = numbers.NONE, *, whole: bool = False) -> float:
    """A finite number, either sign (projected x/y), read under the file's number convention.

    Typed numbers are taken as they are; text goes through :func:`numbers.to_float`
    (``conv`` is the file's :class:`~data.importers.number_format.Convention`).

    >>> parse_real("-1.234,5")
    -1234.5
    """
    if isinstance(value, bool):
        raise BadValue("import.bad_number", value=value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        out = float(value)
        shown: object = value
    else:
        text = clean_text(value)
        shown = text[:60]               # a 100 kB cell is not repeated whole in the message
        try:
            out = numbers.to_float(text, conv, whole=whole)
        except numbers.NumberError as exc:
            raise BadValue(exc.key, value=shown) from None
    if not math.isfinite(out):
        raise BadValue("import.bad_number", value=shown)
    return out


def parse_float(value, conv: Convention = numbers.NONE) -> float:
    """A non-negative finite number (every quantity in the schema is a count or a mass).

    >>> parse_float("1,5"), parse_float("1.234,5"), parse_float("12")
    (1.5, 1234.5, 12.0)
    >>> parse_float("1.500", numbers.Convention(numbers.COMMA))
    1500.0
    """
    out = parse_real(value, conv)
    if out < 0:
        raise BadValue("import.negative", value=str(value)[:60])
    return out


def parse_int(value, conv: Convention = numbers.NONE) -> int:
    """A non-negative whole number (``"12.0"`` is fine, ``"1.5"`` is not).

    Without a file convention, a grouped value is read when only one reading is whole:
    "1.200" tablets can only be 1200; "12.000" (12 or 12000) is refused as ambiguous.

    >>> parse_int("1.200"), parse_int("1,200"), parse_int(3.0)
    (1200, 1200, 3)
    """
    out = parse_real(value, conv, whole=True)
    if out < 0:
        raise BadValue("import.negative", value=value)
    if not out.is_integer():
        raise BadValue("import.not_integer", value=value)
    if out > 2**31 - 1:
        raise BadValue("import.bad_number", value=value)
    return int(out)


_BOOLS = {fold(k): v for k, v in {
    "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "y": True, "n": False,
    "có": True, "không": False, "x": True, "đúng": True, "sai": False, "t": True, "f": False,
}.items()}


def parse_bool(value) -> bool:
    """Yes/no in English or Vietnamese, 1/0, true/false.

    >>> parse_bool("Có"), parse_bool("0")
    (True, False)
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value) in (0.0, 1.0):
        return bool(value)
    out = _BOOLS.get(fold(clean_text(value)))
    if out is None:
        raise BadValue("import.bad_bool", value=clean_text(value)[:60])
    return out


# -- dates ------------------------------------------------------------------------------

_TIME = r"(?:[T ,]+(\d{1,2})[:hH](\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?"
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _TIME)


def parse_timestamp(value) -> dt.datetime:
    """ISO ``YYYY-MM-DD[ HH:MM[:SS]]`` or Vietnamese ``dd/mm/yyyy[ HH:MM]`` (also ``14h30``).

    ``YYYY/MM/DD`` (GDAL's KML and shapefile text) is read year first.

    03/04/2024 is 3 April 2024. No zone: Vietnam local time, kept as written. A zone, when
    given, is converted to Vietnam time (UTC+7) and dropped: the store keeps local
    wall-clock time (see the module docstring).

    >>> parse_timestamp("03/04/2024 14h30")
    datetime.datetime(2024, 4, 3, 14, 30)
    >>> parse_timestamp("2024-04-03T07:30:00Z")
    datetime.datetime(2024, 4, 3, 14, 30)
    """
    if isinstance(value, (dt.datetime, pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert(_LOCAL_TZ).tz_localize(None)
        return _in_range(ts.to_pydatetime(), value)
    if isinstance(value, dt.date):
        return _in_range(dt.datetime.combine(value, dt.time.min), value)
    s = clean_text(value)
    m = _ISO.fullmatch(s)
    if m:
        y, _, mo, d, hh, mi, ss, frac, tz = m.groups()
    else:
        m = _DMY.fullmatch(s)
        if not m:
            raise BadValue("import.bad_date", value=s[:60])
        d, mo, y, hh, mi, ss, frac = m.groups()
        tz = None
    try:
        out = dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0),
                          int((frac or "0").ljust(6, "0")))
    except ValueError:
        raise BadValue("import.impossible_date", value=s[:60]) from None
    if tz:
        ts = pd.Timestamp(out).tz_localize("UTC" if tz.upper() in ("Z", "UTC", "GMT") else _utc_offset(tz))
        out = ts.tz_convert(_LOCAL_TZ).tz_localize(None).to_pydatetime()
    return _in_range(out, s)


def _utc_offset(tz: str) -> dt.timezone:
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))


def _in_range(out: dt.datetime, raw) -> dt.datetime:
    if not _YEARS[0] <= out.year <= _YEARS[1]:
        raise BadValue("import.impossible_date", value=str(raw)[:60])
    return out


def parse_date(value) -> dt.date:
    """Like :func:`parse_timestamp`, keeping the day.

    >>> parse_date("31/12/2024")
    datetime.date(2024, 12, 31)
    """
    return parse_timestamp(value).date()


# -- enums ------------------------------------------------------------------------------

def parse_enum(enum: str, value, *, lang: str | None = None) -> str:
    """The code of ``value`` in ``enum`` (codes, labels, aliases; any case, with or without diacritics).

    >>> parse_enum("drug", "MA TUY DA")
    'methamphetamine'
    """
    if isinstance(value, (float, np.floating, int, np.integer)) and float(value).is_integer():
        value = int(value)  # article 250 typed as a number in a spreadsheet
    code = normalise(enum, clean_text(value))
    if code is None:
        raise BadValue("import.bad_enum", value=clean_text(value)[:60], valid=valid_values(enum, lang))
    return code


def valid_values(enum: str, lang: str | None = None) -> str:
    """The valid codes of ``enum`` with their labels, for messages."""
    if enum == "article":
        return ", ".join(codes(enum))
    return ", ".join(f"{c} ({label(enum, c, lang or 'vi')})" for c in ENUMS[enum])


#: Field kind → parser (text is the default).
PARSERS: dict[str, Callable[..., Any]] = {
    "text": clean_text,
    "int": parse_int,
    "float": parse_float,
    "bool": parse_bool,
    "date": parse_date,
    "timestamp": parse_timestamp,
}
