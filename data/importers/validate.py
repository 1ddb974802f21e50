"""Every rule, every problem at once: a :class:`Report` of what an import would do.

Rules, each a :class:`~core.errors.Problem` naming file, row, column and reason:
a required column or value missing; a value that does not parse (number, yes/no, date
ISO or dd/mm/yyyy, impossible date such as 31/02); an unknown enum value (the valid
values are listed); geometry problems (:mod:`.geometry`); a duplicate key in the file;
a key already stored with different content (unless ``replace``); for
``village_status`` a village id that is not in ``villages``; for incidents a station
that is neither a stored station id nor a name (checked when stations are stored).

The border (:mod:`geo.border` through :mod:`data.border_side`, the rule the entry form and
the patrol importer use too): a point of ``incidents``, ``villages`` or ``stations`` on the
Lao side of the stored border line further than 2 km from it is refused, with the distance
and the reason naming the border. An incident deliberately recorded across the border (a
joint operation) carries ``outside_vietnam = true``: accepted only when the caller says the
acting user may (``allow_outside``: capability ``cross_border``, editor); the caller audits it.

Validation only reads the store; :func:`data.importers.commit.commit` re-runs it inside
the write transaction.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from core.errors import Problem
from core.i18n import fmt_num, t
from core.vocab import match_station
from data.importers import geometry
from data.importers import number_format as numbers
from data.importers.readers import paused_gc
from data.importers.values import (
    PARSERS,
    BadValue,
    clean_text,
    clean_texts,
    is_arrow_text,
    is_blank,
    parse_enum,
    parse_timestamps,
    text_list,
)
from data.schema import LAYERS
from data.store import CRS, read_layer
from data.village_rules import check_review_dates

if TYPE_CHECKING:
    from data.importers.source import Source

STATUSES = ("new", "unchanged", "changed")
# Messages about the file's number format: they name the convention and its evidence.
_NUMBER_KEYS = ("import.number_convention", "import.number_ambiguous", "import.number_mixed")


@dataclass
class Report:
    """What importing ``file`` into ``layer`` would do.

    ``valid`` holds the canonical rows without problems (a GeoDataFrame in EPSG:4326 for
    spatial layers) plus ``_row`` (file row) and ``_status`` (new, unchanged, changed).
    ``problems`` lists everything found, file-level ones (``row`` None) first.
    """

    file: str
    layer: str
    rows: int
    valid: pd.DataFrame
    problems: list[Problem]
    new: int = 0
    unchanged: int = 0
    changed: int = 0
    replace: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})

    def to_write(self) -> pd.DataFrame:
        """Rows an import writes: new ones, and changed ones when replacing."""
        keep = self.valid["_status"].eq("new") | (self.valid["_status"].eq("changed") & self.replace)
        return self.valid[keep]


#: Point layers whose points belong on the Vietnamese side of the border.
BORDER_CHECKED = ("incidents", "villages", "stations")
#: Fields whose blank value means this value (also for stored NULLs when comparing).
_BLANK_AS = {"outside_vietnam": False}


@dataclass(frozen=True)
class Actor:
    """Who imports, for the cross-border rule: may they flag ``outside_vietnam``; name and role for a refusal."""

    allow_outside: bool = False
    who: str | None = None
    role: str | None = None


@dataclass
class FileKeys:
    """The keys of one file validated in pieces (:func:`validate_piece`).

    The keys of the earlier pieces with the file row of the first row holding each: text keys (``id``) in
    ``texts`` (Arrow) and ``text_rows``, others (village_status) in ``first``. ``stored_ids`` (Arrow text,
    layers keyed by ``id``) holds the ids stored before the import wrote any row, so a piece looks in the
    store only for the ids found there — the rows written by earlier pieces cannot hold its keys (that would
    be a duplicate). None: look in the store for every key.
    """

    first: dict = field(default_factory=dict)
    texts: pa.Array = field(default_factory=lambda: pa.array([], type=pa.string()))
    text_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    stored_ids: pa.Array | None = None

    def earlier(self, keys: list) -> list | None:
        """Per key, the file row of an earlier piece's first row holding it (None: not seen); None when the
        keys are not text (they are looked up in ``first``)."""
        if not self.first and all(k is None or type(k) is str for k in keys):
            try:
                texts = pa.array(keys, type=pa.string())
            except (pa.ArrowException, UnicodeEncodeError):     # a lone surrogate: looked up in ``first``
                pass
            else:
                at = pc.index_in(texts, value_set=self.texts).fill_null(-1).to_numpy()
                return [None if j < 0 else int(self.text_rows[j]) for j in at.tolist()]
        if len(self.texts):         # from now on every key in ``first``, the earlier ones too
            self.first.update(zip(self.texts.to_pylist(), self.text_rows.tolist(), strict=True))
            self.texts, self.text_rows = pa.array([], type=pa.string()), np.zeros(0, dtype=np.int64)
        return None

    def add_texts(self, first_rows: dict) -> None:
        """Remember a piece's text keys (key → file row of its first row)."""
        if first_rows:
            self.texts = pa.concat_arrays([self.texts, pa.array(list(first_rows), type=pa.string())])
            self.text_rows = np.concatenate([self.text_rows, np.fromiter(first_rows.values(), dtype=np.int64)])


