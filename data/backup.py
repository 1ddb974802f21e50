"""Consistent backup and restore of the store, also while the dashboard runs.

What DuckDB allows: one process holds a store file read-write, and while it does no other
process can open the file at all, not even read-only. Copying the file's bytes while the
app writes can tear a page or miss the WAL. So both operations run *through a connection
of the process that holds the store*:

* :func:`backup` — ``ATTACH`` a new file and ``COPY FROM DATABASE`` inside one transaction:
  the copy is one snapshot (MVCC), and readers and writers carry on meanwhile. The result is
  an ordinary store file (``--db backup.duckdb`` opens it). It is written beside the target
  and renamed into place, so an interrupted backup never leaves a half file under the name.
* :func:`restore` — migrate a private copy of the backup to the current schema, save a
  safety copy of the live store (``<store>.before-restore-<time>.duckdb``), then replace
  every table's rows in ONE transaction (other sessions see the old data until the commit,
  then the new). Accounts and the audit log are security state, not data: they are never
  rolled back; they are taken from the backup only when the live store has none.

When the app is not running, ``borderwatch backup/restore`` opens the store itself. When
it is, the CLI finds the file locked and hands the job to the app: it drops a request in
``<store>.requests/`` and the app's agent thread (:func:`start_agent`, started once per
server process by ``ui.auth.gate``) runs it on the app's connection and writes the answer
beside it. The request names the acting user; the agent checks that user's role in the
store. Whoever can write that directory can also replace the store file, so it adds no
new way in.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import duckdb

from core.errors import BorderwatchError, InputError, StoreError
from core.i18n import t
from data import audit
from data.schema import SCHEMA_VERSION

log = logging.getLogger("borderwatch.backup")

SECURITY_TABLES = ("users", "audit")          # never rolled back by a restore
LIVE_TABLES = ("web_sessions",)               # the live store's own: a restore neither replaces nor revives them
KEEP_META = ("schema_version", "audit_head")  # meta rows that stay with the live store
REQUEST_SUFFIX = ".request.json"
ANSWER_SUFFIX = ".answer.json"


# -- paths and locks ----------------------------------------------------------------------

def store_path(con) -> Path | None:
    """The file behind ``con`` (``None`` for an in-memory store)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]).resolve() if row and row[0] else None


def spool_dir(db: Path) -> Path:
    """Where the CLI leaves requests for the running app: ``<store>.requests/``."""
    db = Path(db).resolve()
    return db.with_name(db.name + ".requests")


def is_locked(exc: BaseException) -> bool:
    """True when ``exc`` says another process holds the store file."""
    while exc is not None:
        if "lock" in str(exc).lower() and isinstance(exc, (duckdb.IOException, StoreError)):
            return True
        exc = exc.__cause__
    return False


def _literal(path: Path) -> str:
    """A SQL string literal for ``ATTACH`` (which takes no ``?`` parameters)."""
    text = str(path)
    if any(c in text for c in "\x00\n\r"):
        raise InputError(f"unusable file name: {text!r}")
    return "'" + text.replace("'", "''") + "'"


def _tables(cur, database: str) -> list[str]:
    return [r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                                      "AND schema_name = 'main' ORDER BY table_name", [database]).fetchall()]


def _alias(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


# -- backup -------------------------------------------------------------------------------

def backup(con, target: str | Path, *, who: str, overwrite: bool = False, lang: str | None = None) -> dict:
    """Write a consistent copy of the store behind ``con`` to ``target`` (a new DuckDB file).

    Returns ``{"file", "bytes", "rows": {table: n}, "schema_version"}``. Audited as ``backup``.
    """
    target = Path(target).expanduser().resolve()
    live = store_path(con)
    if live is not None and target == live:
        raise InputError(t("auth.backup.same_file", lang, file=target))
    if target.exists() and not overwrite:
        raise InputError(t("auth.backup.exists", lang, file=target))
    if not target.parent.is_dir():
        raise InputError(t("auth.backup.no_dir", lang, dir=target.parent))
    part = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    alias = _alias("bw_backup")
    main = con.execute("SELECT current_database()").fetchone()[0]
    cur = con.cursor()
    try:
        cur.execute(f"ATTACH {_literal(part)} AS {alias}")
        try:
            cur.execute("BEGIN TRANSACTION")
            cur.execute(f"COPY FROM DATABASE {main} TO {alias}")
            cur.execute("COMMIT")
            rows = {name: cur.execute(f"SELECT count(*) FROM {alias}.main.{name}").fetchone()[0]
                    for name in _tables(cur, alias)}
        finally:
            cur.execute(f"DETACH {alias}")
        os.replace(part, target)
    except duckdb.Error as exc:
        raise StoreError(t("auth.backup.failed", lang, msg=str(exc).splitlines()[0])) from exc
    finally:
        cur.close()
        for leftover in (part, part.with_name(part.name + ".wal")):
            leftover.unlink(missing_ok=True)
    audit.log(con, who, "backup", str(target), sum(rows.values()))
    return {"file": str(target), "bytes": target.stat().st_size, "rows": rows, "schema_version": SCHEMA_VERSION}


# -- restore ------------------------------------------------------------------------------

def _prepared_copy(source: Path, workdir: Path, lang: str | None) -> Path:
    """A private copy of ``source`` migrated to the current schema (refuses newer stores)."""
    from data.store import connect, schema_version

    work = workdir / "restore.duckdb"
    shutil.copy2(source, work)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, workdir / "restore.duckdb.wal")
    try:
        wcon = connect(work, migrate=False)
        try:
            version = schema_version(wcon)
            if version == 0 or "incidents" not in _tables(wcon, wcon.execute("SELECT current_database()").fetchone()[0]):
                raise InputError(t("auth.restore.not_store", lang, file=source))
            if version > SCHEMA_VERSION:
                raise InputError(t("auth.restore.newer", lang, file=source, v=version, current=SCHEMA_VERSION))
            from data.store import migrate_store

            migrate_store(wcon)
            wcon.execute("CHECKPOINT")
        finally:
            wcon.close()
    except duckdb.Error as exc:
        raise InputError(t("auth.restore.not_store", lang, file=source)) from exc
    except StoreError as exc:
        raise InputError(t("auth.restore.not_store", lang, file=source)) from exc
    return work


