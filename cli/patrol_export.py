"""``borderwatch export-patrols [filters] --out FILE.gpx|.gpkg|.kml``: the period's patrol tracks.

An export as any other (``borderwatch export``): the analyst role, a private file moved into place
whole, the watermark in a .gpkg, and an entry in the audit log.
"""
from __future__ import annotations

import sys
from pathlib import Path

from cli._auth import open_store_rw, require_cli
from cli._common import add_filter_args, filter_from_args
from core import roles
from core.i18n import t
from data import audit
from data.export import export_patrols, make_watermark


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", required=True, help="output file: .gpx (for a handheld), .gpkg or .kml")


def run(args) -> int:
    con = open_store_rw(args)   # writable for the audit entry
    try:
        user = require_cli(args, con, roles.EXPORT)   # analyst

        def record(rows: int) -> None:      # before any data is written: no copy exists without its record
            audit.log(con, user.name, "export", f"patrols -> {args.out}", rows=rows)

        n = export_patrols(con, args.out, filter_from_args(args, con), user=user,
                           watermark=make_watermark(user.name), lang=args.lang, on_rows=record)
    finally:
        con.close()
    print(t("cli.done", args.lang, what=f"export-patrols: {n} → {Path(args.out)}"), file=sys.stderr)
    return 0