# Field name → one parsed value per row (a list, or an object array for extra geometries).
_Values = dict[str, Any]


class _Problems:
    """The problems of one file, each naming file, row, column and reason; a row with one is rejected.

    ``add`` is the recorder the rules call (``add(i, column, key, **fields)`` with ``i`` the
    frame position); ``bad`` marks the rejected positions.
    """

    def __init__(self, source: Source, lang: str | None):
        self.file, self.rows, self.lang, self.numbers = source.file, source.rows, lang, source.numbers
        self.items = [Problem(source.file, row, col, t(key, lang, **fields))
                      for row, col, key, fields in source.pending]
        self.bad = np.zeros(len(source.frame), dtype=bool)
        index_of = {int(r): i for i, r in enumerate(self.rows)}
        for p in self.items:
            if p.row is not None:
                self.bad[index_of[p.row]] = True

    def add(self, i: int | np.integer, column: str | None, msg_key: str, /, **fields: Any) -> None:
        if msg_key in _NUMBER_KEYS:
            fields = {**numbers.describe(self.numbers, lambda k, **f: t(k, self.lang, **f)), **fields}
        self.items.append(Problem(self.file, int(self.rows[i]), column, t(msg_key, self.lang, **fields)))
        self.bad[i] = True

    def in_file_order(self, columns: list[str]) -> list[Problem]:
        """File-level problems first, then by row and by the file's column order."""
        order = {c: k for k, c in enumerate(columns)}
        return sorted(self.items, key=lambda p: (p.row is not None, p.row or 0,
                                                 order.get((p.column or "").split("/")[0], len(order))))


@paused_gc()
def validate(source: Source, con: duckdb.DuckDBPyConnection, *, replace: bool = False,
             max_distance_km: float = 50, lang: str | None = None, allow_outside: bool = False,
             who: str | None = None, role: str | None = None) -> Report:
    """Check every row of ``source`` against the rules and the store; nothing is written.

    Parameters
    ----------
    source : Source
        From :func:`data.importers.read_source` (the target layer is ``source.layer``).
    con : duckdb connection
        The store (read only is enough).
    replace : bool
        Rows whose key is stored with different content are to be replaced rather than
        reported as problems.
    max_distance_km : float
        Rows further than this from the belt polygon stored in the store are refused.
    allow_outside : bool
        The acting user (``who``, ``role``: named in the refusal) may flag an incident
        ``outside_vietnam`` (:data:`core.roles.CROSS_BORDER`).
    """
    return validate_piece(source, con, FileKeys(), replace=replace, max_distance_km=max_distance_km, lang=lang,
                          actor=Actor(allow_outside, who, role))


