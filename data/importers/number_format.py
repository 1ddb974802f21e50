"""Number format of a file: decimal comma (Vietnamese, ``1.234,5``) or decimal point (``1,234.5``).

``1.500`` is 1.5 in one convention and 1 500 in the other, so a number written as text is
never read on its own: the convention is settled once per file from its evidence and
applied to every numeric column (quantities, counts, x/y). Typed numbers (an XLSX
number cell, a GeoPackage REAL) need no convention and are taken as they are.

Evidence, strongest first (:func:`decide`):

1. ``--decimal comma|point`` given by the user;
2. *strong* evidence: a decimal comma in a coordinate column (``16,614056``,
   ``16°36'50,6"B``: only a comma-locale spreadsheet writes that), or a value showing both
   marks or repeated groups (``1.234,5``, ``12.000.000`` → comma; ``1,234.5``,
   ``1,234,567`` → point). A decimal *point* in a coordinate is not evidence: GPS
   receivers and Google Maps write one whatever the user's locale;
3. *weak* evidence: a single mark that cannot be a thousands group in a numeric column
   (``12,5`` → comma, ``2.5`` → point);
4. the CSV separator ``;`` (what Excel writes in a comma locale) → comma.

The first level with evidence decides. If that level holds both conventions the file
is *mixed*: values whose reading is unique are read, ``1.500``-like values are refused. Weak
decimal-point evidence in a ``;``-separated file is mixed too (the separator says comma, the
cell says point): ``0.5`` is read, ``1.500`` beside it is refused rather than taken as 1.5.
Under a decided convention a value that does not fit it (``2.5`` in a decimal-comma file:
a thousands group of one digit) is refused with a reason naming the convention and the
evidence; nothing is ever guessed.

Ambiguous values (``1.500``, ``1,500``: one to three digits, one mark, three digits) in
a file without evidence are refused, except in a whole-number column when only one
reading is whole (``1.200`` tablets can only be 1 200; ``12.000`` could be 12 or 12 000
and is refused).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

COMMA = "comma"
POINT = "point"
CONVENTIONS = (COMMA, POINT)
#: ``--decimal`` spellings → convention.
DECIMAL_NAMES = {"comma": COMMA, ",": COMMA, "phay": COMMA, "phẩy": COMMA, "vi": COMMA,
                 "point": POINT, "dot": POINT, ".": POINT, "cham": POINT, "chấm": POINT, "en": POINT}

_SEPARATOR = r"[\s\u00a0\u202f_']"           # what may stand between thousands groups
_SPACES = re.compile(_SEPARATOR)
_SIGN = r"[+-]?"
_PLAIN = re.compile(_SIGN + r"\d+")
#: An exponent form with either decimal mark (``1,5e3``), to name it when the file's decimal mark is a comma.
_EXP_ANY = re.compile(r"[+-]?+\d++(?:[.,]\d*+)?+[eE][+-]?+\d++")
_EXP = re.compile(r"[+-]?+(?:\d++(?:\.\d*+)?+|\.\d++)[eE][+-]?+\d++")   # possessive: linear on a long digit run
_DEC = {COMMA: re.compile(_SIGN + r"\d*,\d+"), POINT: re.compile(_SIGN + r"\d*\.\d+")}
_GROUPED = {COMMA: re.compile(_SIGN + r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"),
            POINT: re.compile(_SIGN + r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")}
_DIGITS = re.compile(_SIGN + r"[\d.,]+")
_AMBIGUOUS = re.compile(_SIGN + r"[1-9]\d{0,2}[.,]\d{3}")
#: Digits with one decimal point (``12.5``, ``1.500``): their evidence is weak decimal point or none.
SIMPLE_POINT = re.compile(r"[0-9]*\.[0-9]+")
_MARK = {COMMA: ",", POINT: "."}
_THOUSANDS = {COMMA: ".", POINT: ","}


@dataclass(frozen=True)
class Convention:
    """How the text numbers of one file are read.

    ``decimal`` is ``"comma"``, ``"point"`` or None (undecided). ``mixed`` says the deciding
    evidence pointed both ways. ``source`` describes the evidence for messages:
    ``(column, row, value)``, ``("--decimal", None, value)`` or ``(";", None, None)``.
    """

    decimal: str | None = None
    mixed: bool = False
    source: tuple | None = None
    other: tuple | None = None      # the first contrary evidence when mixed

    @property
    def decided(self) -> bool:
        return self.decimal is not None


NONE = Convention()


def compact(text: str) -> str:
    """The number text without spaces used as thousands separators."""
    return _SPACES.sub("", text)


#: Spaces (or ``'``, ``_``) inside a number group thousands only in threes: ``1 500 000``, ``1 234,5``.
_SPACE_GROUPED = re.compile(rf"[+-]?+[1-9][0-9]{{0,2}}+(?:{_SEPARATOR}++[0-9]{{3}}+)++(?:[.,][0-9]++)?+")


def _grouping_ok(text: str) -> bool:
    """False when spaces, ``'`` or ``_`` sit inside the digits other than between groups of three (``1 5``, ``500 30``,
    ``1'5``): joining the pieces would make a number nobody wrote. A space after the sign alone is fine."""
    t = text.strip()
    if not _SPACES.search(t):                   # most values: nothing to check
        return True
    inner = re.sub(r"^([+-])\s+", r"\1", t)
    return not _SPACES.search(inner) or bool(_SPACE_GROUPED.fullmatch(inner))