def restore(con, source: str | Path, *, who: str, safety_copy: bool = True, lang: str | None = None) -> dict:
    """Replace the data of the store behind ``con`` with the backup ``source``, in one transaction.

    Returns ``{"file", "rows": {table: n}, "safety_copy": path or None}``. Audited as ``restore``.
    """
    source = Path(source).expanduser().resolve()
    if not source.is_file():
        raise InputError(t("auth.restore.missing", lang, file=source))
    live = store_path(con)
    if live is not None and source == live:
        raise InputError(t("auth.backup.same_file", lang, file=source))
    workdir = Path(tempfile.mkdtemp(prefix="bw-restore-", dir=live.parent if live else None))
    try:
        work = _prepared_copy(source, workdir, lang)
        safety = None
        if safety_copy and live is not None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            safety = backup(con, live.with_name(f"{live.stem}.before-restore-{stamp}.duckdb"), who=who,
                            overwrite=True, lang=lang)["file"]
        rows = _replace_all(con, work)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    audit.log(con, who, "restore", str(source), sum(rows.values()))
    return {"file": str(source), "rows": rows, "safety_copy": safety}


def _replace_all(con, work: Path) -> dict[str, int]:
    alias = _alias("bw_restore")
    main = con.execute("SELECT current_database()").fetchone()[0]
    cur = con.cursor()
    rows: dict[str, int] = {}
    try:
        cur.execute(f"ATTACH {_literal(work)} AS {alias} (READ_ONLY)")
        try:
            src_tables = set(_tables(cur, alias))
            cur.execute("BEGIN TRANSACTION")
            try:
                for name in _tables(cur, main):
                    rows[name] = _replace_table(cur, name, alias, name in src_tables)
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            _advance_sequences(cur, main, alias)
        finally:
            cur.execute(f"DETACH {alias}")
    except duckdb.Error as exc:
        raise StoreError(t("auth.restore.failed", None, msg=str(exc).splitlines()[0])) from exc
    finally:
        cur.close()
    return rows


def _replace_table(cur, name: str, alias: str, in_source: bool) -> int:
    """Rows of one table replaced by the backup's; returns the rows now in the table."""
    if name in LIVE_TABLES:
        return cur.execute(f"SELECT count(*) FROM main.{name}").fetchone()[0]
    if name in SECURITY_TABLES:
        if in_source and cur.execute(f"SELECT count(*) FROM main.{name}").fetchone()[0] == 0:
            cur.execute(f"INSERT INTO main.{name} BY NAME SELECT * FROM {alias}.main.{name}")
            if name == "audit":
                cur.execute(f"INSERT OR REPLACE INTO main.meta SELECT * FROM {alias}.main.meta "
                            f"WHERE key = 'audit_head'")
        return cur.execute(f"SELECT count(*) FROM main.{name}").fetchone()[0]
    keep = ", ".join("?" * len(KEEP_META))
    if name == "meta":
        cur.execute(f"DELETE FROM main.meta WHERE key NOT IN ({keep})", list(KEEP_META))
        if in_source:
            cur.execute(f"INSERT INTO main.meta SELECT * FROM {alias}.main.meta WHERE key NOT IN ({keep})",
                        list(KEEP_META))
    else:
        cur.execute(f"DELETE FROM main.{name}")
        if in_source:
            cur.execute(f"INSERT INTO main.{name} BY NAME SELECT * FROM {alias}.main.{name}")
    return cur.execute(f"SELECT count(*) FROM main.{name}").fetchone()[0]