@paused_gc()
def validate_piece(source: Source, con: duckdb.DuckDBPyConnection, seen: FileKeys, *, replace: bool,
                   max_distance_km: float, lang: str | None, actor: Actor) -> Report:
    """:func:`validate` of some rows of a file. ``seen`` is shared by the pieces of one file validated in turn
    (:func:`data.importers.commit.commit`), so that a key repeated anywhere in the file is a duplicate."""
    layer, spec = source.layer, LAYERS[source.layer]
    problems = _Problems(source, lang)
    values = _parse_fields(source, problems)
    geoms = None
    if spec.geom_types:
        geoms = _geometries(source, con, values, problems, max_distance_km=max_distance_km, actor=actor)
    _layer_rules(source, con, values, problems)
    keys = _keys(spec, values, len(source.frame))
    key_col = source.column_for(spec.key.split(",")[0])
    _check_duplicates(keys, key_col, problems, seen)
    frame = _frame(source, values, geoms)
    changed = _compare(con, layer, frame, keys, key_col, problems, replace=replace, stored_ids=seen.stored_ids)
    valid = frame[~problems.bad]
    counts = valid["_status"].value_counts()
    return Report(file=source.file, layer=layer, rows=len(source.frame), valid=valid,
                  problems=problems.in_file_order(list(source.columns)),
                  new=int(counts.get("new", 0)), unchanged=int(counts.get("unchanged", 0)), changed=changed,
                  replace=replace, notes=list(source.notes))


def _parse_fields(source: Source, problems: _Problems) -> _Values:
    """Each field's values parsed (None where absent or refused), blanks given their meaning."""
    n = len(source.frame)
    values: _Values = {}
    for f in LAYERS[source.layer].fields:
        col = source.column_for(f.name)
        values[f.name] = ([None] * n if col is None
                          else _parse_column(_cells(source.frame[col]), f, col, problems.add, problems.lang,
                                             source.numbers))
        if f.name in _BLANK_AS:
            values[f.name] = [_BLANK_AS[f.name] if v is None else v for v in values[f.name]]
        if f.name == "quantity_g" and col is not None:
            _cap_quantity(values[f.name], col, problems)
    return values


#: The most one case can weigh, in grams (100 t): more is a unit or typing error, not a seizure, and a
#: value such as 1e308 g would turn every sum it enters into infinity.
MAX_QUANTITY_G = 100_000_000


def _cap_quantity(vals: list, col: str, problems: _Problems) -> None:
    for i, v in enumerate(vals):
        if v is not None and v > MAX_QUANTITY_G:
            problems.add(i, col, "import.quantity_too_large", value=_grams(v, problems.lang), limit="100 t")
            vals[i] = None


def _grams(v: float, lang: str | None) -> str:
    """``v`` in full in the user's notation (``100.000.000,01``; a rounded ``1e+08`` would read as the limit
    itself); beyond 15 digits, where a double holds no more, its exponent form."""
    if v >= 1e15:
        text = f"{v:.6g}"
        return text.replace(".", ",") if lang == "vi" else text
    digits = repr(v)                                # the shortest text that reads back as v
    decimals = 0 if "e" in digits else len(digits.partition(".")[2].rstrip("0"))
    return fmt_num(v, lang, decimals=min(decimals, 6))


def _cells(column: pd.Series) -> list | pd.Series:
    """A column's cells: the Series itself when it is Arrow text without nulls (the columnar CSV read, parsed
    by distinct value without a Python string per cell), else a list."""
    if is_arrow_text(column):
        return column
    return column.tolist()


