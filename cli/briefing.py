"""``borderwatch briefing``: the briefing pack as a 16:9 PDF, optional slide PNGs, saved snapshots.

    borderwatch briefing --from 2026-08-01 --to 2026-10-31 --out giao-ban.pdf \\
        [--lang vi|en] [--png DIR] [--unit TEXT] [--classification TEXT] [--save] [--snapshot ID]

``--save`` stores the briefing (filters, period, data version, summary) so the next one
can say what changed; ``--snapshot ID`` shows a saved briefing again with its own
filters (a note is printed when the data changed since).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from cli._auth import require_cli
from cli._common import add_filter_args, filter_from_args, open_store
from core import roles
from core.errors import InputError
from core.i18n import t
from data.fsmodes import open_private


def add_arguments(p, name: str) -> None:
    add_filter_args(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF file to write")
    p.add_argument("--png", metavar="DIR", help="also write one PNG image per slide into DIR")
    p.add_argument("--unit", metavar="TEXT", help="unit named on the title page")
    p.add_argument("--classification", metavar="TEXT",
                   help='classification line on every page (default "LƯU HÀNH NỘI BỘ"; "" for none)')
    p.add_argument("--save", action="store_true", help="save this briefing as a snapshot (compared with next time)")
    p.add_argument("--snapshot", type=int, metavar="ID", help="show saved briefing ID again (its filters)")


def run(args) -> int:
    from report.pdf import render_images, write_pdf
    from report.slides import build_briefing
    from report.snapshots import load_snapshot, save_snapshot, snapshot_before

    lang = args.lang
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise InputError(t("report.cli.bad_out", lang, path=out))
    t0 = time.perf_counter()
    con = open_store(args)   # writable: every briefing goes into the audit log
    try:
        user = require_cli(args, con, roles.BRIEFING)
        compare_to = None
        if args.snapshot is not None:
            snap = load_snapshot(con, args.snapshot)
            flt = snap.filter
            b = build_briefing(con, flt, lang=lang or "vi", compare_to=snapshot_before(con, snap) or False)
            if b.version.hash != snap.version.hash:
                print(t("report.cli.inexact", lang, id=snap.id, then=snap.version.hash, now=b.version.hash),
                      file=sys.stderr)
        else:
            flt = filter_from_args(args, con)
            b = build_briefing(con, flt, lang=lang or "vi", compare_to=compare_to)
        images = render_images(b)
        sid = None
        if args.save:
            sid = save_snapshot(con, b.flt, b.summary, version=b.version, saved_by=getattr(user, "name", None))
        data = write_pdf(b, unit=args.unit, classification=args.classification, images=images,
                         snapshot_id=sid if sid is not None else args.snapshot)
        _audit_briefing(con, user, out, b.flt)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open_private(out, "wb") as fh:          # 0600 whatever the umask
        fh.write(data)
    pages = 1 + len(b.slides)
    print(t("report.cli.written", lang, path=out, pages=pages, s=time.perf_counter() - t0), file=sys.stderr)
    if sid is not None:
        print(t("report.cli.saved", lang, id=sid), file=sys.stderr)
    if args.png:
        from report.slidepng import write_slide_pngs
        paths = write_slide_pngs(b, images, Path(args.png), classification=args.classification)
        print(t("report.cli.png", lang, n=len(paths), dir=args.png), file=sys.stderr)
    return 0


def _audit_briefing(con: duckdb.DuckDBPyConnection, user, out: Path, flt) -> None:
    """One audit entry per briefing: who, the file, the filter, the incidents it covers."""
    from data import audit
    from data.queries import count_incidents

    audit.log(con, user.name, "briefing", f"{out.name}: {flt.to_query()}", rows=count_incidents(con, flt))
