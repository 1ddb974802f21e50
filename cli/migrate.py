"""``borderwatch migrate --from STORE --to STORE``: move a store between a DuckDB file and PostgreSQL.

Either side is a store file or ``postgresql://USER@HOST:PORT/DBNAME`` (password from
``PGPASSWORD`` / ``~/.pgpass``). Every table is copied in one transaction into an empty
destination; the audit chain is verified before and after (``data/migrate.py``). Admin only
(accounts and the audit log move too); the source stays as it was.
"""
from __future__ import annotations

import json
import sys

from cli._auth import require_cli
from core import roles
from core.errors import InputError
from core.i18n import fmt_int, t
from data.store import is_server, redact


def add_arguments(p, name: str) -> None:
    p.add_argument("--from", dest="source", required=True, metavar="STORE",
                   help="the store to copy: a .duckdb file or postgresql://USER@HOST:PORT/DBNAME")
    p.add_argument("--to", dest="target", required=True, metavar="STORE",
                   help="the new store: a .duckdb file that does not exist yet, or an empty PostgreSQL database")
    p.add_argument("--json", action="store_true", help="machine-readable summary")


def run(args) -> int:
    from data.migrate import migrate
    from data.store import connect

    if not is_server(args.source):
        from pathlib import Path
        if not Path(args.source).is_file():
            raise InputError(t("srv.store.missing", args.lang, db=args.source))
    con = connect(args.source, read_only=not is_server(args.source))
    try:
        require_cli(args, con, roles.BACKUP)        # admin: accounts and audit move with the data
    finally:
        con.close()
    result = migrate(args.source, args.target, lang=args.lang)
    if args.json:
        print(json.dumps({"from": redact(args.source), "to": redact(args.target), **result}, ensure_ascii=False))
    else:
        n = sum(result["rows"].values())
        print(t("srv.migrate.done", args.lang, src=redact(args.source), dst=redact(args.target),
                rows=fmt_int(n, args.lang), tables=len(result["rows"]), entries=result["audit_entries"]),
              file=sys.stderr)
    return 0
