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
it is, the CLI finds the file locked and hands the job to the app through a **relay**: it
drops a request in ``<store>.requests/`` and the app's agent thread (:func:`start_agent`,
started once per server process by ``ui.auth.gate``) runs it on the app's connection and
writes the answer beside it. The relay runs nothing but the store owner's own requests:

* the spool folder must be a real folder (no symlink) owned by the app's OS user with no
  group/other permissions, else nothing in it is run (and the CLI refuses to write there);
* each request file must be a regular file of that same user (the kernel's word, ``fstat``),
  0600, one link; anything else is dropped and logged;
* the account named in the request is a *claim*, the same one ``--as`` makes on the CLI's
  direct path (that OS user could stop the app and open the store itself); the role check
  applies to it and the audit entry records it beside the requester's OS user and uid;
* requests carry ``at``; older than :data:`MAX_AGE` seconds (or from the future) they are
  dropped and logged, and every request already waiting when the agent starts is dropped;
* backups are written to, and restored from, ``<store folder>/backups/`` only, by **name**
  (no ``/``, no ``..``, ``.duckdb``).

Backups, safety copies and their ``.part`` files are 0600 (folders 0700) whatever the umask.
Left-over ``bw-restore-*`` folders and ``.part`` files of dead processes are removed when a
store is opened (:func:`clean_leftovers`); a SIGTERM-ed CLI removes its own on the way out.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import stat
import threading
import time
import uuid
from pathlib import Path

import duckdb

from core.errors import AccessDenied, BorderwatchError, ExtensionError, InputError, StoreError
from core.i18n import t
from data import audit
from data.fsmodes import private_dir, private_tempdir
from data.schema import LAYERS, SCHEMA_VERSION
from data.store import scalar

log = logging.getLogger("borderwatch.backup")

SECURITY_TABLES = ("users", "audit")          # never rolled back by a restore
LIVE_TABLES = ("web_sessions",)               # the live store's own: a restore neither replaces nor revives them
KEEP_META = ("schema_version", "audit_head", "audit_anchor")  # meta rows that stay with the live store
REQUEST_SUFFIX = ".request.json"
ANSWER_SUFFIX = ".answer.json"
MAX_AGE = 60.0                                 # seconds a relayed request stays valid
RESTORE_PREFIX = "bw-restore-"
PART_SUFFIX = ".part"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.duckdb")


# -- paths and locks ----------------------------------------------------------------------

def store_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind ``con`` (``None`` for an in-memory store, and for a PostgreSQL store: no relay there)."""
    row = con.execute("SELECT path, type FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchone()
    return Path(row[0]).resolve() if row and row[0] and row[1] == "duckdb" else None


def spool_dir(db: Path) -> Path:
    """Where the CLI leaves requests for the running app: ``<store>.requests/``."""
    db = Path(db).resolve()
    return db.with_name(db.name + ".requests")


def backups_dir(db: str | Path, *, create: bool = True) -> Path:
    """``<store folder>/backups/`` (created 0700): the only folder the relay writes to or restores from."""
    folder = Path(db).resolve().parent / "backups"
    return private_dir(folder) if create else folder


def backup_name(name: object, db: str | Path, lang: str | None = None) -> Path:
    """The file ``name`` inside the store's backups folder; refuses anything but a plain ``*.duckdb`` name."""
    folder = backups_dir(db, create=False)
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise InputError(t("sec.relay.bad_name", lang, dir=folder, file=str(name)[:200]))
    return folder / name


def is_locked(exc: BaseException | None) -> bool:
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

def backup(con: duckdb.DuckDBPyConnection, target: str | Path, *, who: str, overwrite: bool = False,
           lang: str | None = None) -> dict:
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
    part = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{PART_SUFFIX}")
    alias = _alias("bw_backup")
    main = scalar(con, "SELECT current_database()")
    cur = con.cursor()
    try:
        cur.execute(f"ATTACH {_literal(part)} AS {alias}")
        try:
            cur.execute("BEGIN TRANSACTION")
            cur.execute(f"COPY FROM DATABASE {main} TO {alias}")
            cur.execute("COMMIT")
            rows = {name: scalar(cur, f"SELECT count(*) FROM {alias}.main.{name}")
                    for name in _tables(cur, alias)}
        finally:
            cur.execute(f"DETACH {alias}")
        os.chmod(part, 0o600)              # whatever the umask: only the store's owner reads a backup
        os.replace(part, target)
    except duckdb.Error as exc:
        raise StoreError(t("auth.backup.failed", lang, msg=str(exc).splitlines()[0])) from exc
    finally:
        cur.close()
        for leftover in (part, part.with_name(part.name + ".wal")):
            leftover.unlink(missing_ok=True)
    audit.log(con, who, "backup", str(target), sum(rows.values()))
    return {"file": str(target), "bytes": target.stat().st_size, "rows": rows, "schema_version": SCHEMA_VERSION}


def backup_server(con: duckdb.DuckDBPyConnection, url: str, target: str | Path, *, who: str, overwrite: bool = False,
                  lang: str | None = None) -> dict:
    """Server mode: the PostgreSQL store at ``url`` copied to ``target`` (a new DuckDB store file).

    The copy is read in one transaction, which the scanner opens as REPEATABLE READ: one snapshot,
    while other processes keep writing. No relay: every process may talk to the server. Written
    beside the target and renamed into place; 0600. Audited as ``backup`` on the server.
    """
    from data.migrate import migrate

    target = Path(target).expanduser().resolve()
    if target.exists() and not overwrite:
        raise InputError(t("auth.backup.exists", lang, file=target))
    if not target.parent.is_dir():
        raise InputError(t("auth.backup.no_dir", lang, dir=target.parent))
    part = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{PART_SUFFIX}")
    try:
        result = migrate(url, part, anchor=False, lang=lang)
        os.chmod(part, 0o600)
        os.replace(part, target)
    finally:
        for leftover in (part, part.with_name(part.name + ".wal")):
            leftover.unlink(missing_ok=True)
    rows = result["rows"]
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
            database = scalar(wcon, "SELECT current_database()")
            if version == 0 or "incidents" not in _tables(wcon, database):
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
    except ExtensionError:
        raise                       # the installation's fault, not the backup's: say so
    except StoreError as exc:
        raise InputError(t("auth.restore.not_store", lang, file=source)) from exc
    return work


def restore(con: duckdb.DuckDBPyConnection, source: str | Path, *, who: str, safety_copy: bool = True,
            lang: str | None = None) -> dict:
    """Replace the data of the store behind ``con`` with the backup ``source``, in one transaction.

    Returns ``{"file", "rows": {table: n}, "safety_copy": path or None}``. Audited as ``restore``.
    """
    source = Path(source).expanduser().resolve()
    if not source.is_file():
        raise InputError(t("auth.restore.missing", lang, file=source))
    live = store_path(con)
    if live is not None and source == live:
        raise InputError(t("auth.backup.same_file", lang, file=source))
    workdir = private_tempdir(f"{RESTORE_PREFIX}{os.getpid()}-", dir=live.parent if live else None)
    try:
        work = _prepared_copy(source, workdir, lang)
        safety = None
        if safety_copy and live is not None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            safety = backup(con, live.with_name(f"{live.stem}.before-restore-{stamp}.duckdb"), who=who,
                            overwrite=True, lang=lang)["file"]
        rows = _replace_all(con, work, who=who, what=str(source))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"file": str(source), "rows": rows, "safety_copy": safety}


