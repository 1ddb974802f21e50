"""``borderwatch context``: the unit's context layers (roads, rivers, contours, boundaries, any vector layer).

    borderwatch context add FILE --name N [--layer L] [--style line|area|point] [--color #hex] [--crs CRS]
                                          [--label FIELD]
    borderwatch context list
    borderwatch context remove N

FILE: Shapefile, GeoPackage, MapInfo TAB, KML, GeoJSON… (what GDAL reads), in its own CRS (VN-2000
included); ``--crs`` gives the CRS of a file that declares none (or overrides a wrong one), e.g.
``vn2000-quangtri`` (EPSG:9212). Adding and removing need the import capability.
"""
from __future__ import annotations

import sys

from cli._auth import require_cli
from cli._common import add_action_globals, open_store
from core import roles
from core.i18n import t
from data import audit, context


def add_arguments(p, name: str) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = sub.add_parser("add", help="import a vector file as a context layer")
    a.add_argument("file")
    a.add_argument("--name", required=True, help="layer name shown in the legend")
    a.add_argument("--layer", help="layer inside the file (GeoPackage, KML with folders…)")
    a.add_argument("--style", choices=context.STYLES, help="line, area or point (default: from the geometries)")
    a.add_argument("--color", help="#RRGGBB (default by style)")
    a.add_argument("--crs", help="CRS of the file when it declares none (vn2000-quangtri, EPSG:9212, …)")
    a.add_argument("--label", help="column with the names shown on the map (default: name/ten/elev… if present)")
    sub.add_parser("list", help="context layers in draw order")
    r = sub.add_parser("remove", help="remove a context layer")
    r.add_argument("name")
    for sp in sub.choices.values():
        add_action_globals(sp)


def run(args) -> int:
    lang = args.lang
    con = open_store(args)
    try:
        if args.action == "list":
            require_cli(args, con, roles.MAP)
            df = context.list_layers(con)
            if not len(df):
                print(t("context.none", lang))
            for r in df.itertuples():
                print(f"{r.name}\t{r.style}\t{r.color}\t{r.n_features}\t{r.label_field or '-'}\t"
                      f"{r.source_crs or '-'}\t{r.source}")
            return 0
        user = require_cli(args, con, roles.IMPORT)
        if args.action == "add":
            look = context.Look(style=args.style, color=args.color, label=args.label)
            out = context.add(con, args.file, name=args.name, layer=args.layer, crs=args.crs, look=look,
                              user=user.name, lang=lang)
            audit.log(con, user.name, "import", f"context {out['name']}: {args.file}", rows=out["n"])
            print(t("context.added", lang, name=out["name"], n=out["n"], style=out["style"], color=out["color"]),
                  file=sys.stderr)
        else:
            context.remove(con, args.name, lang=lang)
            audit.log(con, user.name, "import", f"context {args.name} removed")
            print(t("context.removed", lang, name=args.name), file=sys.stderr)
    finally:
        con.close()
    return 0
