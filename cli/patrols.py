"""``borderwatch import patrols FILE [--station S] [--kind K] [--date D] [--skip-invalid]``.

Called from :mod:`cli.importing` when the layer is ``patrols``: GPX, GeoJSON/GPKG/KML lines or a
CSV of points (``track_id, time, lat, lon``). Needs the editor role; all or nothing unless
``--skip-invalid`` (bad tracks dropped and kept in ``import_rejects``). See :mod:`data.patrols`.
"""
from __future__ import annotations

import sys

from cli._auth import open_store_rw, require_cli
from core import roles
from core.i18n import t
from data.filters import parse_date

LAYER = "patrols"


def add_arguments(p) -> None:
    """The patrol options, added to ``borderwatch import``."""
    g = p.add_argument_group("patrols (import patrols FILE)")
    g.add_argument("--station", help="station id or name of every track in the file (default: the station "
                                     "whose area holds the track's first point)")
    g.add_argument("--kind", help="foot, vehicle or joint (default: the file's <type>, else foot)")
    g.add_argument("--date", help="day of tracks that have no times (YYYY-MM-DD or dd/mm/yyyy); they are flagged")


def run(args) -> int:
    from data import audit
    from data.patrols import import_patrols, problems_summary

    lang = args.lang
    date = parse_date(args.date) if getattr(args, "date", None) else None
    con = open_store_rw(args)
    try:
        user = require_cli(args, con, roles.IMPORT)
        res = import_patrols(con, args.file, station=args.station, kind=args.kind, date=date,
                             skip_invalid=args.skip_invalid, who=user.name, encoding=args.encoding, lang=lang)
        audit.log(con, user.name, "import", f"patrols <- {res.file} (import_id {res.import_id})",
                  rows=res.patrols_new)
    finally:
        con.close()
    if res.problems:
        print(problems_summary(res.problems, lang), file=sys.stderr)
    print(t("patrol.done", lang, file=res.file, tracks=res.tracks_in, new=res.patrols_new, points=res.points,
            unchanged=res.patrols_unchanged, rejected=res.tracks_rejected, waypoints=res.waypoints), file=sys.stderr)
    return 0