def _replace_all(con: duckdb.DuckDBPyConnection, work: Path, *, who: str, what: str) -> dict[str, int]:
    """Every table's rows replaced and the ``restore`` audit entry written, in ONE transaction."""
    alias = _alias("bw_restore")
    main = scalar(con, "SELECT current_database()")
    cur = con.cursor()
    rows: dict[str, int] = {}
    try:
        cur.execute(f"ATTACH {_literal(work)} AS {alias} (READ_ONLY)")
        try:
            src_tables = set(_tables(cur, alias))
            with audit.change(con, cur) as ch:
                for name in _tables(cur, main):
                    rows[name] = _replace_table(cur, name, alias, name in src_tables)
                ch.log(who, "restore", what, sum(rows.values()))
                rows["audit"] = scalar(cur, "SELECT count(*) FROM main.audit")
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
        return scalar(cur, f"SELECT count(*) FROM main.{name}")
    if name in SECURITY_TABLES:
        if in_source and scalar(cur, f"SELECT count(*) FROM main.{name}") == 0:
            cur.execute(f"INSERT INTO main.{name} BY NAME SELECT * FROM {alias}.main.{name}")
            if name == "audit":
                cur.execute(f"INSERT OR REPLACE INTO main.meta SELECT * FROM {alias}.main.meta "
                            f"WHERE key = 'audit_head'")
        return scalar(cur, f"SELECT count(*) FROM main.{name}")
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
    return scalar(cur, f"SELECT count(*) FROM main.{name}")


