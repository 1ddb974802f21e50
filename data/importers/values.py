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
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import numpy as np
import pandas as pd

from core.vocab import ENUMS, codes, fold, label, normalise

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


# -- numbers ----------------------------------------------------------------------------

def _number_text(s: str) -> str:
    """Vietnamese and English separators to a plain decimal string.

    One comma is a decimal comma (Vietnamese "1,5"); several commas or dots are thousands
    groups; with both, the later one is the decimal mark.
    """
    s = re.sub(r"[\s\u00a0\u202f_]", "", s)
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            return s.replace(".", "").replace(",", ".")
        return s.replace(",", "")
    for sep in (",", "."):
        if s.count(sep) > 1:
            if re.fullmatch(rf"[+-]?\d{{1,3}}(\{sep}\d{{3}})+", s):
                return s.replace(sep, "")
            return s  # malformed: float() will refuse it
    return s.replace(",", ".")


def parse_real(value) -> float:
    """A finite number, either sign (projected x/y).

    >>> parse_real("-1.234,5")
    -1234.5
    """
    if isinstance(value, bool):
        raise BadValue("import.bad_number", value=value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        out = float(value)
    else:
        try:
            out = float(_number_text(clean_text(value)))
        except ValueError:
            raise BadValue("import.bad_number", value=clean_text(value)[:60]) from None
    if not math.isfinite(out):
        raise BadValue("import.bad_number", value=value)
    return out


def parse_float(value) -> float:
    """A non-negative finite number (every quantity in the schema is a count or a mass).

    >>> parse_float("1,5"), parse_float("1.234,5"), parse_float("12")
    (1.5, 1234.5, 12.0)
    """
    out = parse_real(value)
    if out < 0:
        raise BadValue("import.negative", value=value)
    return out


_GROUPED = re.compile(r"\d{1,3}([.,\s\u00a0])\d{3}(?:\1\d{3})*")


def parse_int(value) -> int:
    """A non-negative whole number (``"12.0"`` is fine, ``"1.5"`` is not).

    Digits grouped by threes are a thousands separator here, whatever the mark:
    "1.200" or "1,200" tablets is 1200 (a count cannot be 1.2).

    >>> parse_int("1.200"), parse_int("1,200"), parse_int(3.0)
    (1200, 1200, 3)
    """
    if isinstance(value, str) and _GROUPED.fullmatch(clean_text(value)):
        value = re.sub(r"\D", "", value)
    out = parse_float(value)
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
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + r"\s*(Z|[+-]\d{2}:?\d{2})?")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _TIME)


def parse_timestamp(value) -> dt.datetime:
    """ISO ``YYYY-MM-DD[ HH:MM[:SS]]`` or Vietnamese ``dd/mm/yyyy[ HH:MM]`` (also ``14h30``).

    ``YYYY/MM/DD`` (GDAL's KML and shapefile text) is read year first.

    03/04/2024 is 3 April 2024. A time zone, when given, is converted to Vietnam time
    (UTC+7) and dropped: the store keeps local wall-clock time.

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
        ts = pd.Timestamp(out).tz_localize("UTC" if tz == "Z" else _utc_offset(tz))
        out = ts.tz_convert(_LOCAL_TZ).tz_localize(None).to_pydatetime()
    return _in_range(out, s)


def _utc_offset(tz: str) -> dt.timezone:
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


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
PARSERS = {
    "text": clean_text,
    "int": parse_int,
    "float": parse_float,
    "bool": parse_bool,
    "date": parse_date,
    "timestamp": parse_timestamp,
}