def _geometries(source: Source, con: duckdb.DuckDBPyConnection, values: _Values, problems: _Problems, *,
                max_distance_km: float, actor: Actor) -> np.ndarray:
    """The rows' geometries, checked (shape, belt distance, border side); extra geometry columns into ``values``."""
    layer, spec = source.layer, LAYERS[source.layer]
    skip = np.zeros(len(source.frame), dtype=bool)      # rows whose coordinates were already reported

    def add_geom(i: int, *args: Any, **fields: Any) -> None:
        skip[i] = True
        problems.add(i, *args, **fields)

    built, label = geometry.build(source, add_geom)
    if built is None:       # read_source gives a spatial layer coordinates or refuses the file
        built = np.full(len(source.frame), None, dtype=object)
    belt = _belt(con) if layer != "belt" else None
    geoms = geometry.check(layer, built, label, problems.add, skip=skip, belt=belt, max_distance_km=max_distance_km)
    if layer in BORDER_CHECKED:
        _check_border(con, geoms, label, values.get("outside_vietnam"), source.column_for("outside_vietnam"),
                      problems, actor=actor)
    for g in spec.extra_geoms:
        col = source.column_for(g)
        values[g] = (geometry.parse_extra(source.frame[col].tolist(), col, source.crs, problems.add)
                     if col else [None] * len(source.frame))
    return geoms


def _layer_rules(source: Source, con: duckdb.DuckDBPyConnection, values: _Values,
                 problems: _Problems) -> None:
    """Rules of one layer against the store: known villages and review dates; stations by id or name."""
    if source.layer == "village_status":
        _check_villages(con, values["village_id"], source.column_for("village_id"), problems.add, problems.lang)
        check_review_dates(values, source.column_for("review_due"), problems.add, problems.lang)
    station_col = source.column_for("station_id")
    if source.layer == "incidents" and station_col:
        values["station_id"] = _resolve_stations(con, values["station_id"], station_col, problems.add,
                                                 problems.lang)


def _check_duplicates(keys: list, key_col: str | None, problems: _Problems, seen: FileKeys) -> None:
    """A key seen before in the file (an earlier piece, then this one): a problem naming the row that had it
    first."""
    earlier = seen.earlier(keys)
    first_seen: dict = {} if earlier is not None else seen.first
    for i, k in enumerate(keys):
        if k is None:
            continue
        first = earlier[i] if earlier is not None else None
        if first is None:
            first = first_seen.get(k)
        if first is not None:
            problems.add(i, key_col, "import.duplicate_key", id=_key_text(k), first=first)
        else:
            first_seen[k] = int(problems.rows[i])
    if earlier is not None:
        seen.add_texts(first_seen)


def _frame(source: Source, values: _Values, geoms: np.ndarray | None) -> pd.DataFrame:
    """The canonical rows (typed columns, ``_row``, ``_status`` "new"); a GeoDataFrame when there are geometries."""
    spec = LAYERS[source.layer]
    frame = pd.DataFrame({name: _typed(vals, spec, name) for name, vals in values.items()})
    frame["_row"] = source.rows
    frame["_status"] = "new"
    if geoms is not None:
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)
    return frame


def _compare(con: duckdb.DuckDBPyConnection, layer: str, frame: pd.DataFrame, keys: list, key_col: str | None,
             problems: _Problems, *, replace: bool, stored_ids: pa.Array | None = None) -> int:
    """Set ``_status`` against the store; a changed row is a problem unless replacing. Returns how many changed."""
    status = _compare_with_store(con, layer, frame, keys, ~problems.bad, stored_ids)
    frame["_status"] = [s for s, _ in status]
    changed = 0
    for i in np.flatnonzero(~problems.bad):
        s, diff = status[i]
        if s == "changed":
            changed += 1
            if not replace:
                problems.add(i, key_col, "import.changed", id=_key_text(keys[i]), columns=", ".join(diff))
    return changed


# -- values ------------------------------------------------------------------------------

def _parse_column(raw: list | pd.Series, f, col: str, add, lang, conv=numbers.NONE) -> list:
    if f.enum:
        parser: Callable[[Any], Any] = partial(parse_enum, f.enum, lang=lang)
    elif f.kind in ("int", "float"):
        parser = partial(PARSERS[f.kind], conv=conv)
    else:
        parser = PARSERS[f.kind]
    if isinstance(raw, pd.Series) or (raw and set(map(type, raw)) == {str}):
        return _parse_text_column(raw, f, col, add, parser, conv)
    out: list = [None] * len(raw)
    cache: dict[tuple, tuple[bool, Any]] = {}
    hit: tuple[bool, Any] | None
    for i, v in enumerate(raw):
        if is_blank(v) or (f.kind == "text" and not f.enum and not clean_text(v)):
            if f.required:
                add(i, col, "import.required")
            continue
        try:
            key = (type(v), v)
            hit = cache.get(key)
        except TypeError:
            key, hit = None, None
        if hit is None:
            try:
                hit = (True, parser(v))
            except BadValue as exc:
                hit = (False, exc)
            if key is not None:
                cache[key] = hit
        if hit[0]:
            out[i] = hit[1]
        else:
            add(i, col, hit[1].key, **hit[1].fields)
    return out


