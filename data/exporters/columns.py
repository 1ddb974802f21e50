"""Column types for the exporters: one table of kinds, times with their offset, dates as dates.

Times in the store are Vietnam local wall-clock time with no zone (the importers convert
every zoned time to it). Exports write them as instants: with the ``+07:00`` offset
(GeoJSON, CSV, KML, FlatGeobuf, Shapefile text) or in UTC where the format asks for it
(GeoPackage, whose specification allows only ``Z``; GPX, whose ``<time>`` is UTC).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.schema import LAYERS

#: Vietnam has kept UTC+07:00 all year since 1975: a fixed offset, no daylight saving.
VN_TZ = dt.timezone(dt.timedelta(hours=7))


class WriteRefused(Exception):
    """A writer cannot hold these data as they are (``key`` and ``fields`` for :func:`core.i18n.t`);
    :func:`data.export.export_layer` turns it into an :class:`~core.errors.OutputError` in the user's language."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields


def is_missing(v) -> bool:
    """True for None, NaN, NaT and pandas NA.

    >>> [is_missing(x) for x in (None, float("nan"), pd.NaT, pd.NA, 0, "")]
    [True, True, True, True, False, False]
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, (float, np.floating)) and bool(np.isnan(v))


def local_instant(v) -> dt.datetime | None:
    """A stored (naive, Vietnam local) time as an aware datetime at +07:00; aware values are converted.

    >>> local_instant(pd.Timestamp("2025-04-03 14:30")).isoformat()
    '2025-04-03T14:30:00+07:00'
    """
    if is_missing(v):
        return None
    ts = pd.Timestamp(v)
    ts = ts.tz_localize(VN_TZ) if ts.tzinfo is None else ts.tz_convert(VN_TZ)
    return ts.to_pydatetime()


def iso_time(v) -> str | None:
    """ISO 8601 with the offset, seconds only when they are not whole.

    >>> iso_time(pd.Timestamp("2025-04-03 14:30"))
    '2025-04-03T14:30:00+07:00'
    """
    inst = local_instant(v)
    if inst is None:
        return None
    return inst.isoformat(timespec="seconds" if inst.microsecond == 0 else "milliseconds")


def as_date(v) -> dt.date | None:
    return None if is_missing(v) else pd.Timestamp(v).date()


def column_kinds(frame: pd.DataFrame, layer: str | None = None) -> dict[str, str]:
    """``text | int | float | date | timestamp | bool`` per column: the layer's fields by their
    declared kind, other columns (analysis outputs, ``lat``/``lon``, ``*_wkt``) by their dtype."""
    spec = LAYERS.get(layer) if layer else None
    out = {}
    for name in frame.columns:
        f = spec.get(name) if spec else None
        if f is not None:
            out[name] = f.kind
            continue
        dtype = frame[name].dtype
        if pd.api.types.is_bool_dtype(dtype):
            out[name] = "bool"
        elif pd.api.types.is_integer_dtype(dtype):
            out[name] = "int"
        elif pd.api.types.is_float_dtype(dtype):
            out[name] = "float"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            out[name] = "timestamp"
        else:
            out[name] = "text"
    return out


def arrow_table(frame: pd.DataFrame, kinds: dict[str, str], geoms=None, *, utc_times: bool = False,
                times_as_text: bool = False, promote_to_multi: bool = False):
    """A pyarrow table with exact types (dates ``date32``, times ``timestamp[ms, tz]``) and WKB ``geometry``."""
    import pyarrow as pa
    import shapely

    cols = {}
    for name in frame.columns:
        kind = kinds.get(name, "text")
        vals = list(frame[name])
        if kind == "int":
            cols[name] = pa.array([None if is_missing(v) else int(v) for v in vals], pa.int64())
        elif kind == "float":
            cols[name] = pa.array([None if is_missing(v) else float(v) for v in vals], pa.float64())
        elif kind == "bool":
            cols[name] = pa.array([None if is_missing(v) else bool(v) for v in vals], pa.bool_())
        elif kind == "date":
            cols[name] = pa.array([as_date(v) for v in vals], pa.date32())
        elif kind == "timestamp" and times_as_text:
            cols[name] = pa.array([iso_time(v) for v in vals], pa.string())
        elif kind == "timestamp":
            tz = "UTC" if utc_times else "+07:00"
            cols[name] = pa.array([local_instant(v) for v in vals], pa.timestamp("ms", tz=tz))
        else:
            cols[name] = pa.array([None if is_missing(v) else str(v) for v in vals], pa.string())
    if geoms is not None:
        g = np.asarray(geoms, dtype=object)
        if promote_to_multi and len(g):
            g = np.array([_multi(x) for x in g], dtype=object)
        cols["geometry"] = pa.array(list(shapely.to_wkb(g)) if len(g) else [], pa.binary())
    return pa.table(cols) if cols else pa.table({})


def _multi(geom):
    import shapely

    kind = geom.geom_type
    if kind == "LineString":
        return shapely.multilinestrings([geom])
    if kind == "Polygon":
        return shapely.multipolygons([geom])
    if kind == "Point":
        return shapely.multipoints([geom])
    return geom


def geometry_type(geoms, default: str | None) -> tuple[str | None, bool]:
    """The one geometry type of a layer and whether single parts must become Multi*.

    >>> import shapely
    >>> geometry_type([shapely.LineString([(0, 0), (1, 1)])], "Point")
    ('LineString', False)
    >>> geometry_type([shapely.LineString([(0, 0), (1, 1)]), shapely.MultiLineString([[(0, 0), (1, 1)]])], "Point")
    ('MultiLineString', True)
    """
    kinds = {g.geom_type for g in geoms if g is not None}
    if not kinds:
        return default, False
    if len(kinds) == 1:
        return kinds.pop(), False
    bases = {k.removeprefix("Multi") for k in kinds}
    if len(bases) == 1:
        return "Multi" + bases.pop(), True
    raise ValueError(f"mixed geometry types: {sorted(kinds)}")
