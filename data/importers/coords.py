"""Coordinates: column names, degrees (decimal or DMS), CRS choice and reprojection to WGS 84.

Coordinate order is spelled out everywhere: shapely and GeoJSON are ``(x, y)`` =
``(lon, lat)``; columns are named, never positional. Reprojection uses
:mod:`geo.crs`, which picks the most accurate datum transformation (VN-2000 → WGS 84 is
EPSG:6960), so a VN-2000 point lands within centimetres of its WGS 84 position.
"""
from __future__ import annotations

import re

import numpy as np
import pyproj
import shapely

from core.errors import InputError
from core.i18n import t
from core.vocab import fold
from data.importers.values import BadValue, clean_text
from geo.crs import resolve_crs, wgs84_transformer

WGS84 = pyproj.CRS.from_epsg(4326)

#: Coordinate role → accepted column names (compared after :func:`core.vocab.fold`).
COORD_NAMES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "vĩ độ", "vido", "y_lat", "lat_wgs84", "vĩ độ (lat)"),
    "lon": ("lon", "lng", "long", "longitude", "kinh độ", "kinhdo", "x_lon", "lon_wgs84", "kinh độ (lon)"),
    "x": ("x", "easting", "tọa độ x", "toạ độ x"),
    "y": ("y", "northing", "tọa độ y", "toạ độ y"),
    "wkt": ("wkt", "geometry", "geom", "the_geom", "hình học"),
}
COORD_ROLES = tuple(COORD_NAMES)
_ROLE_BY_NAME = {fold(n): role for role, names in COORD_NAMES.items() for n in names}


def coordinate_role(column: str) -> str | None:
    """``lat``, ``lon``, ``x``, ``y``, ``wkt`` or None for a column name.

    >>> coordinate_role("Vĩ độ"), coordinate_role("LNG"), coordinate_role("name")
    ('lat', 'lon', None)
    """
    return _ROLE_BY_NAME.get(fold(column))


# -- degrees ----------------------------------------------------------------------------

_DEG_MARKS = "°º˚"
_MIN_MARKS = "'′’‘"
_SEC_MARKS = "\"″”“"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_JUNK = re.compile(rf"[\s:{_DEG_MARKS}{_MIN_MARKS}{_SEC_MARKS}]+")
# Hemisphere words (upper case) → (axis, sign). "N" is decided by the row: see parse_degrees.
_HEMI = {"N": ("lat", 1), "S": ("lat", -1), "E": ("lon", 1), "W": ("lon", -1),
         "B": ("lat", 1), "BẮC": ("lat", 1), "BAC": ("lat", 1), "NAM": ("lat", -1),
         "Đ": ("lon", 1), "ĐÔNG": ("lon", 1), "DONG": ("lon", 1), "T": ("lon", -1), "TÂY": ("lon", -1),
         "TAY": ("lon", -1)}
_VI_LETTERS = {"B", "BẮC", "BAC", "NAM", "Đ", "ĐÔNG", "DONG", "T", "TÂY", "TAY"}
_EN_LETTERS = {"S", "E", "W"}
_HEMI_WORDS = sorted(_HEMI, key=len, reverse=True)
_HEMI_RE = "|".join(map(re.escape, _HEMI_WORDS))
_LEADING = re.compile(rf"({_HEMI_RE})\.?\s*(\d.*)")
_TRAILING = re.compile(rf"(.*?\d\S*?)\s*({_HEMI_RE})\.?")
#: An accepted example per axis, shown when a coordinate is refused.
EXAMPLES = {"lat": "16.614056 · 16,614056 · 16°36'50,6\"B · B 16 36 50.6 · 16°36'50.6\"N",
            "lon": "106.600833 · 106,600833 · 106°36'03\"Đ · Đ 106 36 03 · 106°36'03\"E"}


def hemisphere(value) -> tuple[str | None, str | None]:
    """``(letter, "vi" | "en" | None)`` of a coordinate text: its hemisphere word and whose letters.

    >>> hemisphere("16°36′50,6″B"), hemisphere("106 36 03 E"), hemisphere("16.6")
    (('B', 'vi'), ('E', 'en'), (None, None))
    """
    if not isinstance(value, str):
        return None, None
    split = _hemi_split(clean_text(value).upper())
    if split is None:
        return None, None
    word = split[0]
    return word, ("vi" if word in _VI_LETTERS else "en" if word in _EN_LETTERS else None)