def _advance_sequences(cur, main: str, alias: str) -> None:
    """Move each live sequence past the backup's value, so restored ids are never handed out again."""
    src = dict(cur.execute("SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences() "
                           "WHERE database_name = ?", [alias]).fetchall())
    for name, last in cur.execute("SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences() "
                                  "WHERE database_name = ?", [main]).fetchall():
        need = int(src.get(name, 0)) - int(last)
        if need > 0 and name.replace("_", "").isalnum():
            cur.execute(f"SELECT max(nextval('{name}')) FROM range(?)", [need])


# -- CLI → running app --------------------------------------------------------------------

def request(db: Path, op: str, file: str | Path, *, as_user: str, overwrite: bool = False,
            timeout: float = 600.0, pickup: float = 10.0, lang: str | None = None) -> dict:
    """Ask the app that holds ``db`` to run ``op`` (``backup``/``restore``) on ``file``; wait for its answer.

    Raises :class:`StoreError` when no app picks the request up within ``pickup`` seconds.
    """
    spool = spool_dir(db)
    spool.mkdir(mode=0o700, exist_ok=True)
    rid = uuid.uuid4().hex
    body = {"op": op, "file": str(Path(file).expanduser().resolve()), "as_user": as_user, "overwrite": overwrite,
            "lang": lang, "at": dt.datetime.now().isoformat()}
    tmp = spool / f".{rid}.tmp"
    tmp.write_text(json.dumps(body), encoding="utf-8")
    req, ans = spool / f"{rid}{REQUEST_SUFFIX}", spool / f"{rid}{ANSWER_SUFFIX}"
    os.replace(tmp, req)
    start = time.monotonic()
    while True:
        if ans.exists():
            answer = json.loads(ans.read_text(encoding="utf-8"))
            ans.unlink(missing_ok=True)
            return answer
        waited = time.monotonic() - start
        if req.exists() and waited > pickup:
            req.unlink(missing_ok=True)
            raise StoreError(t("auth.backup.busy", lang, db=db))
        if waited > timeout:
            raise StoreError(t("auth.backup.timeout", lang, db=db))
        time.sleep(0.2)


_AGENTS: dict[str, threading.Thread] = {}
_AGENTS_LOCK = threading.Lock()


def start_agent(con, *, on_change=None, interval: float = 0.5) -> bool:
    """Serve CLI requests for the store behind ``con`` from a daemon thread (once per process and store),
    on a cursor of its own.

    ``on_change`` is called after a successful restore (the app clears its caches there).
    Returns True when a new agent was started.
    """
    db = store_path(con)
    if db is None:
        return False
    with _AGENTS_LOCK:
        if str(db) in _AGENTS and _AGENTS[str(db)].is_alive():
            return False
        thread = threading.Thread(target=_agent_loop, args=(con.cursor(), db, on_change, interval),
                                  name=f"borderwatch-agent-{db.name}", daemon=True)
        _AGENTS[str(db)] = thread
        thread.start()
    return True


def _agent_loop(con, db: Path, on_change, interval: float) -> None:
    spool = spool_dir(db)
    while True:
        try:
            for req in sorted(spool.glob(f"*{REQUEST_SUFFIX}")) if spool.is_dir() else []:
                handle_request(con, req, on_change=on_change)
        except Exception:  # noqa: BLE001 - the agent must survive anything one request does
            log.exception("backup agent")
        time.sleep(interval)


def handle_request(con, req: Path, *, on_change=None) -> dict:
    """Run one spooled request on ``con`` and write its answer file (used by the agent and tests)."""
    from core import roles
    from data import users

    rid = req.name[: -len(REQUEST_SUFFIX)]
    try:
        body = json.loads(req.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        req.unlink(missing_ok=True)
        return {}
    req.unlink(missing_ok=True)
    lang = body.get("lang")
    answer: dict
    try:
        name = str(body.get("as_user") or "")
        user = users.get_user(con, name) if users.has_accounts(con) else roles.User(name or "local", "admin", local=True)
        if user is None:
            raise roles.AccessDenied(t("auth.cli.no_account", lang, name=name[:40]))
        roles.require(user, roles.BACKUP, lang)
        if body.get("op") == "backup":
            answer = {"ok": True, **backup(con, body["file"], who=user.name, overwrite=bool(body.get("overwrite")),
                                           lang=lang)}
        elif body.get("op") == "restore":
            answer = {"ok": True, **restore(con, body["file"], who=user.name, lang=lang)}
            if on_change:
                on_change()
        else:
            raise InputError(f"unknown request {body.get('op')!r}")
    except BorderwatchError as exc:
        answer = {"ok": False, "error": str(exc), "exit_code": exc.exit_code}
    except Exception as exc:  # noqa: BLE001
        log.exception("backup request")
        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "exit_code": 1}
    out = req.with_name(f".{rid}.answer.tmp")
    out.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    os.replace(out, req.with_name(f"{rid}{ANSWER_SUFFIX}"))
    return answer