def _advance_sequences(cur, main: str, alias: str) -> None:
    """Move each live sequence past the backup's value, so restored ids are never handed out again."""
    src = dict(cur.execute("SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences() "
                           "WHERE database_name = ?", [alias]).fetchall())
    for name, last in cur.execute("SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences() "
                                  "WHERE database_name = ?", [main]).fetchall():
        need = int(src.get(name, 0)) - int(last)
        if need > 0 and name.replace("_", "").isalnum():
            cur.execute(f"SELECT max(nextval('{name}')) FROM range(?)", [need])


#: The first bytes of what ``pg_dump`` writes: a custom/directory-format archive, and a plain SQL dump.
_PG_DUMP_MAGIC = (b"PGDMP", b"--\n-- PostgreSQL database dump")


def _refuse_pg_dump(source: Path, lang: str | None) -> None:
    """A ``pg_dump`` archive is not a borderwatch backup file: say what restores it instead."""
    try:
        with source.open("rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise InputError(t("auth.restore.missing", lang, file=source)) from exc
    if any(head.startswith(m) for m in _PG_DUMP_MAGIC):
        raise InputError(t("srv.restore.pg_dump", lang, file=source))


def restore_server(con, url: str, source: str | Path, *, who: str, safety_copy: bool = True,
                   lang: str | None = None) -> dict:
    """Server mode: replace the rows of the PostgreSQL store behind ``con`` with the backup ``source``.

    ``source`` is a borderwatch backup file (a DuckDB store, as ``backup`` writes in both modes);
    it is migrated to the current schema in a private copy first, and anything else is refused
    with the reason (a ``pg_dump`` archive is pointed to ``pg_restore``). The rows of every table
    are replaced in ONE PostgreSQL transaction that holds the audit and import locks, so other
    processes see the old rows until the commit, then the new, and no import interleaves.
    Accounts and the audit log are kept as in embedded mode (taken from the backup only when the
    store has none), the ``restore`` entry is written in the same transaction, and sequences only
    move forward. ``safety_copy``: the store is first saved beside ``source`` as
    ``<dbname>.before-restore-<time>.duckdb`` (a server has no store folder).

    Returns ``{"file", "rows": {table: n}, "safety_copy": path or None}``. Audited as ``restore``.
    """
    from data.store import server_dsn

    source = Path(source).expanduser().resolve()
    if not source.is_file():
        raise InputError(t("auth.restore.missing", lang, file=source))
    _refuse_pg_dump(source, lang)
    workdir = private_tempdir(f"{RESTORE_PREFIX}{os.getpid()}-")
    try:
        work = _prepared_copy(source, workdir, lang)
        safety = None
        if safety_copy:
            dbname = re.sub(r"[^A-Za-z0-9._-]", "_", server_dsn(url).split("dbname='", 1)[1].split("'", 1)[0])
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            safety = backup_server(con, url, source.with_name(f"{dbname}.before-restore-{stamp}.duckdb"), who=who,
                                   overwrite=True, lang=lang)["file"]
        rows = _replace_all_server(con, work, who=who, what=str(source), lang=lang)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"file": str(source), "rows": rows, "safety_copy": safety}