def _parse_text_column(raw: list[str] | pd.Series, f: Any, col: str, add: Callable[..., None],
                       parser: Callable[[Any], Any], conv: numbers.Convention = numbers.NONE) -> list:
    """:func:`_parse_column` for a column of text cells (CSV): each distinct text is parsed once and the
    results are spread over the rows; problems are recorded in row order, as the per-cell loop does.
    ``raw`` may be an Arrow text Series (:func:`is_arrow_text`), factorized without a string per cell."""
    codes, uniques = pd.factorize(raw if isinstance(raw, pd.Series) else np.asarray(raw, dtype=object))
    text = f.kind == "text" and not f.enum
    parsed = np.empty(len(uniques), dtype=object)
    state = np.zeros(len(uniques), dtype=np.int8)          # 0 parsed, 1 blank, 2 refused
    distinct = text_list(uniques)
    if text:                            # the parser is clean_text: the whole column at once
        cleaned = clean_texts(distinct)
        for k, c in enumerate(cleaned):
            if not c:
                state[k] = 1
        parsed[:] = cleaned
        distinct = []
    ready: list = [None] * len(distinct)
    if f.kind == "timestamp" and not f.enum:
        ready = parse_timestamps(distinct)
    elif f.kind == "float" and not f.enum:
        ready = numbers.plain_quantities(distinct, conv)
    for k, v in enumerate(distinct):
        if ready[k] is not None:
            parsed[k] = ready[k]
            continue
        if not v.strip():
            state[k] = 1
            continue
        try:
            parsed[k] = parser(v)
        except BadValue as exc:
            parsed[k], state[k] = exc, 2
    row_state = state[codes]
    out = parsed[codes]
    for i in np.flatnonzero(row_state):
        if row_state[i] == 1:
            out[i] = None
            if f.required:
                add(i, col, "import.required")
        else:
            err = out[i]
            out[i] = None
            add(i, col, err.key, **err.fields)
    return out.tolist()


def _typed(vals: list, spec, name: str):
    f = spec.get(name)
    kind = f.kind if f else "geometry"
    if kind == "timestamp":
        return pd.to_datetime(pd.Series(vals, dtype=object)).astype("datetime64[us]")
    if kind == "int":
        return pd.array(vals, dtype="Int64")
    if kind == "float":
        return pd.array(vals, dtype="Float64").astype("float64")
    if kind == "bool":
        return pd.array(vals, dtype="boolean")
    if kind == "geometry":
        return gpd.GeoSeries(vals, crs=CRS).values
    return pd.Series(vals, dtype=object)


# -- keys and the store ------------------------------------------------------------------

def _keys(spec, values: dict, n: int) -> list:
    names = spec.key.split(",")
    if len(names) == 1:             # the key is the value itself (None where missing)
        return list(values[names[0]])
    out = []
    for i in range(n):
        k = tuple(values[c][i] for c in names)
        out.append(None if any(x is None for x in k) else (k[0] if len(k) == 1 else k))
    return out


def _key_text(k) -> str:
    return " / ".join(str(x) for x in k) if isinstance(k, tuple) else str(k)


