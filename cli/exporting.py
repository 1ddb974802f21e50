"""``borderwatch export LAYER FILE [filters]``: export a layer; the format comes from the extension.

.gpkg .geojson .csv .xlsx .kml .kmz .gpx .zip (Shapefile) .fgb (FlatGeobuf), and the Vietnamese
spreadsheet "bảng tính tiếng Việt": a name ending in ``.vi.csv`` (``vu_viec.vi.csv``) gets Vietnamese
headers and labels, ``;`` and decimal commas for Excel in Vietnamese, 6 decimals of degrees, VN-2000
x/y (EPSG:9212), village and commune before/after 2025 (:mod:`data.exporters.vi_csv`). Filters apply
to incidents. A .gpkg that exists keeps its other layers (the layer is added or replaces
its namesake). ``borderwatch export all FILE.gpkg`` writes every layer the acting user's
role may see. The export carries a watermark (who, when, filter) — see :mod:`data.export`.
Needs the analyst role; each export is written to the audit log. An extension that cannot
be written is refused before anything is written (exit 4).
"""
from __future__ import annotations

import sys
from pathlib import Path

from cli._auth import open_store_rw, require_cli
from cli._common import add_filter_args, filter_from_args
from core import roles
from core.i18n import t
from data.schema import LAYERS


def add_arguments(p, name: str) -> None:
    p.add_argument("layer", choices=[*LAYERS, "all"], help="layer to export, or all (into one .gpkg)")
    p.add_argument("file", help="output file: .gpkg .geojson .csv .xlsx .kml .kmz .gpx .zip .fgb, or NAME.vi.csv "
                                "(Vietnamese spreadsheet for Excel: Vietnamese headers, ; and decimal comma, "
                                "VN-2000 x/y)")
    add_filter_args(p)


def run(args) -> int:
    from data import audit
    from data.export import export_all, export_layer, make_watermark, watermark_sidecar

    lang = args.lang
    con = open_store_rw(args)   # writable for the audit entry
    try:
        user = require_cli(args, con, roles.EXPORT)   # analyst
        flt = filter_from_args(args, con)
        mark = make_watermark(user.name)

        def record(rows: int) -> None:      # before any data is written: no copy exists without its record
            audit.log(con, user.name, "export", f"{args.layer} -> {args.file}", rows=rows)

        if args.layer == "all":
            if flt != type(flt)():
                from core.errors import InputError
                raise InputError(t("export.filter_incidents_only", lang, layer="all"))
            counts = export_all(con, args.file, user=user, watermark=mark, lang=lang, on_rows=record)
            n = sum(counts.values())
        else:
            n = export_layer(con, args.layer, args.file, flt=flt, watermark=mark, lang=lang, on_rows=record)
    finally:
        con.close()
    if args.layer == "all":
        print(t("export.all_done", lang, n=len(counts), path=args.file,
                layers=", ".join(f"{k} ({v})" for k, v in counts.items())), file=sys.stderr)
        return 0
    print(t("export.done", lang, n=n, layer=args.layer, path=args.file), file=sys.stderr)
    if args.file.lower().endswith(".csv"):
        print(t("export.watermark", lang, path=watermark_sidecar(args.file)), file=sys.stderr)
        side = [str(p) for p in (Path(args.file).with_suffix(s) for s in (".csvt", ".prj")) if p.exists()]
        if side:
            print(t("export.sidecars", lang, files=", ".join(side)), file=sys.stderr)
    return 0
