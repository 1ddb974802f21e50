"""``borderwatch coverage [filters] [--res 7] [--gaps] [--min-days N] [--out FILE.csv|.geojson|.gpkg]``.

Without ``--gaps``: one row per H3 cell — ``h3, patrol_km, patrol_hours, patrol_days, last_patrol,
incidents, incidents_per_10km, bin, gap`` (then ``patrols, z, category, hot, effort, reason``).
With ``--gaps``: the gap list — hot cells with no or few patrol days (highest z first) and
crossings not patrolled for more than ``--max-days`` — with the nearest village and crossing.
``incidents_per_10km`` is empty where the cell had less than ``--min-km`` of patrol: too little
effort to say. Without ``--out`` a short summary (or the gap list) is printed in the user's language.

Files (as the other analysis outputs, :mod:`data.exporters.cells`): numbers are numbers, booleans
booleans, ``last_patrol`` is a date (the day of the last patrol; for a crossing, the day the last
patrol passing within ``--buffer-m`` ended); CSV gets a ``.csvt`` sidecar. One geometry type per layer:
the cell table is hexagon polygons (layer ``coverage``). The gap list holds hexagons *and* crossing
points, so it is split: a .gpkg gets two layers, ``gap_cells`` (polygons) and ``gap_crossings``
(points); ``X.geojson`` (one geometry type per file) becomes ``X_cells.geojson`` and
``X_crossings.geojson``; a .csv stays one table (no geometry, ``kind`` tells the rows apart). Each
layer has the columns that apply to it (:data:`GAP_LAYERS`: a crossing has no z or incident count).
Both layers/files are written even when empty. A .gpkg that exists keeps its other layers. GeoJSON
has no schema: a reader guesses a column's type from its values, so a column empty in every row
reads as text (use .gpkg or .csv for fixed types).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from cli._common import add_filter_args, filter_from_args, open_store
from core.errors import InputError
from core.i18n import t
from geo.coverage import BUFFER_M, MIN_KM

_FORMATS = (".csv", ".geojson", ".gpkg")
#: Gap ``kind`` → output layer (GeoPackage layer, GeoJSON file suffix) and the columns that apply to it.
GAP_LAYERS = {
    "hot_cell": ("gap_cells", "cells", ["kind", "h3", "z", "bin", "category", "incidents", "patrol_days", "patrol_km",
                                        "last_patrol", "days_since", "reason", "nearest_village", "nearest_crossing"]),
    "crossing": ("gap_crossings", "crossings", ["kind", "id", "name", "last_patrol", "days_since", "reason",
                                               "nearest_village"]),
}
_GAP_INTS = ("bin", "incidents", "patrol_days", "days_since")     # days since: whole days
_GAP_FLOATS = ("z", "patrol_km")


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", help="output file (.csv, .geojson or .gpkg); without it a summary is printed")
    p.add_argument("--res", type=int, default=7, choices=range(6, 10), metavar="6-9", help="H3 resolution (default 7)")
    p.add_argument("--gaps", action="store_true", help="write the gap list instead of every cell")
    p.add_argument("--min-days", type=int, default=1,
                   help="a hot cell patrolled on fewer days than this is a gap (default 1: never patrolled)")
    p.add_argument("--min-km", type=float, default=MIN_KM,
                   help=f"least patrol km for a cell's incidents-per-10-km (default {MIN_KM:g})")
    p.add_argument("--max-days", type=int, default=30,
                   help="crossings not patrolled for more days are gaps (default 30)")
    p.add_argument("--buffer-m", type=float, default=BUFFER_M,
                   help=f"patrol passes a crossing within this many metres (default {BUFFER_M:g})")


def _days(s: pd.Series) -> list[dt.date | None]:
    """Datetimes → their days (None for NaT): ``last_patrol`` is written as a date."""
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in s]


def typed_gaps(gaps: pd.DataFrame) -> pd.DataFrame:
    """The gap list without geometry, typed for a file: counts Int64, measures float, ``last_patrol`` days."""
    df = pd.DataFrame(gaps.drop(columns="geometry", errors="ignore")).reset_index(drop=True)
    for c in _GAP_INTS:
        df[c] = pd.array([None if pd.isna(v) else int(v) for v in df[c]], dtype="Int64")
    for c in _GAP_FLOATS:
        df[c] = pd.to_numeric(df[c], errors="raise").astype(float)
    df["last_patrol"] = _days(df["last_patrol"])
    return df


def gap_targets(out: Path) -> dict[str, Path]:
    """Gap kind → file: one .gpkg (two layers) or .csv (one table); ``X.geojson`` → ``X_cells.geojson``…"""
    if out.suffix.lower() == ".geojson":
        return {kind: out.with_name(f"{out.stem}_{suffix}{out.suffix}") for kind, (_, suffix, _c) in GAP_LAYERS.items()}
    return {kind: out for kind in GAP_LAYERS}


def _write_gaps(con, gaps: pd.DataFrame, out: Path, lang: str | None) -> list[Path]:
    from data.exporters.cells import write_output

    df = typed_gaps(gaps)
    kinds = {"last_patrol": "date"}
    if out.suffix.lower() == ".csv":
        write_output(con, df, out, name="coverage_gaps", lang=lang, kinds=kinds)
        return [out]
    targets = gap_targets(out)
    for kind, (layer, _, columns) in GAP_LAYERS.items():
        part = df.loc[df["kind"] == kind, columns].reset_index(drop=True)
        write_output(con, part, targets[kind], name=layer, lang=lang, kinds=kinds)
    return list(dict.fromkeys(targets.values()))


def _write_table(con, table: pd.DataFrame, out: Path, lang: str | None) -> None:
    from data.exporters.cells import write_output

    df = table.reset_index(drop=True).copy()
    df["last_patrol"] = _days(df["last_patrol"])
    for c in df.columns:   # pandas' "str" dtype: plain text for the writers
        if df[c].dtype != object and pd.api.types.is_string_dtype(df[c].dtype):
            df[c] = df[c].astype(object)
    write_output(con, df, out, name="coverage", lang=lang, kinds={"last_patrol": "date"})


def _fmt(v, spec: str = "") -> str:
    return "" if v is None or pd.isna(v) else format(v, spec)


def print_summary(table: pd.DataFrame, lang: str | None) -> None:
    """The cell table in a few lines: cells, patrolled cells, km, hot cells and gaps."""
    patrolled = table[table["patrol_days"] > 0]
    print(t("coverage.summary", lang, cells=len(table), patrolled=len(patrolled),
            km=float(table["patrol_km"].sum()), hot=int(table["hot"].sum()), gaps=int(table["gap"].sum())))
    print(t("coverage.summary_hint", lang))


def print_gaps(gaps: pd.DataFrame, lang: str | None) -> None:
    """The gap list as a table: kind, id or name, z, incidents, patrol days, last patrol, days since, why, village."""
    df = typed_gaps(gaps)
    if not len(df):
        print(t("coverage.no_gaps", lang))
        return
    head = [t(f"coverage.col.{c}", lang) for c in ("kind", "place", "z", "incidents", "patrol_days", "last_patrol",
                                                     "days_since", "reason", "nearest_village")]
    rows = [head]
    for r in df.itertuples(index=False):
        rows.append([t(f"coverage.kind.{r.kind}", lang), r.name if r.kind == "crossing" else r.h3, _fmt(r.z, ".2f"),
                     _fmt(r.incidents), _fmt(r.patrol_days), _fmt(r.last_patrol), _fmt(r.days_since, ".0f"),
                     t(f"coverage.{r.reason}", lang), _fmt(r.nearest_village)])
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def run(args) -> int:
    from data.coverage import coverage_for, gaps_for

    lang = args.lang
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in _FORMATS:
        raise InputError(t("analysis.bad_out", lang, file=out.name, what="coverage", valid=", ".join(_FORMATS)))
    if args.min_days < 1 or args.min_km <= 0 or args.max_days < 0 or args.buffer_m < 0:
        raise InputError("--min-days must be >= 1, --min-km > 0, --max-days and --buffer-m >= 0")
    con = open_store(args, read_only=True)
    try:
        flt = filter_from_args(args, con)
        table = coverage_for(con, flt, res=args.res, min_days=args.min_days, min_km=args.min_km)
        gaps = gaps_for(con, flt, res=args.res, min_days=args.min_days, max_days=args.max_days,
                        buffer_m=args.buffer_m, table=table) if args.gaps else None
        if out is None:
            if gaps is not None:
                print_gaps(gaps, lang)
            else:
                print_summary(table, lang)
            return 0
        if gaps is not None:
            written = _write_gaps(con, gaps, out, lang)
            n_cells = int((gaps["kind"] == "hot_cell").sum()) if len(gaps) else 0
            print(t("coverage.gaps_done", lang, cells=n_cells, places=len(gaps) - n_cells,
                    out=", ".join(str(p) for p in written)), file=sys.stderr)
        else:
            _write_table(con, table, out, lang)
            print(t("coverage.done", lang, n=len(table), out=out), file=sys.stderr)
    finally:
        con.close()
    return 0
