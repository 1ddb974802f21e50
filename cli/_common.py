"""Helpers shared by CLI commands: store path, filter arguments, output files."""
from __future__ import annotations

import argparse
from pathlib import Path

from core.errors import InputError
from core.i18n import t
from data.filters import Filter, parse_date
from data.store import connect, default_db, is_server


def db_path(args) -> Path | str:
    """``--db`` (else ``BORDERWATCH_DB``, else the default file): a Path, or a ``postgresql://`` URL (str)."""
    db = args.db if getattr(args, "db", None) else default_db()
    return str(db).strip() if is_server(str(db)) else Path(db)


def open_store(args, *, read_only: bool = False):
    """Open the store named by ``--db``; a missing store is an input error with a hint."""
    path = db_path(args)
    if isinstance(path, str):          # server mode: the server says whether the database exists
        return connect(path, read_only=read_only)
    if not path.exists():
        raise InputError(t("cli.store.missing", getattr(args, "lang", None), db=path))
    return connect(path, read_only=read_only)


def add_action_globals(sp: argparse.ArgumentParser) -> None:
    """Accept the global options after a sub-action too (``users add NAME --db X``) without overriding them."""
    sp.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sp.add_argument("--lang", choices=["vi", "en"], default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sp.add_argument("--as", dest="as_user", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def add_filter_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters")
    g.add_argument("--from", dest="date_from", metavar="D", help="first day (YYYY-MM-DD or dd/mm/yyyy)")
    g.add_argument("--to", dest="date_to", metavar="D", help="last day, inclusive")
    g.add_argument("--article", action="append", default=[], metavar="A", help="penal-code article (repeatable)")
    g.add_argument("--drug", action="append", default=[], metavar="D", help="drug code or label (repeatable)")
    g.add_argument("--station", action="append", default=[], metavar="S", help="station id or name (repeatable)")
    g.add_argument("--commune", action="append", default=[], metavar="C", help="commune, old or new name (repeatable)")
    g.add_argument("--village", action="append", default=[], metavar="V", help="village id (repeatable)")
    g.add_argument("--area", metavar="FILE.geojson",
                   help="keep incidents inside the polygon(s) of this GeoJSON file (WGS 84, as RFC 7946 says)")


def filter_from_args(args, con) -> Filter:
    flt = Filter(
        date_from=parse_date(args.date_from) if args.date_from else None,
        date_to=parse_date(args.date_to) if args.date_to else None,
        articles=tuple(args.article), drugs=tuple(args.drug), stations=tuple(args.station),
        communes=tuple(args.commune), villages=tuple(args.village),
        area=read_area(args.area, getattr(args, "lang", None)) if getattr(args, "area", None) else None,
    )
    return flt.validated(con, getattr(args, "lang", None))


def read_area(path, lang: str | None = None) -> str:
    """WKT of the union of the polygons in GeoJSON file ``path`` (a geometry, a Feature or a FeatureCollection)."""
    import json

    import shapely
    from shapely.geometry import shape

    from geo.areas import AreaError, area_wkt

    def refuse(reason: str):
        return InputError(t("cli.area_file", lang, file=path, reason=reason))

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise refuse(exc.strerror or str(exc)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse(f"not GeoJSON ({exc})") from None
    if not isinstance(doc, dict):
        raise refuse("not a GeoJSON object")
    if doc.get("crs") and "CRS84" not in json.dumps(doc["crs"]) and "4326" not in json.dumps(doc["crs"]):
        raise refuse(f"coordinates must be WGS 84 longitude/latitude, the file says {json.dumps(doc['crs'])}")
    kind = doc.get("type")
    geoms = ([f.get("geometry") for f in doc.get("features") or []] if kind == "FeatureCollection"
             else [doc.get("geometry")] if kind == "Feature" else [doc])
    try:
        shapes = [shape(g) for g in geoms if g]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise refuse(f"bad geometry ({exc})") from None
    polys = [g for g in shapes if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise refuse("no polygon in the file")
    try:
        return area_wkt(shapely.union_all(polys))
    except AreaError as exc:
        raise refuse(str(exc)) from None
