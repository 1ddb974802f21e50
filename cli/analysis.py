"""``borderwatch hotspots | emerging | corridor | villages``: the analyses as files.

``--out`` takes .csv (with a ``.csvt`` sidecar), .geojson or .gpkg; the last two carry
geometry (H3 hexagons, village points, incident points; see :mod:`data.exporters.cells`).
Incident points (``corridor`` to .geojson/.gpkg) need the analyst role. Another extension
is refused before any work (exit 4). Empty results are files with the header only. A filter naming an unknown value is
refused (exit 2) with the list of valid values.
"""
from __future__ import annotations

import sys
from pathlib import Path

from cli._common import add_filter_args, filter_from_args, open_store
from core.i18n import t


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", required=True,
                   help="output file: .csv, .geojson or .gpkg (with geometry; a .gpkg keeps its other layers)")
    if name in ("hotspots", "emerging", "villages"):
        p.add_argument("--res", type=int, default=7, choices=range(6, 10), metavar="6-9",
                       help="H3 resolution (default 7)")
    if name == "hotspots":
        p.add_argument("--fdr", action="store_true", help="Benjamini–Hochberg false discovery rate correction")
    if name == "emerging":
        p.add_argument("--slice", choices=["week", "month", "quarter"], default="month")
        p.add_argument("--time-neighbour", action="store_true", help="the cell's previous slice counts as a neighbour")
    if name == "villages":
        p.add_argument("--radius-km", type=float, default=3.0)
        p.add_argument("--min-count", type=int, default=None, help="alert threshold (incidents in the recent months)")
        p.add_argument("--months", type=int, default=None, help="recent months counted for the alert")
    if name == "corridor":
        p.add_argument("--buffer-m", type=float, default=2000.0,
                       help="buffer for per-crossing/per-trail counts (default 2000 m: the line is ≈1 km generalised)")
        p.add_argument("--summary", help="also write per-crossing, per-trail and per-km counts: a .gpkg (three "
                       "layers), X.geojson (X_crossings.geojson, ...) or a prefix for .csv files")


#: Command → the name of its main output (GeoPackage layer, GeoJSON ``name``).
OUTPUT_NAME = {"hotspots": "hotspots", "emerging": "emerging", "villages": "village_exposure",
               "corridor": "corridor_incidents"}


def _summary_targets(summary: str) -> dict[str, Path]:
    """``--summary``: a .gpkg gets three layers; ``X.geojson`` gives ``X_crossings.geojson``…; else a CSV prefix."""
    p = Path(summary)
    parts = ("crossings", "trails", "chainage")
    if p.suffix.lower() == ".gpkg":
        return {part: p for part in parts}
    if p.suffix.lower() == ".geojson":
        return {part: p.with_name(f"{p.stem}_{part}.geojson") for part in parts}
    return {part: Path(f"{summary}_{part}.csv") for part in parts}


def run(args) -> int:
    from cli._auth import require_cli
    from core import roles
    from data import analysis as A
    from data.exporters.cells import check_out, write_output

    name = args.command
    lang = args.lang
    out = Path(args.out)
    check_out(out, name, lang)
    summary = _summary_targets(args.summary) if name == "corridor" and args.summary else {}
    for part, target in summary.items():
        check_out(target, f"corridor_{part}", lang)
    con = open_store(args, read_only=True)
    try:
        flt = filter_from_args(args, con)
        if name == "corridor" and out.suffix.lower() != ".csv":
            require_cli(args, con, roles.INCIDENT_DETAILS)   # exact incident points
        if name == "hotspots":
            df = A.hotspots_for(con, flt, res=args.res, fdr=args.fdr)
        elif name == "emerging":
            df = A.emerging_for(con, flt, slice=args.slice, res=args.res, time_neighbour=args.time_neighbour)
        elif name == "corridor":
            res = A.corridor_for(con, flt, buffer_m=args.buffer_m)
            df = res["incidents"]
            for part, target in summary.items():
                write_output(con, res[part], target, name=f"corridor_{part}", lang=lang)
        else:
            opts = {k: v for k, v in (("min_count", args.min_count), ("months", args.months)) if v is not None}
            df = A.villages_for(con, flt, radius_km=args.radius_km, res=args.res, **opts)
        write_output(con, df, out, name=OUTPUT_NAME[name], lang=lang)
    finally:
        con.close()
    print(t("cli.done", lang, what=f"{name}: {len(df)} → {out}"), file=sys.stderr)
    return 0