def _hemi_split(s: str) -> tuple[str, str] | None:
    """``(hemisphere word, the rest)`` of a cleaned, upper-cased coordinate text; None without a word."""
    m = _LEADING.fullmatch(s)
    if m:
        return m.group(1), m.group(2)
    return _trailing_word(s)


def _trailing_word(s: str) -> tuple[str, str] | None:
    """``_TRAILING.fullmatch(s)``'s ``(word, number)`` in linear time (the regex backtracks in O(n²): a 20 kB cell
    took 2.5 s). The word ends the text (a ``.`` may follow); the number is what comes before it, without the
    whitespace between, and has a digit after which no whitespace follows; nothing spans a line break.

    >>> _trailing_word("16 36 50.6 N"), _trailing_word("106°36'03 Đ."), _trailing_word("16 N 5")
    (('N', '16 36 50.6'), ('Đ', "106°36'03"), None)
    """
    body = s[:-1] if s.endswith(".") else s
    for word in _HEMI_WORDS:                       # longest first: the shortest number, as the lazy regex finds
        if not body.endswith(word):
            continue
        number = body[: len(body) - len(word)].rstrip()
        last = next((i for i in range(len(number) - 1, -1, -1) if number[i].isdecimal()), None)
        if last is not None and "\n" not in number and not any(c.isspace() for c in number[last + 1:]):
            return word, number
    return None


def parse_degrees(value, *, axis: str, letters: str | None = None) -> float:
    """Decimal degrees or degrees-minutes-seconds to signed decimal degrees.

    Accepts ``16.6140``, ``16,6140``, ``-16.6``, ``16°36'50.6"N``, ``N 16 36 50.6``,
    ``16°36.843'``, with typographic marks (``′ ″``) and a decimal comma in the seconds;
    Vietnamese hemisphere words before or after the number: ``B``/``Bắc`` (north),
    ``N``/``Nam`` (south), ``Đ``/``Đông`` (east), ``T``/``Tây`` (west) — ``16°36'50,6"B``,
    ``B 16°42'00"``, ``16 42 00 B``. A lone ``N`` means north unless ``letters`` is ``"vi"``
    (the row's other coordinate uses Vietnamese letters: then it is *Nam*, south). A
    hemisphere of the other axis (``E`` in a latitude) is refused as probably swapped.
    Ranges are checked by the caller.

    >>> round(parse_degrees("16°36′50.6″N", axis="lat"), 6)
    16.614056
    >>> round(parse_degrees("16° 30′ 05,8″ Bắc", axis="lat"), 6), parse_degrees("106,6", axis="lon")
    (16.501611, 106.6)
    >>> parse_degrees("16 30 00 N", axis="lat", letters="vi")
    -16.5
    """
    if isinstance(value, bool):
        raise BadValue("import.bad_coord", value=value, example=EXAMPLES[axis])
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _finite_number(value, axis)
    shown = clean_text(value)[:60]
    s = clean_text(value).upper()
    plain = _plain_decimal(s, shown, axis)
    if plain is not None:
        return plain
    word, sign, s = _hemisphere_sign(s, shown, axis=axis, letters=letters)
    s = s.strip()
    if s.startswith("-"):
        if word:
            raise BadValue("import.bad_coord", value=shown, example=EXAMPLES[axis])
        sign, s = -1.0, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    return sign * _dms_value(s, shown, axis)


def _finite_number(value: float | np.integer | np.floating, axis: str) -> float:
    """A number read from the file as a number (spreadsheet cell): itself, unless NaN or infinite."""
    if not np.isfinite(value):
        raise BadValue("import.bad_coord", value=value, example=EXAMPLES[axis])
    return float(value)