def evidence(text: str, *, coordinate: str | None = None) -> tuple[str, bool] | None:
    """``(convention, strong)`` that ``text`` shows, or None.

    ``coordinate`` is ``"degrees"`` (lat/lon: never grouped, any comma is decimal),
    ``"xy"`` (projected metres) or None (a quantity or count).

    >>> evidence("1.234,5"), evidence("2.5"), evidence("1.500"), evidence("16,614", coordinate="degrees")
    (('comma', True), ('point', False), None, ('comma', True))
    >>> evidence("16.614", coordinate="degrees") is None
    True
    """
    if coordinate == "degrees":
        return (COMMA, True) if re.search(r"\d,\d", text) and not re.search(r"\d\.\d", text) else None
    s = compact(text)
    has_c, has_p = "," in s, "." in s
    if has_c and has_p:
        for conv in CONVENTIONS:
            if _GROUPED[conv].fullmatch(s):
                return conv, True
        return None
    if not (has_c or has_p):
        return None
    if s.count(",") > 1 and _GROUPED[POINT].fullmatch(s):
        return POINT, True
    if s.count(".") > 1 and _GROUPED[COMMA].fullmatch(s):
        return COMMA, True
    if _AMBIGUOUS.fullmatch(s):
        return None
    if _DEC[COMMA].fullmatch(s):
        return COMMA, coordinate is not None
    if _DEC[POINT].fullmatch(s):
        return None if coordinate else (POINT, False)
    return None


def decide(samples, *, user: str | None = None, delimiter: str | None = None) -> Convention:
    """The convention of a file from ``samples``: iterable of ``(column, row, text, coordinate)``.

    ``coordinate`` as in :func:`evidence`.

    >>> decide([("lat", 2, "16,61", "degrees"), ("g", 2, "1.500", None)]).decimal
    'comma'
    >>> c = decide([("g", 2, "2,5", None), ("g", 3, "2.5", None)]); (c.decimal, c.mixed)
    (None, True)
    >>> decide([("g", 2, "1.500", None)], delimiter=";").decimal
    'comma'
    >>> c = decide([("g", 2, "1.500", None), ("g", 3, "0.5", None)], delimiter=";"); (c.decimal, c.mixed)
    (None, True)
    """
    if user:
        return Convention(decimal=user, source=("--decimal", None, user))
    first: dict[tuple[str, bool], tuple] = {}
    for column, row, text, coord in samples:
        if (POINT, False) in first and SIMPLE_POINT.fullmatch(text):
            continue            # its evidence is weak decimal point or none: nothing new
        hit = evidence(text, coordinate=coord)
        if hit is not None and hit not in first:
            first[hit] = (column, row, text)
            if len(first) == 4:
                break
    for strong in (True, False):
        found = [conv for conv in CONVENTIONS if (conv, strong) in first]
        if found == [POINT] and not strong and delimiter == ";":
            # Excel in a comma locale writes ``;`` and ``0,5``: a ``0.5`` beside it contradicts, not decides
            return Convention(mixed=True, source=(";", None, None), other=first[(POINT, False)])
        if len(found) == 1:
            return Convention(decimal=found[0], source=first[(found[0], strong)])
        if len(found) == 2:
            return Convention(mixed=True, source=first[(COMMA, strong)], other=first[(POINT, strong)])
    if delimiter == ";":
        return Convention(decimal=COMMA, source=(";", None, None))
    return NONE


