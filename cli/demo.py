"""``borderwatch demo``: build the demo store.

An existing store is never replaced silently: without ``--force`` the command refuses
(exit 2), and even with it, it refuses while another process (the app) holds the store.
With ``--force`` the old store is held locked while the new one is built, then replaced in
one rename with no WAL of the old file left beside it; the old store's audit anchor is kept
aside as ``<store>.audit-anchor.replaced-<time>`` (the new store's log starts over).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import duckdb

from cli._common import db_path
from core.errors import InputError
from core.i18n import t


def add_arguments(p, name: str) -> None:
    p.add_argument("--incidents", type=int, default=None,
                   help="a load demo of this many synthetic incidents (0 allowed); default: the plausible demo, "
                        "about 190 cases a year over three years")
    p.add_argument("--seed", type=int, default=233, help="random seed (same seed and month, same data)")
    p.add_argument("--end", help="last month YYYY-MM-DD (default: today)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing store (its data, accounts and audit log are lost); "
                        "refused while another process holds it")


def run(args) -> int:
    from data.demo import build_demo
    from data.filters import parse_date

    if args.incidents is not None and args.incidents < 0:
        raise InputError("--incidents must be ≥ 0")
    end = parse_date(args.end) if args.end else None
    path = db_path(args)
    if isinstance(path, str):
        return _server_demo(args, path, end)
    held = _Held(path)
    if os.path.lexists(path):
        if not args.force:
            raise InputError(t("sec.demo.exists", args.lang, db=path))
        held.take(args.lang)                   # refuses a store another process holds
    try:
        summary = build_demo(path, incidents=args.incidents, seed=args.seed, end=end, before_replace=held.release)
    finally:
        held.release()
    print(t("cli.demo.built", args.lang, db=summary["db"], n=summary["incidents"], s=summary["seconds"]),
          file=sys.stderr)
    return 0


def _server_demo(args, url: str, end) -> int:
    """Server mode: build the demo in a private temporary file, then move it into the database in one
    transaction (``--force``: the database's rows, accounts and audit log replaced)."""
    import shutil

    from data.demo import build_demo
    from data.fsmodes import private_tempdir
    from data.migrate import migrate
    from data.store import redact

    tmp = private_tempdir("bw-demo-")
    try:
        summary = build_demo(tmp / "demo.duckdb", incidents=args.incidents, seed=args.seed, end=end)
        try:
            migrate(tmp / "demo.duckdb", url, replace=args.force, lang=args.lang)
        except InputError as exc:
            if "already holds data" in str(exc):
                raise InputError(t("sec.demo.exists", args.lang, db=redact(url))) from exc
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(t("cli.demo.built", args.lang, db=redact(url), n=summary["incidents"], s=summary["seconds"]),
          file=sys.stderr)
    return 0


class _Held:
    """The old store, opened read-write so no other process can take it while the new one is built."""

    def __init__(self, path: Path):
        self.path = path
        self.con: duckdb.DuckDBPyConnection | None = None

    def take(self, lang) -> None:
        if not self.path.is_file() or self.path.is_symlink():
            raise InputError(t("sec.demo.exists", lang, db=self.path))
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise InputError(t("sec.demo.busy", lang, db=self.path)) from exc
            raise InputError(t("sec.demo.exists", lang, db=self.path)) from exc

    def release(self) -> None:
        """Close the old store (checkpointing its WAL), drop any WAL left, set its audit anchor aside."""
        if self.con is None:
            return
        con, self.con = self.con, None
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
        Path(str(self.path) + ".wal").unlink(missing_ok=True)
        from data.audit import anchor_path

        anchor = anchor_path(self.path)
        if anchor.exists():
            os.replace(anchor, anchor.with_name(f"{anchor.name}.replaced-{dt.datetime.now():%Y%m%d-%H%M%S}"))