def _plain_decimal(s: str, shown: str, axis: str) -> float | None:
    """Fast path: ``s`` as plain decimal degrees (``float`` syntax, no ``_`` digit groups); None otherwise."""
    if "_" in s:
        return None
    try:
        out = float(s)
    except ValueError:
        return None
    if not np.isfinite(out):
        raise BadValue("import.bad_coord", value=shown, example=EXAMPLES[axis])
    return out


def _hemisphere_sign(s: str, shown: str, *, axis: str, letters: str | None) -> tuple[str | None, float, str]:
    """``(word, sign, rest)``: the hemisphere word of ``s`` (None without one), the sign it gives and the
    text without it. A lone ``N`` is *Nam* (south) when ``letters`` is ``"vi"``; a word of the other axis
    is refused as probably swapped."""
    split = _hemi_split(s)
    if split is None:
        return None, 1.0, s
    word, rest = split
    other_axis, sign = _HEMI[word]
    if word == "N" and letters == "vi":
        sign = -1                                         # Nam
    if other_axis != axis:
        raise BadValue("import.coord_swapped_hemi", value=shown, hemi=word)
    return word, float(sign), rest


_MARK_RANK = {**dict.fromkeys(_DEG_MARKS, 1), **dict.fromkeys(_MIN_MARKS, 2), **dict.fromkeys(_SEC_MARKS, 3)}
_DOUBLE_PRIME = re.compile(rf"[{_MIN_MARKS}]{{2}}")       # 50.6'' : two minute marks typed for seconds