def _replace_all_server(con, work: Path, *, who: str, what: str, lang: str | None) -> dict[str, int]:
    """Every table's rows of the PostgreSQL store replaced from ``work``, and the entry written: ONE transaction."""
    from data.migrate import SEQUENCES, _columns, _sequence_value, store_tables
    from data.store import lock, pg_execute, pg_query

    alias = _alias("bw_restore")
    cur = con.cursor()
    rows: dict[str, int] = {}
    try:
        cur.execute(f"ATTACH {_literal(work)} AS {alias} (READ_ONLY)")
        try:
            src_tables = set(_tables(cur, alias))
            tables = store_tables(cur)
            catalog, schema = cur.execute("SELECT current_database(), current_schema()").fetchone()
            with audit.change(con, cur) as ch:
                for layer in sorted({*LAYERS, "patrols"}):
                    lock(cur, f"import:{layer}")              # no import interleaves with the replacement
                for name in tables:
                    if name in LIVE_TABLES:
                        continue
                    cols = _columns(cur, catalog, schema, name)
                    scols = set(_columns(cur, alias, "main", name)) if name in src_tables else set()
                    names = ", ".join(f'"{c}"' for c in cols if c in scols)
                    if name in SECURITY_TABLES:
                        if scols and not pg_query(cur, f'SELECT EXISTS (SELECT 1 FROM "{name}")')[0][0]:
                            cur.execute(f'INSERT INTO "{name}" ({names}) SELECT {names} FROM {alias}.main."{name}"')
                            if name == "audit":
                                cur.execute(f"INSERT OR REPLACE INTO meta SELECT key, value FROM {alias}.main.meta "
                                            "WHERE key = 'audit_head'")
                        continue
                    keep = ", ".join(f"'{k}'" for k in KEEP_META)
                    if name == "meta":
                        pg_execute(cur, f"DELETE FROM meta WHERE key NOT IN ({keep})")
                        if scols:
                            cur.execute(f"INSERT INTO meta (key, value) SELECT key, value FROM {alias}.main.meta "
                                        f"WHERE key NOT IN ({keep})")
                        continue
                    pg_execute(cur, f'DELETE FROM "{name}"')
                    if scols:
                        cur.execute(f'INSERT INTO "{name}" ({names}) SELECT {names} FROM {alias}.main."{name}"')
                for name in tables:
                    rows[name] = cur.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                ch.log(who, "restore", what, sum(n for k, n in rows.items() if k not in SECURITY_TABLES))
            rows["audit"] = cur.execute("SELECT count(*) FROM audit").fetchone()[0]
            for seq in SEQUENCES:        # only forward: ids the live store handed out are never handed out again
                used = _sequence_value(cur, alias, seq, False)
                if used:
                    pg_query(cur, f"SELECT setval('{seq}', greatest({int(used)}, "
                                  f"(SELECT last_value FROM {seq})))")
        finally:
            cur.execute(f"DETACH {alias}")
    except duckdb.Error as exc:
        raise StoreError(t("auth.restore.failed", lang, msg=str(exc).splitlines()[0])) from exc
    finally:
        cur.close()
    return rows


# -- left-overs --------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(name: str, prefix: str) -> int | None:
    m = re.match(re.escape(prefix) + r"(\d+)-", name)
    return int(m.group(1)) if m else None


def clean_leftovers(db: str | Path) -> list[Path]:
    """Remove ``bw-restore-*`` folders and ``.part`` files that a dead process left beside the store
    or in its backups folder (only our own, never through a symlink). Returns what was removed."""
    db = Path(db).resolve()
    removed: list[Path] = []
    me = os.geteuid()
    for folder in (db.parent, db.parent / "backups"):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            path = folder / name
            if name.startswith(RESTORE_PREFIX):
                pid = _owner_pid(name, RESTORE_PREFIX)
            elif name.startswith(".") and (name.endswith(PART_SUFFIX) or name.endswith(PART_SUFFIX + ".wal")):
                m = re.search(r"\.(\d+)-[0-9a-f]{8}\.part(\.wal)?$", name)
                pid = int(m.group(1)) if m else None
            else:
                continue
            if pid is None or _pid_alive(pid):
                continue
            try:
                st = os.lstat(path)
                if st.st_uid != me:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
            except OSError:
                continue
    if removed:
        log.info("removed %d left-over file(s) of interrupted backups/restores: %s", len(removed),
                 ", ".join(p.name for p in removed))
    return removed


# -- CLI → running app: the relay ---------------------------------------------------------

def _mode(st) -> str:
    return f"{stat.S_IMODE(st.st_mode):04o}"


