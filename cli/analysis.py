"""``borderwatch hotspots | emerging | corridor | villages``: the analyses as files.

Empty results are files with the header only. A filter naming an unknown value is
refused (exit 2) with the list of valid values.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cli._common import add_filter_args, filter_from_args, open_store
from core.errors import InputError
from core.i18n import t


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", required=True, help="output file (.csv" + (" or .geojson)" if name == "hotspots" else ")"))
    if name in ("hotspots", "emerging", "villages"):
        p.add_argument("--res", type=int, default=7, choices=range(6, 10), metavar="6-9", help="H3 resolution (default 7)")
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
        p.add_argument("--summary", help="also write per-crossing, per-trail and per-km counts to this .csv prefix")


def _write(df: pd.DataFrame, out: Path, *, geo_cells: bool = False) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        df.to_csv(out, index=False)
    elif suffix == ".geojson" and geo_cells:
        from geo.h3grid import cell_polygons
        import h3
        polys = cell_polygons(np.array([h3.str_to_int(c) for c in df["h3"]], dtype=np.uint64)) if len(df) else None
        import geopandas as gpd
        if polys is None:
            gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
        else:
            gdf = gpd.GeoDataFrame(df.reset_index(drop=True), geometry=polys.geometry.values, crs=4326)
        out.unlink(missing_ok=True)
        gdf.to_file(out, driver="GeoJSON")
    else:
        raise InputError(f"unsupported output format: {out.suffix} (use .csv{' or .geojson' if geo_cells else ''})")


def run(args) -> int:
    from data import analysis as A

    name = args.command
    out = Path(args.out)
    if name != "hotspots" and out.suffix.lower() != ".csv":
        raise InputError(f"unsupported output format: {out.suffix} (use .csv)")
    con = open_store(args, read_only=True)
    try:
        flt = filter_from_args(args, con)
        if name == "hotspots":
            df = A.hotspots_for(con, flt, res=args.res, fdr=args.fdr)
        elif name == "emerging":
            df = A.emerging_for(con, flt, slice=args.slice, res=args.res, time_neighbour=args.time_neighbour)
        elif name == "corridor":
            res = A.corridor_for(con, flt, buffer_m=args.buffer_m)
            df = res["incidents"]
            if args.summary:
                for part in ("crossings", "trails", "chainage"):
                    _write(res[part], Path(f"{args.summary}_{part}.csv"))
        else:
            opts = {k: v for k, v in (("min_count", args.min_count), ("months", args.months)) if v is not None}
            df = A.villages_for(con, flt, radius_km=args.radius_km, res=args.res, **opts)
    finally:
        con.close()
    _write(df, out, geo_cells=(name == "hotspots"))
    print(t("cli.done", args.lang, what=f"{name}: {len(df)} → {out}"), file=sys.stderr)
    return 0