def _marks_in_order(s: str) -> bool:
    """Each degree, minute or second mark follows the number of its rank: ``°`` the first, ``'`` the second,
    ``"`` the third; at most one mark after a number, none before the first. ``17°20"`` (a seconds mark on the
    second number) would otherwise be read as 17°20' — 36 km off — so it is refused.

    >>> [_marks_in_order(s) for s in ("16°36'50.6″", "16 36 50.6", "17°20″", "16°36°")]
    [True, True, False, False]
    """
    s = _DOUBLE_PRIME.sub('"', s)
    spans = [m.span() for m in _NUMBER.finditer(s)]
    edges = [0] + [i for span in spans for i in span] + [len(s)]
    gaps = [s[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    for rank, gap in enumerate(gaps):                   # gap k follows number k (gap 0: before the first)
        marks = [_MARK_RANK[c] for c in gap if c in _MARK_RANK]
        if marks and (rank == 0 or marks != [rank]):
            return False
    return True


def _dms_value(s: str, shown: str, axis: str) -> float:
    """Unsigned degrees from ``D``, ``D M`` or ``D M S`` (marks, spaces or colons between; decimal point or
    comma in the last part only; minutes and seconds under 60; each mark after the number of its rank)."""
    nums = _NUMBER.findall(s)
    if not nums or _JUNK.sub("", _NUMBER.sub("", s)) or len(nums) > 3 or not _marks_in_order(s):
        raise BadValue("import.bad_coord", value=shown, example=EXAMPLES[axis])
    parts = [float(n.replace(",", ".")) for n in nums]
    if len(parts) > 1 and (any(not p.is_integer() for p in parts[:-1]) or any(p >= 60 for p in parts[1:])):
        raise BadValue("import.bad_coord", value=shown, example=EXAMPLES[axis])
    return parts[0] + sum(p / 60 ** k for k, p in enumerate(parts[1:], start=1))


# Plain decimal degrees as :func:`parse_degrees` reads them with ``float``: ASCII digits, an optional sign and
# decimal point, nothing around them (so no text to clean, no hemisphere word, always finite).
# Possessive quantifiers, one way to match each cell: a column of integer cells ending in one other cell made the
# backtracking of ``[0-9]+\.?[0-9]*`` exponential in the number of cells (22 cells: 0.4 s; a file: never).
_PLAIN_CELL = r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)"
_PLAIN_DEGREES = re.compile(_PLAIN_CELL)
_PLAIN_COLUMN = re.compile(rf"{_PLAIN_CELL}(?:\n{_PLAIN_CELL})*+")


def plain_degrees(values: list) -> np.ndarray | None:
    """:func:`parse_degrees` of a column's plain decimal cells (``16.614056``, ``-106.6``) at once, NaN for every
    other cell (those go through :func:`parse_degrees`); None when the column is not all text.

    A plain cell is read by ``float`` exactly as :func:`parse_degrees` reads it, whatever the row's letters.
    """
    try:
        joined = "\n".join(values)
    except TypeError:
        return None
    if joined.count("\n") == len(values) - 1 and _PLAIN_COLUMN.fullmatch(joined):    # every cell plain
        out = np.array(values, dtype=object).astype(float)
    else:
        out = np.array([float(v) if _PLAIN_DEGREES.fullmatch(v) else np.nan for v in values], dtype=float)
    out[~np.isfinite(out)] = np.nan             # too many digits for a float: refused by parse_degrees
    return out


def check_lat_lon(lat: float, lon: float) -> tuple[str, str, dict] | None:
    """None when in range, else (axis, key, fields) naming the first problem; says "swapped?"."""
    lat_ok, lon_ok = -90 <= lat <= 90, -180 <= lon <= 180
    if lat_ok and lon_ok:
        return None
    swapped = (-90 <= lon <= 90) and (-180 <= lat <= 180)
    if not lat_ok:
        return "lat", ("import.lat_swapped" if swapped else "import.lat_range"), {"value": lat}
    return "lon", "import.lon_range", {"value": lon}


# -- CRS --------------------------------------------------------------------------------

def parse_crs(text, *, lang: str | None = None) -> pyproj.CRS:
    """The CRS named by ``--crs`` (EPSG code, PROJ string, WKT, or an alias such as vn2000-quangtri)."""
    try:
        return resolve_crs(text)
    except (ValueError, TypeError) as exc:
        raise InputError(t("import.bad_crs", lang, crs=text, detail=str(exc))) from None


#: Projected CRSs a Quảng Trị file is likely in: (EPSG code, name).
CANDIDATES = (("EPSG:32648", "WGS 84 / UTM 48N"), ("EPSG:9212", "VN-2000 / TM-3 Quảng Trị 106°15′"),
              ("EPSG:3405", "VN-2000 / UTM 48N"), ("EPSG:9211", "VN-2000 / TM-3 106°00′"))
CANDIDATES_TEXT = "EPSG:32648 (WGS 84 / UTM 48N), EPSG:9212 (VN-2000 Quảng Trị)"
_QUANG_TRI = (106.5, 16.8)   # lon, lat near Lao Bảo


def projected_hint(geoms) -> str | None:
    """When coordinates are plainly projected metres (not degrees), the ``--crs`` candidates, nearest first.

    Each candidate is tried on the coordinates' centre; those that land within 150 km of
    Quảng Trị are listed first with the distance. None when the coordinates fit degrees.
    """
    g = np.asarray([x for x in geoms if x is not None], dtype=object)
    if not len(g):
        return None
    xmin, ymin, xmax, ymax = shapely.total_bounds(g)
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])) or (max(abs(xmin), abs(xmax)) <= 180
                                                            and max(abs(ymin), abs(ymax)) <= 90):
        return None
    if max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) < 1000:
        return None
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    from pyproj import Geod
    geod = Geod(ellps="WGS84")
    scored = []
    for code, name in CANDIDATES:
        lon, lat = wgs84_transformer(pyproj.CRS.from_user_input(code)).transform(cx, cy, errcheck=False)
        km = geod.inv(lon, lat, *_QUANG_TRI)[2] / 1000 if np.isfinite([lon, lat]).all() else float("inf")
        scored.append((km, code, name))
    scored.sort()
    near = [f"--crs {code} ({name}, ~{km:.0f} km)" for km, code, name in scored if km < 150]
    return ", ".join(near) if near else CANDIDATES_TEXT


def is_wgs84(crs: pyproj.CRS | None) -> bool:
    return crs is None or crs.equals(WGS84, ignore_axis_order=True)


