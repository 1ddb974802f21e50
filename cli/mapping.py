"""``borderwatch map``: the dashboard map as ONE standalone offline HTML file.

Every script, style sheet and image is inlined: the file opens from a USB stick on a laptop
with no network and fetches nothing (unless ``--tiles`` names a local tile server).
Same layers, legend and filter as the dashboard (one code path: :mod:`layers.mapbuild`).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import duckdb

from cli._auth import require_cli
from cli._common import add_filter_args, filter_from_args, open_store
from core import roles
from core.errors import InputError
from core.i18n import t
from data import audit
from data.filters import parse_date
from data.queries import count_incidents


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", required=True, help="output .html file")
    p.add_argument("--layers", help="comma-separated layers shown when the map opens "
                                    "(default: belt,hotspots,border,trails,crossings,villages,incidents)")
    p.add_argument("--month", help="any day of a month: heat, H3 counts and Gi* show only that month")
    p.add_argument("--res", type=int, default=7, choices=range(6, 10), metavar="6-9",
                   help="H3 resolution of the hexagon layers (default 7)")
    p.add_argument("--focus", metavar="LAT,LON[,ZOOM]",
                   help="centre the map here (e.g. a hot spot) instead of the belt")
    p.add_argument("--tiles", default=None,
                   help="URL template of a local tile server, e.g. http://tiles.local/{z}/{x}/{y}.png "
                        "(default $BORDERWATCH_TILE_URL; none: no tiles, nothing fetched)")
    p.add_argument("--basemap", action="append", default=None, metavar="N",
                   help="embed the tiles of the unit's basemap N (borderwatch basemap list) for the belt's extent "
                        "(repeatable; default: the one set with 'borderwatch basemap default'; 'none': no basemap)")


def _layers(text: str | None, lang) -> tuple[str, ...] | None:
    if not text:
        return None
    import layers
    chosen = tuple(x.strip() for x in text.split(",") if x.strip())
    for name in chosen:
        if name not in layers.names():
            raise InputError(t("map.bad_layer", lang, value=name, valid=", ".join(layers.names())))
    return chosen


def _focus(text: str | None, lang) -> tuple[float, float, int] | None:
    if not text:
        return None
    try:
        parts = [float(x) for x in text.split(",")]
        lat, lon = parts[0], parts[1]
        zoom = int(parts[2]) if len(parts) > 2 else 12
        ok = len(parts) <= 3 and -90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 18
    except (ValueError, IndexError):
        ok = False
    if not ok:
        raise InputError(t("map.bad_focus", lang, value=text))
    return lat, lon, zoom


def _basemaps(con: duckdb.DuckDBPyConnection, names: list[str] | None, lang) -> tuple[str, ...] | None:
    """The basemaps to embed: checked to exist and be readable (exit 2 otherwise); None: the default one."""
    from data import basemaps

    if names is None:
        chosen = basemaps.default_basemap(con)
        names = [chosen.name] if chosen else []
    if names == ["none"]:
        return ()
    for name in names:
        bm = basemaps.get(con, name)
        if bm is None:
            raise InputError(t("basemap.unknown", lang, name=name,
                               valid=", ".join(b.name for b in basemaps.list_basemaps(con)) or "-"))
        basemaps.check_file(bm, lang)
    return tuple(names)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args) -> int:
    from core.i18n import default_lang
    from layers.mapbuild import MapView, standalone_html

    lang = args.lang or default_lang()
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(t("map.bad_out", lang, value=out.name))
    chosen, focus = _layers(args.layers, lang), _focus(args.focus, lang)
    month = parse_date(args.month) if args.month else None
    tiles = args.tiles if args.tiles is not None else (os.environ.get("BORDERWATCH_TILE_URL") or None)
    con = open_store(args)   # writable for the audit entry
    try:
        user = require_cli(args, con, roles.EXPORT)   # the file holds exact incidents and their text: analyst
        flt = filter_from_args(args, con)
        page = standalone_html(con, flt, lang=lang, view=MapView(layers=chosen, month=month, focus=focus, res=args.res),
                               tile_url=tiles, basemap_names=_basemaps(con, args.basemap, lang))
        audit.log(con, user.name, "map_export", f"{out.name}: {flt.to_query()}", rows=count_incidents(con, flt))
    finally:
        con.close()
    _write_atomic(out, page)
    print(t("map.written", lang, path=out, kb=f"{len(page.encode('utf-8')) / 1024:,.0f}"), file=sys.stderr)
    return 0
