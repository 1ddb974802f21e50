"""A read file ready for validation: raw columns, their mapping to canonical fields, and the CRS.

:func:`read_source` reads the file (:mod:`.readers`), proposes a column mapping from
common names (Vietnamese and English, with or without diacritics), applies the user's
``SRC=DST`` mapping on top, and settles how coordinates are given and in which CRS.
Everything that makes the whole file unreadable is a one-line
:class:`~core.errors.InputError` here; row-level problems wait for
:func:`data.importers.validate.validate`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Unpack

import numpy as np
import pandas as pd
import pyproj

from core.errors import InputError
from core.i18n import t
from core.vocab import fold
from data.importers import coords
from data.importers import number_format as numbers
from data.importers.readers import RawOptions, RawTable, paused_gc, read_raw
from data.schema import LAYERS

# Field aliases (folded) → candidate fields, first one present in the layer wins.
_ALIASES: dict[str, tuple[str, ...]] = {fold(k): v for k, v in {
    "mã": ("id",), "mã số": ("id",), "ma vu viec": ("id",), "mã vụ việc": ("id",), "code": ("id",),
    "tên": ("name",), "ten": ("name",),
    "ngày": ("occurred_at", "decided_on"), "thời gian": ("occurred_at",), "ngày xảy ra": ("occurred_at",),
    "ngày giờ": ("occurred_at",), "date": ("occurred_at", "decided_on"), "datetime": ("occurred_at",),
    "time": ("occurred_at",), "timestamp": ("occurred_at",),
    "điều": ("article",), "điều luật": ("article",),
    "ma túy": ("drug",), "loại ma túy": ("drug",), "drug type": ("drug",),
    "khối lượng": ("quantity_g",), "khối lượng (g)": ("quantity_g",), "quantity": ("quantity_g",),
    "gram": ("quantity_g",), "grams": ("quantity_g",),
    "số viên": ("tablets",), "viên": ("tablets",),
    "số đối tượng": ("persons",), "đối tượng": ("persons",), "số người": ("persons",), "people": ("persons",),
    "đồn": ("station_id",), "đồn biên phòng": ("station_id",), "mã đồn": ("station_id",), "station": ("station_id",),
    "mô tả": ("description",), "nội dung": ("description",), "ghi chú": ("note", "description"),
    "xã": ("commune",), "huyện": ("district",), "dân số": ("population",), "số hộ": ("households",),
    "loại": ("kind",), "type": ("kind",), "đối diện": ("facing",), "xấp xỉ": ("approximate",),
    "mã thôn": ("village_id",), "thôn": ("village_id",), "village": ("village_id",),
    "trạng thái": ("status",), "ngày quyết định": ("decided_on",), "số quyết định": ("decision_ref",),
    "quyết định": ("decision_ref",), "hạn xem xét": ("review_due",), "ngày xem xét lại": ("review_due",),
    "area_wkt": ("area",), "vùng": ("area",), "khu vực": ("area",),
}.items()}


@dataclass(frozen=True)
class Source:
    """A file read for ``layer``. ``mapping`` is file column → target (a field or a coordinate role).

    ``pending`` holds problems found before validation as ``(row, column, key, fields)``
    (a row with the wrong number of values; a required column missing, ``row`` None);
    :func:`~data.importers.validate.validate` translates them into its language.

    ``coords`` says where geometry comes from: ``"geometry"`` (GIS file), ``"latlon"``,
    ``"xy"``, ``"wkt"`` (table columns) or None (layer without geometry). ``crs`` is the
    CRS of that geometry; None means WGS 84 degrees.
    """

    path: Path
    layer: str
    frame: pd.DataFrame
    geometry: np.ndarray | None
    crs: pyproj.CRS | None
    mapping: dict[str, str]
    coords: str | None
    rows: np.ndarray
    name: str
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    read_problems: tuple = ()            # (row, None, key, fields) found while reading rows
    pending: tuple = ()                  # read_problems + missing required columns, translated by validate
    options: dict = field(default_factory=dict)
    numbers: numbers.Convention = numbers.NONE   # how text numbers are read (decimal comma or point)

    @property
    def file(self) -> str:
        return self.name

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def targets(self) -> list[str]:
        return mapping_targets(self.layer, tabular=self.geometry is None)

    def column_for(self, target: str) -> str | None:
        """The file column mapped to ``target``, or None."""
        return next((c for c, tgt in self.mapping.items() if tgt == target), None)

    def unmapped(self) -> list[str]:
        """File columns that go nowhere (ignored on import)."""
        return [c for c in self.frame.columns if c not in self.mapping]

    def with_mapping(self, mapping: dict[str, str] | None) -> "Source":
        """The same file with another user mapping (the dashboard's column picker)."""
        opts = self.options
        raw = RawTable(frame=self.frame, geometry=self.geometry, crs=opts["file_crs"], has_prj=opts["has_prj"],
                       encoding=self.encoding, rows=self.rows, delimiter=opts.get("delimiter"),
                       notes=list(opts.get("read_notes", ())), crs_declared=opts.get("crs_declared", True))
        return _build(self.path, raw, layer=self.layer, lang=opts["lang"], name=self.name,
                      read_problems=self.read_problems,
                      how={"crs": opts["crs"], "mapping": mapping, "decimal": opts.get("decimal")})


def mapping_targets(layer: str, *, tabular: bool) -> list[str]:
    """Valid ``DST`` names for ``--map SRC=DST`` on ``layer``."""
    spec = LAYERS[layer]
    out = spec.field_names + list(spec.extra_geoms)
    if tabular and spec.geom_types:
        out += list(coords.COORD_ROLES)
    return out


class ReadOptions(RawOptions, total=False):
    """How to read a file for a layer (:func:`read_source`): :class:`RawOptions` plus ``crs``, ``mapping``
    and ``decimal``."""

    crs: str | None
    mapping: dict[str, str] | None
    decimal: str | None


@paused_gc()
def read_source(path: str | Path, *, layer: str, lang: str | None = None, name: str | None = None,
                **how: Unpack[ReadOptions]) -> Source:
    """Read ``path`` for ``layer`` and settle its columns and CRS.

    Parameters
    ----------
    path : str or Path
        .geojson/.json, .gpkg, .shp or zipped shapefile (.zip), .kml/.kmz, .csv/.txt/.tsv, .xlsx.
    layer : str
        Target layer (a key of :data:`data.schema.LAYERS`).
    crs : str, optional
        CRS of the coordinates when the file has none: an EPSG code, a PROJ string or an
        alias such as ``"vn2000-quangtri"`` (EPSG:9212). A file's own CRS wins.
    mapping : dict, optional
        File column → canonical field or coordinate role (``lat``, ``lon``, ``x``, ``y``, ``wkt``).
    encoding : str, optional
        Text encoding of CSV, GeoJSON and shapefile attributes (default UTF-8), e.g. ``"cp1258"``.
    max_bytes, max_rows : int, optional
        Upload limits; default :data:`~data.importers.readers.MAX_FILE_BYTES` / ``MAX_ROWS``.
    name : str, optional
        File name used in messages (the dashboard's upload name for a temporary file).
    decimal : {"comma", "point"}, optional
        Number format of text numbers when the file's own evidence does not settle it
        (see :mod:`data.importers.number_format`); overrides the evidence.
    source_layer : str, optional
        Layer, folder or sheet to read from a multi-layer source (``--layer``).
    header_row : int, optional
        1-based row of the header in CSV/XLSX, as Excel numbers rows (``--header-row``);
        default: found automatically.

    Raises
    ------
    InputError
        One line naming the file and the reason (empty, truncated, encoding, CRS, columns).
    """
    crs, mapping, decimal = how.get("crs"), how.get("mapping"), how.get("decimal")
    if layer not in LAYERS:
        raise InputError(t("import.bad_layer", lang, layer=layer, valid=", ".join(LAYERS)))
    if decimal not in (None, ""):
        conv = numbers.DECIMAL_NAMES.get(str(decimal).strip().lower())
        if conv is None:
            raise InputError(t("import.bad_decimal", lang, value=decimal))
        decimal = conv
    path = Path(path)
    shown = name or path.name
    raw = read_raw(path, layer=layer, lang=lang, name=shown, header_score=_header_scorer(layer, mapping or {}),
                   encoding=how.get("encoding"), max_bytes=how.get("max_bytes"), max_rows=how.get("max_rows"),
                   source_layer=how.get("source_layer"), header_row=how.get("header_row"))
    problems = tuple((row, None, key, fields) for row, key, fields in raw.bad_rows)
    return _build(path, raw, layer=layer, lang=lang, name=shown, read_problems=problems,
                  how={"crs": crs, "mapping": mapping, "decimal": decimal})


_Fail = Callable[..., InputError]


def _geometry_crs(raw: RawTable, user_crs: pyproj.CRS | None, crs: str | None, lang: str | None,
                  fail: _Fail) -> tuple[pyproj.CRS | None, list[str]]:
    """The CRS of a GIS file's geometries: its own, else ``--crs`` (or WGS 84 for a GeoJSON without ``crs``);
    refused when neither says, or when degrees are declared but the numbers look projected."""
    notes: list[str] = []
    use_crs: pyproj.CRS | None = None
    if raw.crs is not None and not raw.crs_declared and user_crs is not None:
        use_crs = user_crs            # a GeoJSON without "crs": WGS 84 only by default, --crs says otherwise
    elif raw.crs is not None:
        use_crs = raw.crs
        if user_crs is not None and not user_crs.equals(raw.crs, ignore_axis_order=True):
            notes.append(t("import.crs_ignored", lang, crs=crs, file_crs=raw.crs.to_string()))
    elif user_crs is not None:
        use_crs = user_crs
    elif not raw.has_prj:
        raise fail("import.shp_no_prj")
    elif raw.geometry is not None and not all(g is None for g in raw.geometry):
        raise fail("import.no_crs")
    if (use_crs is None or coords.is_wgs84(use_crs)) and user_crs is None:
        hint = coords.projected_hint(raw.geometry)
        if hint:
            raise fail("import.looks_projected", candidates=hint)
    return use_crs, notes


def _table_coords(raw: RawTable, cols: dict[str, str], user_crs: pyproj.CRS | None, crs: str | None,
                  fail: _Fail) -> str:
    """How a table gives positions (``xy``, ``latlon`` or ``wkt``) from its mapped columns and ``--crs``."""
    roles = set(cols.values())
    projected = user_crs is not None and not user_crs.is_geographic
    if {"x", "y"} <= roles and (projected or not {"lat", "lon"} <= roles):
        how = "xy"
    elif {"lat", "lon"} <= roles:
        how = "latlon"
    elif "wkt" in roles:
        how = "wkt"
    elif roles & {"lat", "lon", "x", "y"}:
        missing = next(r for pair in (("lat", "lon"), ("x", "y")) if roles & set(pair)
                       for r in pair if r not in roles)
        raise fail("import.coord_missing", role=missing, columns=", ".join(raw.frame.columns))
    else:
        raise fail("import.no_coords", columns=", ".join(raw.frame.columns))
    if how == "xy" and user_crs is None:
        raise fail("import.xy_needs_crs", candidates=coords.CANDIDATES_TEXT)
    if how == "latlon" and projected:
        raise fail("import.latlon_projected", crs=crs)
    return how


def _build(path: Path, raw: RawTable, *, layer: str, lang: str | None, name: str, read_problems: tuple,
           how: ReadOptions) -> Source:
    spec = LAYERS[layer]
    tabular = raw.geometry is None
    crs, mapping, decimal = how.get("crs"), how.get("mapping"), how.get("decimal")

    def fail(key: str, **kw: object) -> InputError:
        return InputError(t(key, lang, file=name, **kw))

    user_crs = coords.parse_crs(crs, lang=lang) if crs not in (None, "") else None
    cols = _resolve_mapping(list(raw.frame.columns), layer, mapping or {}, tabular=tabular, fail=fail)
    notes: list[str] = []
    coords_how: str | None = None
    use_crs: pyproj.CRS | None = None
    if spec.geom_types and not tabular:
        coords_how = "geometry"
        use_crs, notes = _geometry_crs(raw, user_crs, crs, lang, fail)
    elif spec.geom_types:
        coords_how = _table_coords(raw, cols, user_crs, crs, fail)
        use_crs = user_crs
    missing = [f.name for f in spec.fields if f.required and f.name not in cols.values()]
    problems = read_problems + tuple(
        (None, m, "import.missing_column", {"field": m, "columns": ", ".join(raw.frame.columns)}) for m in missing)
    rows = np.asarray(raw.rows, dtype=int)
    frame = raw.frame
    id_col = next((c for c, tgt in cols.items() if tgt == "id"), None)
    if raw.parts is not None and raw.parts.any() and id_col is not None:
        frame = frame.copy()
        split = np.flatnonzero(raw.parts)
        frame.loc[split, id_col] = [f"{frame.at[i, id_col]}-{raw.parts[i]}" if frame.at[i, id_col] else None
                                    for i in split]
    conv = numbers.decide(_number_samples(raw.frame, cols, spec, rows), user=decimal, delimiter=raw.delimiter)
    return Source(path=path, layer=layer, frame=frame, geometry=raw.geometry, crs=use_crs, mapping=cols,
                  coords=coords_how, rows=rows, name=name, encoding=raw.encoding,
                  notes=tuple(raw.notes) + tuple(notes), read_problems=read_problems, pending=problems,
                  options={"crs": crs, "file_crs": raw.crs, "has_prj": raw.has_prj, "lang": lang,
                           "delimiter": raw.delimiter, "decimal": decimal, "read_notes": tuple(raw.notes),
                           "crs_declared": raw.crs_declared},
                  numbers=conv)


_COORD_KIND = {"lat": "degrees", "lon": "degrees", "x": "xy", "y": "xy"}


def _number_samples(frame: pd.DataFrame, cols: dict[str, str], spec, rows: np.ndarray):
    """``(column, row, text, coordinate kind)`` of the text cells in numeric and coordinate columns that can
    be evidence for :func:`numbers.decide`, in file order.

    Left out, since :func:`numbers.decide` takes the first cell of each kind of evidence only: a cell whose
    text was seen before in its column, and a cell without the mark evidence needs (a comma for degrees, a
    comma or a point otherwise). A column of text is checked for those marks in one pass.
    """
    kinds = {f.name: f.kind for f in spec.fields}
    for col, tgt in cols.items():
        if kinds.get(tgt) not in ("int", "float") and tgt not in _COORD_KIND:
            continue
        coord = _COORD_KIND.get(tgt)
        marks = (",",) if coord == "degrees" else (",", ".")
        values = frame[col].to_numpy(dtype=object)
        try:
            joined = "\x00".join(values)
        except TypeError:       # typed cells (XLSX, GIS files): look at each one
            joined = None
        if joined is not None and not any(m in joined for m in marks):
            continue
        try:
            codes, _ = pd.factorize(values)
        except TypeError:       # an unhashable cell: every cell in turn
            first = np.arange(len(values))
        else:
            _, first = np.unique(codes, return_index=True)
            if len(first) and codes[first[0]] < 0:   # missing values (code -1) come first in ``np.unique``
                first = first[1:]
        for k in np.sort(first):
            v = values[k]
            if isinstance(v, str) and v.strip() and any(m in v for m in marks):
                yield col, int(rows[k]), v.strip(), coord


_SECONDARY = ("timestamp",)


def _header_scorer(layer: str, user: dict[str, str]):
    """cells → how many name a field, an alias, a coordinate or a ``--map`` source of ``layer``."""
    targets = mapping_targets(layer, tabular=True)
    sources = {fold(k) for k in user}

    def score(cells) -> int:
        n = 0
        for c in cells:
            if c is None or not isinstance(c, str) or not c.strip():
                continue
            if fold(c) in sources or _auto_target(c.strip(), layer, targets, True):
                n += 1
        return n
    return score


def _resolve_mapping(columns: list[str], layer: str, user: dict[str, str], *, tabular: bool, fail) -> dict[str, str]:
    """File column → target. The user's pairs first, then names recognised automatically."""
    targets = mapping_targets(layer, tabular=tabular)
    by_fold = {fold(tgt): tgt for tgt in targets}
    out: dict[str, str] = {}
    for src, dst in user.items():
        col = src if src in columns else next((c for c in columns if fold(c) == fold(src)), None)
        if col is None:
            raise fail("import.map_no_column", column=src, columns=", ".join(columns))
        tgt = by_fold.get(fold(dst))
        if tgt is None:
            raise fail("import.map_bad_target", target=dst, valid=", ".join(targets))
        if tgt in out.values():
            raise fail("import.map_twice", target=tgt)
        out[col] = tgt
    auto: dict[str, str] = {}
    # KML's element-derived columns (TimeStamp) step aside for an ExtendedData column of the same field.
    for col in sorted(columns, key=lambda c: c in _SECONDARY):
        if col in out:
            continue
        tgt = _auto_target(col, layer, targets, tabular)
        if tgt is None or tgt in out.values():
            continue
        if col in _SECONDARY and tgt in auto.values():
            continue
        if tgt in auto.values():
            other = next(c for c, v in auto.items() if v == tgt)
            raise fail("import.map_ambiguous", a=other, b=col, target=tgt)
        auto[col] = tgt
    return {**out, **{c: auto[c] for c in columns if c in auto}}


def _auto_target(column: str, layer: str, targets: list[str], tabular: bool) -> str | None:
    key = fold(column)
    direct = {fold(tgt): tgt for tgt in targets if tgt not in coords.COORD_ROLES}
    if key in direct:
        return direct[key]
    for cand in _ALIASES.get(key, ()):
        if cand in targets:
            return cand
    role = coords.coordinate_role(column) if tabular else None
    if role in targets:
        return role
    if len(column) == 10:  # a DBF field name cut to 10 characters: "occurred_a", "descriptio"
        hits = [tgt for tgt in direct.values() if fold(tgt).startswith(key)]
        return hits[0] if len(hits) == 1 else None
    return None
