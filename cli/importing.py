"""``borderwatch import LAYER FILE``: import a layer from GeoJSON, GPKG, SHP/ZIP, KML, CSV or XLSX.

Needs the editor role (see ``cli/_auth.py``); the acting user's name goes into
``import_log`` and the audit log. Incidents on the Lao side of the border (beyond 2 km) are refused
unless flagged ``outside_vietnam`` (editor; an ``outside_vietnam`` audit entry lists them).
All or nothing by default: any problem → exit 2, every problem listed on stderr, the
store unchanged. ``--skip-invalid`` writes the valid rows and keeps the rejected ones
(table ``import_rejects`` and ``FILE.rejected.csv``).
"""
from __future__ import annotations

import sys

from cli import patrols as _patrols
from cli._auth import open_store_rw, require_cli
from core import roles
from core.errors import InputError
from core.i18n import t
from data.schema import LAYERS

#: ``borderwatch import`` is no upload: a station's whole archive may come in one file (written in pieces,
#: one transaction). The dashboard keeps the upload limits of ``data.importers.readers``.
CLI_MAX_ROWS = 5_000_000
CLI_MAX_BYTES = 2 * 1024**3


def add_arguments(p, name: str) -> None:
    p.add_argument("layer", choices=list(LAYERS) + [_patrols.LAYER], help="target layer")
    p.add_argument("file", help="input file: .geojson .gpkg .shp .zip .kml .kmz .fgb .gpx .csv .xlsx")
    p.add_argument("--crs", help="CRS when the file has none: EPSG code, PROJ string or vn2000-quangtri")
    p.add_argument("--map", dest="mapping", action="append", default=[], metavar="SRC=DST",
                   help="rename a column to a canonical field (repeatable)")
    p.add_argument("--encoding", help="text encoding of the file (default UTF-8), e.g. cp1258")
    p.add_argument("--decimal", choices=["comma", "point"],
                   help="number format of text numbers when the file does not show it: comma (1.234,5) "
                        "or point (1,234.5)")
    p.add_argument("--layer", dest="source_layer", metavar="NAME",
                   help="layer, KML folder, sheet or shapefile to read from a file holding several")
    p.add_argument("--header-row", type=int, metavar="N",
                   help="row of the column names in CSV/XLSX, as Excel numbers rows (default: found automatically)")
    p.add_argument("--skip-invalid", action="store_true", help="import the valid rows, keep the rejected ones aside")
    p.add_argument("--replace", action="store_true", help="overwrite stored rows whose content changed")
    _patrols.add_arguments(p)


def parse_mapping(pairs: list[str], lang: str | None = None) -> dict[str, str]:
    """``["Ngày=occurred_at"]`` → ``{"Ngày": "occurred_at"}``."""
    out: dict[str, str] = {}
    for pair in pairs:
        src, sep, dst = pair.partition("=")
        if not sep or not src.strip() or not dst.strip():
            raise InputError(t("import.bad_map", lang, value=pair))
        out[src.strip()] = dst.strip()
    return out


def run(args) -> int:
    from data import audit
    from data.importers import import_file, log_outside, problems_summary

    if args.layer == "patrols":
        from cli import patrols
        return patrols.run(args)
    lang = args.lang
    mapping = parse_mapping(args.mapping, lang)
    con = open_store_rw(args)
    try:
        user = require_cli(args, con, roles.IMPORT)   # editor; the name goes into import_log and audit
        result = import_file(con, args.layer, args.file, crs=args.crs, mapping=mapping, encoding=args.encoding,
                             skip_invalid=args.skip_invalid, replace=args.replace, who=user.name, lang=lang,
                             decimal=args.decimal, source_layer=args.source_layer, header_row=args.header_row,
                             user=user, max_rows=CLI_MAX_ROWS, max_bytes=CLI_MAX_BYTES)
        audit.log(con, user.name, "import", f"{result.layer} <- {result.file} ({result.mode}, "
                  f"import_id {result.import_id})", rows=result.rows_written)
        log_outside(con, user.name, result)         # incidents flagged outside_vietnam (editor only): audited
    finally:
        con.close()
    for note in result.notes:
        print(note, file=sys.stderr)
    if result.problems:
        print(problems_summary(result.problems, lang), file=sys.stderr)
    print(t("import.done", lang, file=result.file, layer=result.layer, rows_in=result.rows_in, new=result.rows_new,
            replaced=result.rows_replaced, unchanged=result.rows_unchanged, rejected=result.rows_rejected),
          file=sys.stderr)
    if result.rejects_csv:
        print(t("import.rejects_written", lang, path=result.rejects_csv), file=sys.stderr)
    return 0