def _compare_with_store(con: duckdb.DuckDBPyConnection, layer: str, frame: pd.DataFrame, keys: list,
                        ok: np.ndarray, stored_ids: pa.Array | None = None) -> list:
    """Per row: ("new" | "unchanged" | "changed", differing columns). ``stored_ids``: see :class:`FileKeys`."""
    spec = LAYERS[layer]
    out: list[tuple[str, list[str]]] = [("new", [])] * len(frame)
    wanted = [k for k, good in zip(keys, ok, strict=True) if good and k is not None]
    if wanted and stored_ids is not None:     # keys the store held before the import: the only ones to look up
        found = pc.is_in(pa.array([str(k) for k in wanted], type=pa.string()), value_set=stored_ids)
        wanted = [k for k, hit in zip(wanted, found.to_numpy(zero_copy_only=False), strict=True) if hit]
    if not wanted:
        return out
    stored = _stored(con, layer, wanted)
    if not len(stored):
        return out
    names = spec.key.split(",")
    index = {(r[0] if len(r) == 1 else tuple(r)): j
             for j, r in enumerate(stored[names].itertuples(index=False, name=None))}
    if len(names) > 1:
        index = {(a, b, c.date() if hasattr(c, "date") else c): j for (a, b, c), j in index.items()}
    pairs = [(i, index[keys[i]]) for i in np.flatnonzero(ok) if keys[i] in index]
    if not pairs:
        return out
    mine_i, theirs_j = (np.array(x) for x in zip(*pairs, strict=True))
    diffs: list[list[str]] = [[] for _ in pairs]
    for f in spec.fields:
        a, b = frame[f.name].to_numpy(dtype=object), stored[f.name].to_numpy(dtype=object)
        if f.name in _BLANK_AS:
            b = np.array([_BLANK_AS[f.name] if is_blank(v) else v for v in b], dtype=object)
        for k, (i, j) in enumerate(pairs):
            if not _same(a[i], b[j], f.kind):
                diffs[k].append(f.name)
    geo_cols = (["geometry"] if spec.geom_types else []) + list(spec.extra_geoms)
    for g in geo_cols:
        a = np.asarray(frame.geometry.values if g == "geometry" else frame[g].values, dtype=object)[mine_i]
        b = np.asarray(stored.geometry.values if g == "geometry" else stored[g].values, dtype=object)[theirs_j]
        for k_geom in np.flatnonzero(~_same_geoms(a, b)):
            diffs[k_geom].append(g)
    for (i, _), diff in zip(pairs, diffs, strict=True):
        out[i] = ("changed", diff) if diff else ("unchanged", [])
    return out


def _stored(con: duckdb.DuckDBPyConnection, layer: str, keys: list) -> pd.DataFrame:
    spec = LAYERS[layer]
    if spec.key == "id":
        con.register("__bw_keys", pd.DataFrame({"id": [str(k) for k in keys]}))
        try:
            return read_layer(con, layer, where="id IN (SELECT id FROM __bw_keys)")
        finally:
            con.unregister("__bw_keys")
    a, b, c = zip(*keys, strict=True)
    con.register("__bw_keys", pd.DataFrame({"village_id": a, "status": b, "decided_on": pd.to_datetime(list(c))}))
    try:
        return con.execute(
            "SELECT s.* FROM village_status s JOIN __bw_keys k ON s.village_id = k.village_id "
            "AND s.status = k.status AND s.decided_on = CAST(k.decided_on AS DATE)").df()
    finally:
        con.unregister("__bw_keys")


def _same(a, b, kind: str) -> bool:
    if is_blank(a) or is_blank(b):
        return is_blank(a) and is_blank(b)
    if kind == "float":
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if kind == "int":
        return int(a) == int(b)
    if kind == "timestamp":
        return pd.Timestamp(a) == pd.Timestamp(b)
    if kind == "date":
        return pd.Timestamp(a).date() == pd.Timestamp(b).date()
    if kind == "bool":
        return bool(a) == bool(b)
    return str(a) == str(b)


