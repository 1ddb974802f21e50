"""``borderwatch export-patrols [filters] --out FILE.gpx|.gpkg|.kml``: the period's patrol tracks."""
from __future__ import annotations

import sys
from pathlib import Path

from cli._common import add_filter_args, filter_from_args, open_store
from core.i18n import t


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", required=True, help="output file: .gpx (for a handheld), .gpkg or .kml")


def run(args) -> int:
    from data.patrol_export import export_tracks
    con = open_store(args, read_only=True)
    try:
        n = export_tracks(con, args.out, filter_from_args(args, con))
    finally:
        con.close()
    print(t("cli.done", args.lang, what=f"export-patrols: {n} → {Path(args.out)}"), file=sys.stderr)
    return 0
