"""``borderwatch export LAYER FILE [filters]``: export a layer; the format comes from the extension.

.geojson .gpkg .csv .xlsx. Filters apply to incidents. The export carries a watermark
(who, when, filter) — see :mod:`data.export`. Needs the analyst role; each export is
written to the audit log.
"""
from __future__ import annotations

import sys

from cli._auth import open_store_rw, require_cli
from cli._common import add_filter_args, filter_from_args
from core import roles
from core.i18n import t
from data.schema import LAYERS


def add_arguments(p, name: str) -> None:
    p.add_argument("layer", choices=list(LAYERS), help="layer to export")
    p.add_argument("file", help="output file: .geojson .gpkg .csv .xlsx")
    add_filter_args(p)


def run(args) -> int:
    from data import audit
    from data.export import export_layer, make_watermark, watermark_sidecar

    lang = args.lang
    con = open_store_rw(args)   # writable for the audit entry
    try:
        user = require_cli(args, con, roles.EXPORT)   # analyst
        flt = filter_from_args(args, con)
        n = export_layer(con, args.layer, args.file, flt=flt, watermark=make_watermark(user.name), lang=lang)
        audit.log(con, user.name, "export", f"{args.layer} -> {args.file}", rows=n)
    finally:
        con.close()
    print(t("export.done", lang, n=n, layer=args.layer, path=args.file), file=sys.stderr)
    if args.file.lower().endswith(".csv"):
        print(t("export.watermark", lang, path=watermark_sidecar(args.file)), file=sys.stderr)
    return 0