def to_wgs84(geoms: np.ndarray, crs: pyproj.CRS | None) -> np.ndarray:
    """Shapely geometries from ``crs`` to EPSG:4326 (lon, lat), 2-D. ``None`` entries stay ``None``."""
    geoms = shapely.force_2d(np.asarray(geoms, dtype=object))
    if is_wgs84(crs):
        return geoms
    tr = wgs84_transformer(crs)

    def _fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1], errcheck=False)
        return np.column_stack([x, y])

    return shapely.transform(geoms, _fn)


def points_from_columns(a: np.ndarray, b: np.ndarray, crs: pyproj.CRS | None) -> np.ndarray:
    """Points from x-like ``a`` and y-like ``b`` columns in ``crs`` (None = WGS 84), as WGS 84.

    For lat/lon columns pass ``a=lon, b=lat``. NaN pairs give ``None``.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    out = np.full(len(a), None, dtype=object)
    if ok.any():
        x, y = a[ok], b[ok]
        if not is_wgs84(crs):
            x, y = wgs84_transformer(crs).transform(x, y, errcheck=False)
        out[ok] = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return out


def lat_lon_bounds_ok(geoms: np.ndarray) -> np.ndarray:
    """True where every coordinate of the geometry is a valid lon/lat (None geometries: True)."""
    out = np.ones(len(geoms), dtype=bool)
    present = ~shapely.is_missing(geoms)
    if present.any():
        b = shapely.bounds(geoms[present])
        finite = np.isfinite(b).all(axis=1)
        inside = (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)
        out[present] = finite & inside
    return out


# -- one typed position (the entry form) -------------------------------------------------

#: The province's VN-2000 zone, in which the entry form takes x/y (central meridian 106°15′).
ENTRY_XY_CRS = "EPSG:9212"


def parse_position(lat_text, lon_text) -> tuple[float, float]:
    """``(lat, lon)`` in WGS 84 from two typed coordinates: decimal degrees or DMS, with
    Vietnamese or English hemisphere letters (:func:`parse_degrees`, the importer's rules).

    Raises :class:`~data.importers.values.BadValue` whose ``fields["axis"]`` names the coordinate.

    >>> parse_position("16°36'50,6\\"B", "106°36'03\\"Đ")
    (16.614056, 106.600833)
    >>> parse_position("16.5", "106,2")
    (16.5, 106.2)
    """
    letters = hemisphere(lat_text)[1] or hemisphere(lon_text)[1]
    out = {}
    for axis, text in (("lat", lat_text), ("lon", lon_text)):
        try:
            out[axis] = parse_degrees(text, axis=axis, letters=letters)
        except BadValue as exc:
            exc.fields["axis"] = axis
            raise
    hit = check_lat_lon(out["lat"], out["lon"])
    if hit:
        axis, key, fields = hit
        raise BadValue(key, axis=axis, **fields)
    return round(out["lat"], 6), round(out["lon"], 6)


def parse_metres(text, *, axis: str) -> float:
    """A projected coordinate typed with a point or a comma as decimal mark and spaces between thousands.

    >>> parse_metres("537 146,32", axis="x"), parse_metres("1837549.7", axis="y")
    (537146.32, 1837549.7)
    """
    s = re.sub(r"[\s\u00a0\u202f]", "", clean_text(text))
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        raise BadValue("import.bad_number", value=clean_text(text)[:60], axis=axis) from None
    if not np.isfinite(value):
        raise BadValue("import.bad_number", value=clean_text(text)[:60], axis=axis)
    return value


def vn2000_to_wgs84(x: float, y: float, crs: str = ENTRY_XY_CRS) -> tuple[float, float]:
    """``(lat, lon)`` of VN-2000 easting ``x`` and northing ``y`` (EPSG:9212 by default), by the
    most accurate datum transformation (:func:`geo.crs.wgs84_transformer`)."""
    lon, lat = wgs84_transformer(pyproj.CRS.from_user_input(crs)).transform(x, y)
    return float(lat), float(lon)


def wgs84_to_vn2000(lat: float, lon: float, crs: str = ENTRY_XY_CRS) -> tuple[float, float]:
    """``(x, y)`` (easting, northing) in VN-2000 of a WGS 84 point."""
    from geo.crs import transformer
    x, y = transformer("EPSG:4326", crs).transform(lon, lat)
    return float(x), float(y)
