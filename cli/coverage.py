"""``borderwatch coverage [filters] [--res 7] [--gaps] [--min-days N] --out FILE.csv|.geojson|.gpkg``.

Without ``--gaps``: one row per H3 cell — ``h3, patrol_km, patrol_hours, patrol_days, last_patrol,
incidents, incidents_per_10km, bin, gap`` (then ``patrols, z, category, hot, effort, reason``).
With ``--gaps``: the gap list — hot cells with no or few patrol days (highest z first) and
crossings not patrolled for more than ``--max-days`` — with the nearest village and crossing.
``incidents_per_10km`` is empty where the cell had less than ``--min-km`` of patrol: too little
effort to say. GeoJSON/GPKG carry the hexagons (and crossing points).
"""
from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np

from cli._common import add_filter_args, filter_from_args, open_store
from core.errors import InputError
from core.i18n import t
from geo.coverage import BUFFER_M, MIN_KM

_FORMATS = {".csv": None, ".geojson": "GeoJSON", ".gpkg": "GPKG"}


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", required=True, help="output file (.csv, .geojson or .gpkg)")
    p.add_argument("--res", type=int, default=7, choices=range(6, 10), metavar="6-9", help="H3 resolution (default 7)")
    p.add_argument("--gaps", action="store_true", help="write the gap list instead of every cell")
    p.add_argument("--min-days", type=int, default=1,
                   help="a hot cell patrolled on fewer days than this is a gap (default 1: never patrolled)")
    p.add_argument("--min-km", type=float, default=MIN_KM,
                   help=f"least patrol km for a cell's incidents-per-10-km (default {MIN_KM:g})")
    p.add_argument("--max-days", type=int, default=30, help="crossings not patrolled for more days are gaps")
    p.add_argument("--buffer-m", type=float, default=BUFFER_M, help="patrol passes a crossing within this (m)")


def _write(gdf_or_df, out: Path, *, with_cells: bool) -> None:
    driver = _FORMATS[out.suffix.lower()]
    out.parent.mkdir(parents=True, exist_ok=True)
    if driver is None:
        df = gdf_or_df.drop(columns="geometry", errors="ignore")
        df.to_csv(out, index=False)
        return
    gdf = gdf_or_df
    if with_cells:
        from geo.h3grid import cell_polygons
        cells = np.array([int(h, 16) for h in gdf["h3"]], dtype=np.uint64)
        geom = cell_polygons(cells).geometry.values if len(cells) else []
        gdf = gpd.GeoDataFrame(gdf.reset_index(drop=True), geometry=list(geom), crs=4326)
    gdf = gdf.copy()
    for c in gdf.columns:
        if c != "geometry" and gdf[c].dtype == object:
            gdf[c] = gdf[c].astype("string")
    out.unlink(missing_ok=True)
    gdf.to_file(out, driver=driver, **({"geometry_type": "Unknown"} if driver == "GPKG" else {}))


def run(args) -> int:
    from data.coverage import coverage_for, gaps_for

    out = Path(args.out)
    if out.suffix.lower() not in _FORMATS:
        raise InputError(f"unsupported output format: {out.suffix} (use .csv, .geojson or .gpkg)")
    if args.min_days < 1 or args.min_km <= 0 or args.max_days < 0 or args.buffer_m < 0:
        raise InputError("--min-days must be >= 1, --min-km > 0, --max-days and --buffer-m >= 0")
    con = open_store(args, read_only=True)
    try:
        flt = filter_from_args(args, con)
        table = coverage_for(con, flt, res=args.res, min_days=args.min_days, min_km=args.min_km)
        if args.gaps:
            gaps = gaps_for(con, flt, res=args.res, min_days=args.min_days, max_days=args.max_days,
                            buffer_m=args.buffer_m, table=table)
    finally:
        con.close()
    if args.gaps:
        _write(gaps, out, with_cells=False)
        n_cells = int((gaps["kind"] == "hot_cell").sum()) if len(gaps) else 0
        print(t("coverage.gaps_done", args.lang, cells=n_cells, places=len(gaps) - n_cells, out=out), file=sys.stderr)
    else:
        _write(table, out, with_cells=True)
        print(t("coverage.done", args.lang, n=len(table), out=out), file=sys.stderr)
    return 0