class NumberError(ValueError):
    """``key`` is an ``import.*`` message key, ``fields`` its fields (without the convention text)."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key = key
        self.fields = fields


def to_float(text: str, conv: Convention = NONE, *, whole: bool = False) -> float:
    """Read number ``text`` under ``conv``. ``whole``: the column holds whole numbers.

    >>> to_float("1.500", Convention(COMMA)), to_float("1.500", Convention(POINT)), to_float("1 234,5")
    (1500.0, 1.5, 1234.5)
    >>> to_float("1.200", whole=True)
    1200.0
    """
    if not _grouping_ok(text):
        raise NumberError("import.bad_grouping")
    s = compact(text)
    if _PLAIN.fullmatch(s):
        return float(s)
    readings = {conv_: _read(s, conv_) for conv_ in CONVENTIONS}
    possible = {c: v for c, v in readings.items() if v is not None}
    if not possible:
        if _EXP.fullmatch(s) and conv.decimal != COMMA:
            out = float(s)
            if out == 0 and re.search(r"[1-9]", s.split("e")[0].split("E")[0]):
                raise NumberError("import.number_underflow")     # 1e-400: not 0
            return out
        if conv.decimal == COMMA and _EXP_ANY.fullmatch(s):
            raise NumberError("import.exponent_comma")         # 1,5e3 in a decimal-comma file: say why
        raise NumberError("import.bad_number")
    if conv.decided:
        if conv.decimal in possible:
            return possible[conv.decimal]
        raise NumberError("import.number_convention")
    if len(possible) == 1 or len(set(possible.values())) == 1:
        return next(iter(possible.values()))
    if whole:
        whole_ones = {c: v for c, v in possible.items() if float(v).is_integer()}
        if len(whole_ones) == 1:
            return next(iter(whole_ones.values()))
    raise NumberError("import.number_mixed" if conv.mixed else "import.number_ambiguous")


def _read(s: str, conv: str) -> float | None:
    if not _DIGITS.fullmatch(s):
        return None
    mark, sep = _MARK[conv], _THOUSANDS[conv]
    if _GROUPED[conv].fullmatch(s):
        s = s.replace(sep, "")
    elif sep in s:
        return None
    if s.count(mark) > 1:
        return None
    try:
        return float(s.replace(mark, "."))
    except ValueError:
        return None


# Texts read the same way by to_float under a decided convention: digits with one decimal mark of that convention
# (ASCII only: ``float`` also reads other scripts' digits, which to_float's rules see differently).
_PLAIN_UNDER = {POINT: re.compile(r"[0-9]+|[0-9]*\.[0-9]+"), COMMA: re.compile(r"[0-9]+|[0-9]*,[0-9]+")}


def plain_quantities(values: list[str], conv: Convention) -> list[float | None]:
    """``parse_float`` of a column's plain texts at once (``12``, ``12.5`` in a decimal-point file, ``12,5`` in
    a decimal-comma file); None for every other text, and for all of them when the convention is undecided or
    mixed, which the caller reads one by one.

    >>> plain_quantities(["12.5", "1.500", " 3", "1,5", "7"], Convention(POINT))
    [12.5, 1.5, None, None, 7.0]
    """
    out: list[float | None] = [None] * len(values)
    if conv.decimal not in _PLAIN_UNDER or conv.mixed:
        return out
    rule = _PLAIN_UNDER[conv.decimal]
    idx = [k for k, v in enumerate(values) if rule.fullmatch(v)]
    if not idx:
        return out
    texts = np.array([values[k] for k in idx], dtype=object)
    if conv.decimal == COMMA:
        texts = np.array([t.replace(",", ".") for t in texts], dtype=object)
    nums = texts.astype(float)
    for k, x in zip(idx, nums.tolist(), strict=True):
        if math.isfinite(x):            # too many digits for a float: refused one by one
            out[k] = x
    return out


def describe(conv: Convention, lang_text) -> dict:
    """Fields for messages: ``convention`` (named) and ``evidence`` (where it comes from).

    ``lang_text(key, **fields)`` translates.
    """
    def where(src):
        if src is None:
            return ""
        column, row, value = src
        if column == "--decimal":
            return lang_text("import.evidence_option", value=value)
        if column == ";":
            return lang_text("import.evidence_semicolon")
        return lang_text("import.evidence_value", column=column, row=row, value=value)

    if conv.mixed:
        return {"evidence": where(conv.source), "other": where(conv.other)}
    name = lang_text("import.decimal_comma" if conv.decimal == COMMA else "import.decimal_point")
    return {"convention": name, "evidence": where(conv.source)}
