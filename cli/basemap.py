"""``borderwatch basemap``: the unit's own offline basemaps (MBTiles, GeoTIFF).

    borderwatch basemap add FILE [--name N] [--default]   register an .mbtiles file or tile a GeoTIFF once
    borderwatch basemap list                               name, kind, zoom range, bounds, file (BROKEN if unusable)
    borderwatch basemap remove N                           forget it (a GeoTIFF's tile cache is deleted)
    borderwatch basemap default [N]                        the basemap under printed maps (none: clear)

Adding and removing need the import capability; listing the map capability.
"""
from __future__ import annotations

import sys

from cli._auth import require_cli
from cli._common import add_action_globals, db_path, open_store
from core import roles
from core.errors import InputError
from core.i18n import t
from data import audit, basemaps, store

META_DEFAULT = basemaps.META_DEFAULT



def add_arguments(p, name: str) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = sub.add_parser("add", help="register an .mbtiles file, or tile a GeoTIFF (any CRS) once")
    a.add_argument("file")
    a.add_argument("--name", help="short name (letters, digits, - and _); default from the file name")
    a.add_argument("--default", action="store_true", help="also use it under printed maps and the briefing")
    sub.add_parser("list", help="registered basemaps")
    r = sub.add_parser("remove", help="forget a basemap")
    r.add_argument("name")
    d = sub.add_parser("default", help="the basemap under printed maps (no name: none)")
    d.add_argument("name", nargs="?")
    for sp in sub.choices.values():
        add_action_globals(sp)


def run(args) -> int:
    lang = args.lang
    if args.action == "list":
        con = open_store(args)
        try:
            require_cli(args, con, roles.MAP)
            rows, chosen = basemaps.list_basemaps(con), store.get_meta(con, META_DEFAULT)
        finally:
            con.close()
        if not rows:
            print(t("basemap.none", lang))
        for bm in rows:
            try:
                basemaps.check_file(bm, lang)
                state = ""
            except InputError as exc:
                state = "  " + t("basemap.broken", lang, msg=exc)
            w, s, e, n = bm.bounds
            star = " *" if bm.name == chosen else ""
            print(f"{bm.name}{star}\t{bm.kind}\tz{bm.min_zoom}-{bm.max_zoom}\t{bm.format}\t"
                  f"{w:.4f},{s:.4f},{e:.4f},{n:.4f}\t{bm.source}{state}")
        return 0
    con = open_store(args)
    try:
        user = require_cli(args, con, roles.IMPORT)
        if args.action == "add":
            bm = basemaps.add(con, db_path(args), args.file, name=args.name, user=user.name, lang=lang)
            audit.log(con, user.name, "import", f"basemap {bm.name}: {bm.source}")
            if args.default:
                store.set_meta(con, META_DEFAULT, bm.name)
            print(t("basemap.added", lang, name=bm.name, kind=bm.kind, zmin=bm.min_zoom, zmax=bm.max_zoom,
                    fmt=bm.format), file=sys.stderr)
        elif args.action == "remove":
            bm = basemaps.remove(con, args.name, lang=lang)
            if store.get_meta(con, META_DEFAULT) == bm.name:
                con.execute("DELETE FROM meta WHERE key = ?", [META_DEFAULT])
            audit.log(con, user.name, "import", f"basemap {bm.name} removed")
            print(t("basemap.removed", lang, name=bm.name), file=sys.stderr)
        elif args.action == "default":
            if args.name:
                if basemaps.get(con, args.name) is None:
                    raise InputError(t("basemap.unknown", lang, name=args.name,
                                       valid=", ".join(b.name for b in basemaps.list_basemaps(con)) or "-"))
                store.set_meta(con, META_DEFAULT, args.name)
            else:
                con.execute("DELETE FROM meta WHERE key = ?", [META_DEFAULT])
            print(t("basemap.default_set", lang, name=args.name or "-"), file=sys.stderr)
    finally:
        con.close()
    return 0
