"""``borderwatch communes``: incidents per commune area, per 1,000 residents, and against last year.

    borderwatch communes [filters] [--out FILE.csv|.geojson|.gpkg]

One row per commune area (layer ``commune_areas``): commune, former names, name since 1/7/2025,
district, incidents, grams, persons, population, rate per 1,000 residents, the count for the same
days one year earlier, the change and the change in percent. Without ``--out`` the table is printed.
Counts are aggregates (the aggregates capability).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from cli._auth import require_cli
from cli._common import add_filter_args, filter_from_args, open_store
from core import roles
from core.errors import InputError
from core.i18n import t
from data.communes import COLUMNS, commune_stats

_FORMATS = (".csv", ".geojson", ".gpkg")


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", help="output file: .csv (no geometry), .geojson or .gpkg (polygons)")


def write(gdf, out: Path) -> None:
    """Write the table to ``out`` atomically (a temporary file in the same folder, then renamed)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        ext = out.suffix.lower()
        if ext == ".csv":
            gdf[COLUMNS].to_csv(tmp, index=False, encoding="utf-8-sig", float_format="%.4f")
        else:
            tmp.unlink()
            frame = gdf.copy()
            frame["population"] = frame["population"].astype("float").astype("Int64")
            frame.to_file(tmp, driver="GeoJSON" if ext == ".geojson" else "GPKG", engine="pyogrio",
                          **({"layer": "communes"} if ext == ".gpkg" else {}))
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def run(args) -> int:
    lang = args.lang
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in _FORMATS:
        raise InputError(t("communes.bad_out", lang, value=out.name))
    con = open_store(args, read_only=True)
    try:
        require_cli(args, con, roles.AGGREGATES)
        flt = filter_from_args(args, con)
        gdf = commune_stats(con, flt)
    finally:
        con.close()
    if not len(gdf):
        raise InputError(t("communes.none", lang))
    if out is None:
        gdf[COLUMNS].to_csv(sys.stdout, index=False, float_format="%.3f")
    else:
        write(gdf, out)
        print(t("communes.written", lang, n=len(gdf), path=out), file=sys.stderr)
    return 0