def _same_geoms(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: both missing, or equal vertex by vertex within 1e-8° (≈1 mm) after normalising."""
    a_missing, b_missing = shapely.is_missing(a), shapely.is_missing(b)
    out = a_missing & b_missing
    both = ~a_missing & ~b_missing
    if both.any():
        out[both] = shapely.equals_exact(shapely.normalize(a[both]), shapely.normalize(b[both]), tolerance=1e-8)
    return out


def _check_border(con: duckdb.DuckDBPyConnection, geoms: np.ndarray, label: str | None, flags: list | None,
                  flag_col: str | None, problems: _Problems, *, actor: Actor) -> None:
    """Points on the Lao side beyond the tolerance are refused unless flagged ``outside_vietnam``;
    a flag needs ``actor.allow_outside``."""
    from core import roles
    from data.border_side import BORDER_TOLERANCE_M, border_context

    n = len(geoms)
    flags = flags or [False] * n
    add, bad = problems.add, problems.bad
    if not actor.allow_outside and flag_col is not None:
        need = t(f"auth.role.{roles.minimum_role(roles.CROSS_BORDER)}", problems.lang)
        for i in range(n):
            if flags[i] is True:
                add(i, flag_col, "import.outside_denied", need=need, user=actor.who or "?", role=actor.role or "?")
    geoms = np.asarray(geoms, dtype=object)
    keep = ~bad & (shapely.get_type_id(geoms) == 0)                          # points of rows not refused
    pts = np.full(geoms.shape, None, dtype=object)
    pts[keep] = geoms[keep]
    use = np.flatnonzero(~shapely.is_missing(pts))
    if not use.size:
        return
    ctx = border_context(con)
    if ctx is None:
        return
    at, distance_m = lao_points(ctx, shapely.get_x(pts[use]), shapely.get_y(pts[use]))
    for k, d in zip(at.tolist(), distance_m.tolist(), strict=True):
        i = int(use[k])
        if flags[i] is not True:
            add(i, label, "import.lao_side", km=d / 1000, tol=BORDER_TOLERANCE_M / 1000)


def lao_points(ctx, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the points on the Lao side beyond the tolerance (:func:`data.border_side.lao_beyond` of
    ``ctx.sides``) and their distances to the line (metres). A point inside the belt is on the Vietnamese side
    (what ``border_side`` says of it first), so only the others are measured."""
    from data.border_side import lao_beyond

    x, y = ctx.to_metric(lon, lat)
    shapely.prepare(ctx.belt_m)
    rest = np.flatnonzero(~shapely.contains_xy(ctx.belt_m, np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
    if not rest.size:
        return rest, np.zeros(0)
    sides = ctx.sides(lon[rest], lat[rest])
    lao = lao_beyond(sides)
    return rest[lao], sides["distance_m"].to_numpy(dtype=float)[lao]


def _belt(con: duckdb.DuckDBPyConnection):
    from data.queries import study_area
    return study_area(con)


def _check_villages(con: duckdb.DuckDBPyConnection, ids: list, col: str | None, add, lang) -> None:
    known = {r[0] for r in con.execute("SELECT id FROM villages").fetchall()}
    for i, v in enumerate(ids):
        if v is not None and v not in known:
            add(i, col, "import.unknown_village", value=v)


def _resolve_stations(con: duckdb.DuckDBPyConnection, ids: list, col: str, add, lang) -> list:
    """Station ids as stored; a station may also be given by its name or a unique part of it
    (:func:`core.vocab.match_station`, as ``import patrols --station``). Unknown or ambiguous ones are problems."""

    rows = con.execute("SELECT id, name FROM stations ORDER BY id").fetchall()
    if not rows:
        return ids
    out = list(ids)
    found: dict[str, tuple[str | None, list]] = {}    # value as given → match (each distinct value matched once)
    for i, v in enumerate(ids):
        if v is None:
            continue
        try:
            sid, candidates = found[v]
        except KeyError:
            sid, candidates = found[v] = match_station(rows, v)
        except TypeError:       # not hashable: look it up as it is
            sid, candidates = match_station(rows, v)
        if sid is None:
            key = "import.ambiguous_station" if candidates else "import.unknown_station"
            add(i, col, key, value=v, valid=", ".join(r[0] for r in candidates or rows))
        out[i] = sid
    return out


__all__ = ["Report", "validate", "STATUSES", "BORDER_CHECKED"]
