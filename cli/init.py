"""``borderwatch init --db PATH``: create an empty store for a unit's own data.

The store has the schema and the commune merger table (public administrative facts, not
illustrative) and nothing else: no border, villages or incidents, and it is not marked as
demo data, so the dashboard shows no "illustrative" banner. An existing file is never
touched (exit 2). ``borderwatch demo`` builds the illustrative store instead.

``--db postgresql://USER@HOST:PORT/DBNAME`` (server mode): the database must exist (the DBA
creates it, with PostGIS, docs/deploy.md); init creates the schema in it, or refuses one already
initialised.
"""
from __future__ import annotations

import sys

from cli._common import db_path
from core.errors import InputError
from core.i18n import t
from data.store import redact


def add_arguments(p, name: str) -> None:
    pass


def run(args) -> int:
    from data.newstore import create_server_store, create_store

    path = db_path(args)
    if isinstance(path, str):          # postgresql://…: the schema in that (existing, empty) database
        version = create_server_store(path, lang=args.lang)
        print(t("cli.init.done", args.lang, db=redact(path), version=version), file=sys.stderr)
        return 0
    if path.exists():
        raise InputError(t("cli.init.exists", args.lang, db=path))
    if not path.parent.is_dir():
        raise InputError(t("cli.init.no_dir", args.lang, path=path.parent))
    version = create_store(path)
    print(t("cli.init.done", args.lang, db=path, version=version), file=sys.stderr)
    return 0