def _open_spool(spool: Path, lang: str | None = None) -> int:
    """A file descriptor on the spool folder, after checking it is ours, private and no symlink."""
    try:
        fd = os.open(spool, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise StoreError(t("sec.relay.spool_unsafe", lang, dir=spool, uid="?", mode=f"({exc.strerror})")) from exc
    st = os.fstat(fd)
    if st.st_uid != os.geteuid() or st.st_mode & 0o077:
        os.close(fd)
        raise StoreError(t("sec.relay.spool_unsafe", lang, dir=spool, uid=st.st_uid, mode=_mode(st)))
    return fd


def _write_private(dir_fd: int, name: str, text: str) -> None:
    """Write ``name`` in the folder ``dir_fd`` as a new 0600 file, atomically (tmp + rename)."""
    tmp = f".{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dir_fd)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def _read_own(dir_fd: int, name: str) -> tuple[bytes, os.stat_result]:
    """Read ``name`` in ``dir_fd`` without following a symlink; returns its bytes and ``fstat``."""
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    try:
        st = os.fstat(fd)
        data = os.read(fd, 65536) if stat.S_ISREG(st.st_mode) else b""
    finally:
        os.close(fd)
    return data, st


def request(db: Path, op: str, name: str, *, as_user: str, overwrite: bool = False,
            timeout: float = 600.0, pickup: float = 10.0, lang: str | None = None) -> dict:
    """Ask the app that holds ``db`` to run ``op`` (``backup``/``restore``) on ``backups/<name>``; wait for its answer.

    Raises :class:`StoreError` when the spool folder is not private to this user, or when no app
    picks the request up within ``pickup`` seconds.
    """
    backup_name(name, db, lang)                       # refuse a path here already, with the same message
    spool = spool_dir(db)
    try:
        os.mkdir(spool, 0o700)
    except FileExistsError:
        pass
    dir_fd = _open_spool(spool, lang)
    try:
        rid = uuid.uuid4().hex
        body = {"op": op, "name": name, "as_user": as_user, "overwrite": bool(overwrite), "lang": lang,
                "at": time.time()}
        req, ans = f"{rid}{REQUEST_SUFFIX}", f"{rid}{ANSWER_SUFFIX}"
        _write_private(dir_fd, req, json.dumps(body))
        start = time.monotonic()
        while True:
            try:
                data, st = _read_own(dir_fd, ans)
            except FileNotFoundError:
                data = None
            if data is not None:
                os.unlink(ans, dir_fd=dir_fd)
                if st.st_uid != os.geteuid() or not stat.S_ISREG(st.st_mode):
                    raise StoreError(t("sec.relay.spool_unsafe", lang, dir=spool, uid=st.st_uid, mode=_mode(st)))
                return json.loads(data.decode("utf-8"))
            waited = time.monotonic() - start
            if waited > pickup and _exists(dir_fd, req):
                _unlink(dir_fd, req)
                raise StoreError(t("auth.backup.busy", lang, db=db))
            if waited > timeout:
                raise StoreError(t("auth.backup.timeout", lang, db=db))
            time.sleep(0.2)
    finally:
        os.close(dir_fd)


def _exists(dir_fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        return True
    except FileNotFoundError:
        return False


def _unlink(dir_fd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass


_AGENTS: dict[str, threading.Thread] = {}
_AGENTS_LOCK = threading.Lock()


def start_agent(con: duckdb.DuckDBPyConnection, *, on_change=None, interval: float = 0.5) -> bool:
    """Serve CLI requests for the store behind ``con`` from a daemon thread (once per process and store),
    on a cursor of its own.

    Requests already waiting when the agent starts are dropped, never run. ``on_change`` is
    called after a successful restore (the app clears its caches there). Returns True when a
    new agent was started.
    """
    db = store_path(con)
    if db is None:
        return False
    with _AGENTS_LOCK:
        if str(db) in _AGENTS and _AGENTS[str(db)].is_alive():
            return False
        clean_leftovers(db)
        drop_waiting(db)
        thread = threading.Thread(target=_agent_loop, args=(con.cursor(), db, on_change, interval),
                                  name=f"borderwatch-agent-{db.name}", daemon=True)
        _AGENTS[str(db)] = thread
        thread.start()
    return True


def drop_waiting(db: Path) -> int:
    """Drop (and log) every request waiting in the spool: a request is never run at start-up."""
    spool = spool_dir(db)
    if not spool.is_dir() or spool.is_symlink():
        return 0
    try:
        dir_fd = _open_spool(spool)
    except StoreError as exc:
        log.warning("relay: %s", exc)
        return 0
    n = 0
    try:
        for name in os.listdir(dir_fd):
            if name.endswith(REQUEST_SUFFIX) or name.endswith(".tmp"):
                _unlink(dir_fd, name)
                log.warning("relay: dropped request %s waiting at start-up (never run)", name)
                n += 1
    finally:
        os.close(dir_fd)
    return n


def _agent_loop(con: duckdb.DuckDBPyConnection, db: Path, on_change, interval: float) -> None:
    warned: set[str] = set()
    while True:
        try:
            serve_spool(con, db, on_change=on_change, warned=warned)
        except Exception:  # noqa: BLE001 -- the agent must survive anything one request does
            log.exception("backup agent")
        time.sleep(interval)


def serve_spool(con: duckdb.DuckDBPyConnection, db: Path, *, on_change=None, warned: set | None = None) -> list[dict]:
    """Run the valid requests waiting in ``<store>.requests/``; returns their answers (the agent's one step)."""
    spool = spool_dir(db)
    if not os.path.lexists(spool):
        return []
    try:
        dir_fd = _open_spool(spool)
    except StoreError as exc:
        if warned is None or str(exc) not in warned:
            log.warning("relay: not serving: %s", exc)
            if warned is not None:
                warned.add(str(exc))
        return []
    answers = []
    try:
        for name in sorted(os.listdir(dir_fd)):
            if name.endswith(REQUEST_SUFFIX):
                answers.append(_handle(con, db, dir_fd, name, on_change))
    finally:
        os.close(dir_fd)
    return [a for a in answers if a]


def _handle(con: duckdb.DuckDBPyConnection, db: Path, dir_fd: int, name: str, on_change) -> dict:
    """Check and run one request file; write its answer. Refused requests are dropped and logged."""
    rid = name[: -len(REQUEST_SUFFIX)]
    try:
        data, st = _read_own(dir_fd, name)
    except OSError as exc:
        log.warning("relay: dropped request %s: cannot open it (%s)", name, exc.strerror)
        _unlink(dir_fd, name)
        return {}
    _unlink(dir_fd, name)
    body, why = _request_body(data, st)
    if why is not None:
        log.warning("relay: dropped request %s: %s", name, why)
        return {}
    lang = body.get("lang") if body.get("lang") in ("vi", "en") else None
    answer: dict
    try:
        answer = _run_request(con, db, body, audit.Origin.of_uid(st.st_uid), lang, on_change)
    except BorderwatchError as exc:
        answer = {"ok": False, "error": str(exc), "exit_code": exc.exit_code}
    except Exception as exc:  # noqa: BLE001 -- logged with its traceback; the client gets a line, not a hang
        log.exception("backup request")
        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "exit_code": 1}
    _write_private(dir_fd, f"{rid}{ANSWER_SUFFIX}", json.dumps(answer, ensure_ascii=False))
    return answer


def _request_body(data: bytes, st: os.stat_result) -> tuple[dict, str | None]:
    """The request's JSON body, or why it is dropped: not the owner's private single-link file, not a JSON
    object, or not fresh (its ``at`` more than :data:`MAX_AGE` seconds old)."""
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        return {}, "not a regular file with one link"
    if st.st_uid != os.geteuid():
        return {}, f"owned by uid {st.st_uid}, not by the store's owner (uid {os.geteuid()})"
    if st.st_mode & 0o077:
        return {}, f"mode {_mode(st)} (must be 0600)"
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}, "not JSON"
    if not isinstance(body, dict):
        return {}, "not a JSON object"
    at = body.get("at")
    age = time.time() - at if isinstance(at, (int, float)) and not isinstance(at, bool) else None
    if age is None:
        return body, "no time 'at'"
    if age > MAX_AGE or age < -5:
        return body, f"expired ({age:.0f} s old; requests are valid {MAX_AGE:.0f} s)"
    return body, None


def _run_request(con: duckdb.DuckDBPyConnection, db: Path, body: dict, requester: audit.Origin,
                 lang: str | None, on_change) -> dict:
    """Run a checked request as the account it names, once that account may back up and restore."""
    from core import roles
    from data import users

    with audit.origin(requester):
        claimed = str(body.get("as_user") or "")[:64]
        if users.has_accounts(con):
            user = users.get_user(con, claimed)
            if user is None:
                _deny(con, claimed, body)
                raise AccessDenied(t("auth.cli.no_account", lang, name=claimed[:40]))
        else:
            user = roles.User(claimed or requester.user, "admin", local=True)
        try:
            roles.require(user, roles.BACKUP, lang)
        except AccessDenied:
            _deny(con, user.name, body)
            raise
        op = body.get("op")
        if op not in ("backup", "restore"):
            raise InputError(t("sec.relay.unknown_op", lang, op=str(op)[:40]))
        target = backup_name(body.get("name"), db, lang)
        if op == "backup":
            backups_dir(db)
            return {"ok": True, **backup(con, target, who=user.name, overwrite=bool(body.get("overwrite")),
                                         lang=lang)}
        answer = {"ok": True, **restore(con, target, who=user.name, lang=lang)}
        if on_change:
            on_change()
        return answer


def _deny(con: duckdb.DuckDBPyConnection, who: str, body: dict) -> None:
    try:
        audit.log(con, who or "?", "access_denied", f"relay {str(body.get('op'))[:20]}: backup")
    except StoreError:
        pass
