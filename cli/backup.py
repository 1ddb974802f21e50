"""``borderwatch backup FILE`` and ``borderwatch restore FILE`` (admin).

Both work while the dashboard runs: the store is then locked by the app's process, so the
command hands the job to the app (``data.backup.request``) and prints its answer. The app
runs only requests of its own OS user, and only on files in ``<store folder>/backups/``
named by FILE's name (``backup copy.duckdb`` or ``backup <folder>/backups/copy.duckdb``).
When no app holds the store, the command opens it itself and FILE may be any path. Either
way the copy is one consistent snapshot and a restore is one transaction (see
``data/backup.py``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from cli._auth import claimed_name, require_cli
from cli._common import db_path
from core import roles
from core.errors import AccessDenied, BorderwatchError, InputError, StoreError
from core.i18n import default_lang, fmt_int, t
from data import backup as bk
from data.store import connect


def add_arguments(p, name: str) -> None:
    if name == "backup":
        p.add_argument("file", help="the backup file to write (a DuckDB store)")
        p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    else:
        p.add_argument("file", help="the backup file to restore from")
        p.add_argument("--no-safety-copy", action="store_true",
                       help="do not save the current store as <store>.before-restore-<time>.duckdb first")
    p.add_argument("--json", action="store_true", help="machine-readable summary")


def run(args) -> int:
    lang = args.lang
    path = db_path(args)
    if isinstance(path, str):
        return _server(args, path, lang)
    if not path.exists():
        raise InputError(t("cli.store.missing", lang, db=path))
    try:
        con = connect(path)
    except StoreError as exc:
        if not bk.is_locked(exc):
            raise
        return _through_app(args, path, lang)
    try:
        user = require_cli(args, con, roles.BACKUP)
        if args.command == "backup":
            result = bk.backup(con, args.file, who=user.name, overwrite=args.force, lang=lang)
        else:
            result = bk.restore(con, args.file, who=user.name, safety_copy=not args.no_safety_copy, lang=lang)
    finally:
        con.close()
    _print(args, result, lang, via_app=False)
    return 0


def _server(args, url: str, lang) -> int:
    """Server mode: no relay (every process talks to the server); backup writes a snapshot to a DuckDB file,
    restore replaces the server's rows from one in a single transaction."""
    con = connect(url)
    try:
        user = require_cli(args, con, roles.BACKUP)
        if args.command == "backup":
            result = bk.backup_server(con, url, args.file, who=user.name, overwrite=args.force, lang=lang)
        else:
            result = bk.restore_server(con, url, args.file, who=user.name, safety_copy=not args.no_safety_copy,
                                       lang=lang)
    finally:
        con.close()
    _print(args, result, lang, via_app=False)
    return 0


def _through_app(args, path, lang) -> int:
    if args.command == "restore" and args.no_safety_copy:
        raise InputError(t("auth.restore.safety_required", lang))
    answer = bk.request(path, args.command, _name_in_backups(args.file, path, lang), as_user=claimed_name(args),
                        overwrite=getattr(args, "force", False), lang=lang or default_lang())
    if not answer.get("ok"):
        code = int(answer.get("exit_code", 1))
        error = {2: InputError, 3: AccessDenied}.get(code, BorderwatchError)
        raise error(answer.get("error", "?"))
    _print(args, answer, lang, via_app=True)
    return 0


def _name_in_backups(file: str, db, lang) -> str:
    """FILE as a name in the store's backups folder: a bare name, or a path into that folder."""
    given = Path(file).expanduser()
    folder = bk.backups_dir(db, create=False)
    if given.name and (str(given) == given.name or given.resolve().parent == folder.resolve()):
        return given.name
    raise InputError(t("sec.relay.bad_name", lang, dir=folder, file=file))


def _print(args, result: dict, lang, *, via_app: bool) -> None:
    if args.json:
        print(json.dumps({**result, "via_app": via_app}, ensure_ascii=False, default=str))
        return
    rows = fmt_int(sum((result.get("rows") or {}).values()), lang)
    key = "auth.backup.done" if args.command == "backup" else "auth.restore.done"
    print(t(key, lang, file=result.get("file"), rows=rows), file=sys.stderr)
    if result.get("safety_copy"):
        print(t("auth.restore.safety", lang, file=result["safety_copy"]), file=sys.stderr)
    if via_app:
        print(t("auth.backup.via_app", lang), file=sys.stderr)
