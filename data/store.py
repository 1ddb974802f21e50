"""Open the DuckDB store, load the spatial extension offline, migrate, read and write layers.

Geometry crosses this boundary as WKB in EPSG:4326 (lon, lat). Queries use ``?``
parameters. The spatial extension is loaded from the pinned wheel's file and never
``INSTALL``-ed, so the store works with no network.

**Server mode** (issue 15): ``db = "postgresql://USER@HOST:PORT/DBNAME"`` (``--db`` or
``BORDERWATCH_DB``) makes :func:`connect` return an in-memory DuckDB that ``ATTACH``-es that
PostgreSQL + PostGIS database through the ``postgres_scanner`` extension (also loaded from its
pinned wheel) and ``USE``-s it, so the same SQL runs in both modes. The PostgreSQL side holds
``geometry(Geometry,4326)`` columns with GiST indexes and H3 cells as ``bigint`` (read them
with ``CAST(h3_9 AS UBIGINT)``); its schema comes from the same :data:`data.schema.MIGRATIONS`,
translated by :func:`data.schema.pg_statements`. The password never appears in the URL: libpq
takes it from ``PGPASSWORD`` or ``~/.pgpass``. Write transactions that must see each other
(audit appends, imports) call :func:`serialise` right after ``BEGIN``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import re
import threading
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from core.errors import ExtensionError, StoreError
from core.i18n import t
from data.fsmodes import make_private, private_umask
from data.schema import LAYERS, MIGRATIONS, pg_statements

CRS = "EPSG:4326"
DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "borderwatch.duckdb"
_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
#: Set on every connection (cursors inherit it): DuckDB draws a progress bar on stdout for a query
#: that runs over 2 s, which would land inside a CLI command's output (a CSV or JSON on stdout).
_QUIET = "SET enable_progress_bar = false"


PG_ALIAS = "bw"                     # the attached PostgreSQL database's name inside DuckDB
SERVER_SCHEMES = ("postgresql://", "postgres://")
#: Seconds a PostgreSQL session may sit idle inside a transaction before the server ends it
#: (a DuckDB result not read to the end keeps its scan transaction open, holding locks).
IDLE_IN_TRANSACTION_S = 60
#: Seconds a migration waits for a lock before giving up (instead of queueing every reader behind it).
MIGRATION_LOCK_TIMEOUT_S = 30
#: URL query parameters passed on to libpq (TLS and time-outs); anything else is refused.
_PG_PARAMS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "connect_timeout", "application_name",
              "target_session_attrs", "sslcompression", "gssencmode"}
#: pg_advisory_xact_lock keys (first int: "bw"); one per serialised kind of write.
_LOCK_CLASS = 0x6277
_LOCKS = {"migrate": 1, "audit": 2}


def is_server(db) -> bool:
    """True when ``db`` names a PostgreSQL database (``postgresql://…``) rather than a store file."""
    return isinstance(db, str) and db.strip().lower().startswith(SERVER_SCHEMES)


def default_db() -> str | Path:
    """``BORDERWATCH_DB`` when set (a file or a ``postgresql://`` URL), else ``data/borderwatch.duckdb``."""
    env = os.environ.get("BORDERWATCH_DB")
    if env and is_server(env):
        return env.strip()
    return Path(env) if env else DEFAULT_DB


def default_db_path() -> Path:
    """``BORDERWATCH_DB`` when set, else ``data/borderwatch.duckdb`` beside this file (embedded mode only)."""
    db = default_db()
    if is_server(db):
        raise StoreError(t("srv.env_not_file", None, db=redact(str(db))))
    return Path(db)


def db_location(db=None) -> str:
    """A stable text naming the store: the absolute file path, or the server URL (cache keys, ``serve``)."""
    db = default_db() if db is None else db
    return str(db).strip() if is_server(str(db)) else str(Path(db).resolve())


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages; a URL we accept never has one)."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", str(url))


def server_dsn(url: str) -> str:
    """The libpq ``key=value`` string for ``postgresql://USER@HOST:PORT/DBNAME[?sslmode=…]``.

    Refuses a password in the URL (it would show in ``ps``, shell history and logs): libpq
    takes it from ``PGPASSWORD`` or ``~/.pgpass``. Adds ``application_name=borderwatch`` and
    the server-side ``idle_in_transaction_session_timeout``.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("postgresql", "postgres"):
        raise StoreError(t("srv.url.not_pg", None, url=redact(url)))
    if parts.password is not None:
        raise StoreError(t("srv.url.password"))
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise StoreError(t("srv.url.no_db", None, url=redact(url)))
    kv = {"dbname": dbname}
    if parts.hostname:
        kv["host"] = parts.hostname
    try:
        port = parts.port
    except ValueError as exc:
        raise StoreError(t("srv.url.bad_port", None, url=redact(url))) from exc
    if port:
        kv["port"] = str(port)
    if parts.username:
        kv["user"] = unquote(parts.username)
    kv["application_name"] = "borderwatch"
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "host" and not parts.hostname:      # a socket folder: ?host=/run/postgresql
            kv["host"] = value
            continue
        if key not in _PG_PARAMS:
            raise StoreError(t("srv.url.bad_param", None, param=repr(key), allowed=", ".join(sorted(_PG_PARAMS))))
        kv[key] = value
    kv["options"] = f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_S * 1000}"
    return " ".join(f"{k}={_dsn_value(v)}" for k, v in kv.items())


def _dsn_value(value: str) -> str:
    if any(c in value for c in "\x00\n\r"):
        raise StoreError(t("srv.url.bad_char"))
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _wheel_extension(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(t("srv.ext.missing_pkg", None, pkg=package.replace("_", "-")))
    root = Path(list(spec.submodule_search_locations)[0]) / "extensions"
    version = duckdb.__version__
    path = root / f"v{version}" / f"{name}.duckdb_extension"
    if not path.exists():
        found = sorted(root.glob(f"v*/{name}.duckdb_extension"))
        raise ExtensionError(t("srv.ext.missing", None, name=name, version=version, found=[str(p) for p in found]))
    return path


def spatial_extension_path() -> Path:
    """The spatial extension file inside the pinned ``duckdb-extension-spatial`` wheel."""
    return _wheel_extension("duckdb_extension_spatial", "spatial")


def postgres_extension_path() -> Path:
    """The postgres_scanner extension file inside the pinned ``duckdb-extension-postgres-scanner`` wheel."""
    return _wheel_extension("duckdb_extension_postgres_scanner", "postgres_scanner")


#: Extension files whose signature DuckDB checked in this process: path → (device, inode, size, mtime, ctime).
#: Checking the 80 MB spatial file costs ≈ 0.19 s of CPU on every connection; once one connection of
#: this process has loaded it signed, the library is mapped here and ``dlopen`` of the same path
#: hands back that mapping, so a later connection re-checking the file protects nothing. Such a
#: connection is opened with ``allow_unsigned_extensions`` and LOADs only these same unchanged paths
#: (a changed file or another path is checked again on a fresh, strict connection).
_VERIFIED: dict[str, tuple[int, ...]] = {}


def _file_key(path: Path) -> tuple[int, ...] | None:
    """What tells a changed file: ``st_ctime`` moves on every write, and no user call can set it back."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _verified(paths: Sequence[Path]) -> bool:
    """Were all ``paths`` LOADed signed in this process, and are they unchanged since?"""
    return all((key := _file_key(p)) is not None and _VERIFIED.get(p.as_posix()) == key for p in paths)


def _load(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """LOAD ``path``; record it in :data:`_VERIFIED` only when this LOAD had DuckDB check its signature.

    A connection to a database already open in this process (DuckDB shares the instance) has the
    extension loaded: its LOAD does nothing and checks nothing, so it proves nothing about the file."""
    strict = con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone() in {(False,), ("false",)}
    if not strict and not _verified([path]):
        raise ExtensionError(t("srv.ext.unverified", None, path=path.as_posix()))
    name = path.name.removesuffix(".duckdb_extension")
    loaded = scalar(con, "SELECT coalesce(bool_or(loaded), false) FROM duckdb_extensions() WHERE extension_name = ?",
                    [name])
    key = _file_key(path)
    try:
        con.execute(f"LOAD '{path.as_posix()}'")
    except duckdb.Error as exc:                     # e.g. a damaged file: its signature does not verify
        msg = str(exc).splitlines()[0]
        raise ExtensionError(t("srv.ext.load_failed", None, path=path.as_posix(), msg=msg)) from exc
    if strict and not loaded and key is not None and key == _file_key(path):
        _VERIFIED[path.as_posix()] = key


def _connect_db(target: str, read_only: bool, extensions: Sequence[Path]) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` with our settings; skips the repeated signature check when :data:`_VERIFIED` allows.

    DuckDB shares one database instance between connections to the same file in a process and
    refuses a second configuration for it; that connection then takes the instance's settings
    (the extensions are already loaded there, so its LOAD is a no-op).
    """
    config: dict[str, str | bool | int | float | list[str]] = dict(_CONFIG)
    if _verified(extensions):
        config["allow_unsigned_extensions"] = "true"
    try:
        return duckdb.connect(target, read_only=read_only, config=config)
    except duckdb.ConnectionException as exc:
        if "allow_unsigned_extensions" not in config or "different configuration" not in str(exc):
            raise
        return duckdb.connect(target, read_only=read_only, config=dict(_CONFIG))


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the spatial extension from the wheel (no INSTALL, no network)."""
    _load(con, spatial_extension_path())


def load_postgres(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the postgres_scanner extension from the wheel (no INSTALL, no network)."""
    _load(con, postgres_extension_path())


def connect(path: str | Path | None = None, *, read_only: bool = False,
            migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` with spatial loaded and schema migrated.

    ``path=":memory:"`` gives an in-memory store (tests); ``path="postgresql://…"`` server mode
    (see the module docstring): no file, no lock, no leftovers to clean.

    A file store and its WAL are kept 0600 whatever the umask: the process umask gains
    ``0o077`` (``data.fsmodes.private_umask``) before DuckDB creates either, and an existing
    store of ours with wider modes is tightened. Opening a store read-write also removes what
    an interrupted backup or restore left beside it (``data.backup.clean_leftovers``).
    """
    if path is None:
        path = default_db()
    if is_server(str(path)):
        return connect_server(str(path), read_only=read_only, migrate=migrate)
    target = ":memory:" if str(path) == ":memory:" else str(Path(path))
    if target != ":memory:" and read_only and not Path(target).exists():
        raise StoreError(t("srv.store.missing", None, db=target))
    if target != ":memory:":
        private_umask()
    try:
        con = _connect_db(target, read_only, [spatial_extension_path()])
    except (duckdb.IOException, duckdb.ConnectionException) as exc:
        raise StoreError(t("srv.store.cannot_open", None, db=target, msg=exc)) from exc
    con.execute(_QUIET)
    if target != ":memory:" and not read_only:
        for f in (Path(target), Path(target + ".wal")):
            make_private(f)
        from data.backup import clean_leftovers

        clean_leftovers(target)     # bw-restore-* folders and .part files of interrupted runs
    try:
        load_spatial(con)
    except StoreError:
        con.close()
        raise
    if migrate and not read_only:
        migrate_store(con)
        refresh_corridor_facts(con)
    return con


def refresh_corridor_facts(con) -> int:
    """On a read-write open: fill the corridor facts (migration 10) of rows written before them, or
    recompute them all when the border, crossings or trails changed since (``data.corridor_facts``).
    One transaction; in server mode under a lock, re-checked once it is held. Returns rows recomputed."""
    from data import corridor_facts

    if not corridor_facts.stale(con):
        return 0
    with transaction(con, "corridor_facts"):
        return corridor_facts.ensure_current(con)


def connect_server(url: str, *, read_only: bool = False, migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the PostgreSQL database at ``url`` attached as ``bw`` and in use."""
    dsn = server_dsn(url)
    con = _connect_db(":memory:", False, [spatial_extension_path(), postgres_extension_path()])
    con.execute(_QUIET)
    try:
        load_spatial(con)
        load_postgres(con)
        # scan connections too: a result left unread cannot hold locks for long
        con.execute(f"SET pg_idle_in_transaction_timeout_millis = {IDLE_IN_TRANSACTION_S * 1000}")
        opts = ", READ_ONLY" if read_only else ""
        con.execute(f"ATTACH '{_sql_text(dsn)}' AS {PG_ALIAS} (TYPE postgres{opts})")
        con.execute(f"USE {PG_ALIAS}")
    except StoreError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(t("srv.store.cannot_open_pg", None, url=redact(url), msg=detail)) from exc
    # the wrapper has the connection's methods (and cursors on the store): callers take it for one
    server = cast(duckdb.DuckDBPyConnection, ServerConnection(con))
    if migrate and not read_only:
        migrate_store(server)
        refresh_corridor_facts(server)
    return server


class ServerConnection:
    """A DuckDB connection on the attached PostgreSQL store whose cursors are on it too.

    ``USE`` is per DuckDB connection and ``cursor()`` opens a new one (on ``memory``); this
    wrapper ``USE``-s the store in every cursor, so code that takes a cursor per thread (the app)
    or per transaction (``data.audit``) runs unchanged. Everything else is the DuckDB
    connection's own (``execute`` returns the wrapper, so ``con.execute(…).df()`` still works).
    """

    __slots__ = ("_con",)

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def cursor(self) -> "ServerConnection":
        cur = self._con.cursor()
        cur.execute(f"USE {PG_ALIAS}")
        return ServerConnection(cur)

    def execute(self, *args, **kwargs) -> "ServerConnection":
        self._con.execute(*args, **kwargs)
        return self

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __enter__(self) -> "ServerConnection":
        return self

    def __exit__(self, *exc) -> None:
        self._con.close()


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def is_server_con(con: duckdb.DuckDBPyConnection) -> bool:
    """True when ``con`` (a connection or cursor) works on an attached PostgreSQL database."""
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row is not None and row[0] == "postgres"


def pg_execute(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run ``sql`` in PostgreSQL itself (inside the caller's transaction, if one is open)."""
    con.execute(f"CALL postgres_execute('{PG_ALIAS}', '{_sql_text(sql)}')")


def pg_query(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """Rows of ``sql`` run in PostgreSQL itself (read to the end)."""
    return con.execute(f"SELECT * FROM postgres_query('{PG_ALIAS}', '{_sql_text(sql)}')").fetchall()


#: One write at a time on the process's one connection: the dashboard's sessions are threads, and DuckDB
#: would refuse two writes racing on cursors of it (accounts, login counting, web sessions).
WRITE_LOCK = threading.Lock()


def locked_write(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict, *, fetch: bool = False):
    """One write on its own cursor under :data:`WRITE_LOCK` (``fetch``: its ``RETURNING`` row)."""
    with WRITE_LOCK:
        cur = con.cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchone() if fetch else None
        finally:
            cur.close()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection, lock: str | None = None) -> Iterator[None]:
    """``with transaction(con, "key"):`` one transaction: ``BEGIN``, then (server mode) the advisory lock
    ``lock`` through :func:`serialise`; ``COMMIT`` when the block ends, ``ROLLBACK`` on any exception, which is
    raised again (a failing ``ROLLBACK`` — DuckDB may have rolled back already — does not hide it)."""
    con.execute("BEGIN TRANSACTION")
    try:
        if lock is not None:
            serialise(con, lock)
        yield
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise


def serialise(con: duckdb.DuckDBPyConnection, what: str) -> None:
    """Inside a just-begun write transaction: make it see every committed change and take the
    ``what`` lock (audit appends, imports into one layer) until it ends. Embedded mode: nothing
    to do (one writing process, and callers already hold the process's lock).

    The scanner opens PostgreSQL transactions as REPEATABLE READ, whose snapshot would be taken
    before the lock is granted; this one switches to READ COMMITTED first, so every statement
    after the lock sees what the previous holder committed.
    """
    if not is_server_con(con):
        return
    pg_execute(con, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; "
                    f"SELECT pg_advisory_xact_lock({_LOCK_CLASS}, {_lock_key(what)})")


def _lock_key(what: str) -> int:
    key = _LOCKS.get(what)
    if key is None:
        key = 0x10000 + (zlib.crc32(what.encode("utf-8")) & 0x7FFFFFFF) % 0x7FFF0000
    return int(key)


def lock(con, what: str) -> None:
    """Inside a write transaction that already called :func:`serialise`: also take the ``what`` lock
    (a restore holds the import locks too). Embedded mode: nothing to do."""
    if is_server_con(con):
        pg_execute(con, f"SELECT pg_advisory_xact_lock({_LOCK_CLASS}, {_lock_key(what)})")


def next_id(con: duckdb.DuckDBPyConnection, sequence: str) -> int:
    """``nextval(sequence)`` in both modes (the scanner cannot call PostgreSQL sequences)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", sequence):
        raise ValueError(f"bad sequence name {sequence!r}")
    if is_server_con(con):
        return int(pg_query(con, f"SELECT nextval('{sequence}')")[0][0])
    return int(scalar(con, f"SELECT nextval('{sequence}')"))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has_meta = scalar(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' "
        "AND table_catalog = current_database() AND table_schema = current_schema()")
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate_store(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations, each in its own transaction. Returns the new version."""
    if is_server_con(con):
        return _migrate_server(con)
    current = schema_version(con)
    for version, step in MIGRATIONS:
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if callable(step):
                result = step()
                stmts = result if isinstance(result, list) else []
            else:
                stmts = list(step)
            for sql in stmts:
                con.execute(sql)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current = version
    return current


def _migrate_server(con: duckdb.DuckDBPyConnection) -> int:
    """The same migrations in PostgreSQL: each in one transaction under the ``migrate`` lock,
    the version re-read under the lock (several processes may start at once), DDL translated by
    :func:`data.schema.pg_statements`, a ``lock_timeout`` so a migration never queues forever."""
    from data.schema import SCHEMA_VERSION

    current = schema_version(con)
    if current >= SCHEMA_VERSION:
        return current
    for version, step in MIGRATIONS:
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            serialise(con, "migrate")
            pg_execute(con, f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT_S}s'")
            has_meta = pg_query(con, "SELECT to_regclass('meta') IS NOT NULL")[0][0]
            done = int(pg_query(con, "SELECT coalesce(max(value), '0') FROM meta WHERE key = 'schema_version'")[0][0]) \
                if has_meta else 0
            if done < version:
                result = step() if callable(step) else step
                for sql in pg_statements(list(result) if isinstance(result, list) else []):
                    pg_execute(con, sql)
                pg_execute(con, "INSERT INTO meta VALUES ('schema_version', '%d') "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value" % version)
            con.execute("COMMIT")
        except Exception as exc:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise StoreError(t("srv.migration_failed", None, version=version,
                               msg=str(exc).splitlines()[0])) from exc
        con.execute("CALL pg_clear_cache()")      # DuckDB's copy of the catalog is stale after DDL
        current = version
    return current


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | Mapping = ()) -> tuple:
    """The row of a query that always returns exactly one (``count(*)``, ``max(…)``, ``nextval``…).

    ``params``: ``?`` values in order, or a mapping for ``$name`` parameters.
    """
    row = (con.execute(sql, params) if params else con.execute(sql)).fetchone()
    if row is None:         # not for lookups that may find nothing: those test fetchone() themselves
        raise StoreError(f"no row from a one-row query: {' '.join(sql.split())[:80]}")
    return row


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | Mapping = ()) -> Any:
    """The single value of a one-row, one-column query (:func:`one_row`)."""
    return one_row(con, sql, params)[0]


# -- meta ---------------------------------------------------------------------------------

def get_meta(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(value)])


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store holds illustrative (demo) rows."""
    return get_meta(con, "demo") == "true" or bool(
        scalar(con, "SELECT count(*) FROM ((SELECT 1 FROM incidents WHERE illustrative LIMIT 1) "
                    "UNION ALL (SELECT 1 FROM villages WHERE illustrative LIMIT 1))"))


def store_revision(con: duckdb.DuckDBPyConnection) -> tuple:
    """A cheap token that changes whenever an import or a demo rebuild changes the store.

    Cached results are keyed on it, so an import shows up without restarting the server.
    """
    return one_row(con, """
        SELECT (SELECT coalesce(max(id), 0) FROM import_log), (SELECT count(*) FROM incidents),
               (SELECT count(*) FROM villages), (SELECT count(*) FROM village_status),
               (SELECT coalesce(max(value), '') FROM meta WHERE key = 'built_at')""")


# -- reading ------------------------------------------------------------------------------

def read_layer(con: duckdb.DuckDBPyConnection, layer: str, *, where: str = "", params: list | tuple = (),
               columns: list[str] | None = None) -> gpd.GeoDataFrame:
    """Read a spatial layer as a GeoDataFrame in EPSG:4326.

    ``where`` is a SQL condition with ``?`` placeholders filled from ``params``.
    """
    spec = LAYERS[layer]
    if columns:
        select = ", ".join(f'"{c}"' for c in columns)
    else:       # every other column, in table order, without a catalog query (a round trip in server mode)
        select = "* EXCLUDE (" + ", ".join(f'"{g}"' for g in ("geom", *spec.extra_geoms)) + ")"
    extra = "".join(f", ST_AsWKB({g}) AS {g}__wkb" for g in spec.extra_geoms)
    sql = f"SELECT {select}, ST_AsWKB(geom) AS geom__wkb{extra} FROM {layer}"
    if where:
        sql += f" WHERE {where}"
    df = con.execute(sql, list(params)).df()
    geoms = shapely.from_wkb(df.pop("geom__wkb").map(_as_bytes).to_numpy()) if len(df) else []
    for g in spec.extra_geoms:
        raw = df.pop(f"{g}__wkb")
        df[g] = gpd.GeoSeries(shapely.from_wkb(raw.map(_as_bytes).to_numpy()), crs=CRS) if len(df) else []
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=CRS, index=df.index), crs=CRS)


def _as_bytes(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else bytes(v)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                       "ORDER BY ordinal_position", [table]).fetchall()
    return [r[0] for r in rows]


def layer_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {name: scalar(con, f"SELECT count(*) FROM {name}") for name in LAYERS}


def incident_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None]:
    first, last = one_row(con, "SELECT min(occurred_at), max(occurred_at) FROM incidents")
    return (first.date() if first else None, last.date() if last else None)


def current_village_status(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest status row of every village (by decided_on), with its decision."""
    return con.execute("""
        SELECT * EXCLUDE (rn) FROM (
          SELECT s.*, row_number() OVER (PARTITION BY village_id ORDER BY decided_on DESC) AS rn
          FROM village_status s) WHERE rn = 1""").df()


# -- writing ------------------------------------------------------------------------------

def insert_layer(con: duckdb.DuckDBPyConnection, layer: str, gdf: gpd.GeoDataFrame, *, illustrative: bool = False,
                 import_id: int | None = None) -> int:
    """Insert canonical rows. The caller owns the transaction. Returns rows written.

    ``gdf`` carries the layer's fields (missing optional ones are NULL) and, for spatial
    layers, a geometry in EPSG:4326. Incidents get lon, lat, h3_9 and nearest village
    filled here.
    """
    spec = LAYERS[layer]
    if len(gdf) == 0:
        return 0
    df = pd.DataFrame({f.name: (gdf[f.name] if f.name in gdf.columns else None) for f in spec.fields})
    df.index = range(len(df))
    selects = [f'CAST(src."{f.name}" AS {f.sql})' for f in spec.fields]
    names = spec.field_names[:]
    if spec.geom_types:
        if gdf.crs is None or gdf.crs.to_epsg() != 4326:
            raise StoreError(t("srv.layer_crs", None, layer=layer, crs=gdf.crs))
        geo = gdf.geometry.reset_index(drop=True)
        if layer == "incidents":
            df["lon"] = geo.x.to_numpy()
            df["lat"] = geo.y.to_numpy()
            from data import corridor_facts
            from data.enrich import enrich_incidents
            places = corridor_facts.load_places(con)
            followed = not corridor_facts.stale(con, places)     # the rows already stored follow these places
            df = enrich_incidents(con, df)
            facts = corridor_facts.compute(df[["lon", "lat"]], places)
            for c in corridor_facts.FACT_COLUMNS:
                df[c] = facts[c].to_numpy()
            names += ["lon", "lat", "h3_9", "village_id", "commune", *corridor_facts.FACT_COLUMNS]
            selects += ["src.lon", "src.lat", "CAST(src.h3_9 AS UBIGINT)", "src.village_id", "src.commune"]
            selects += [f"CAST(src.{c} AS {'VARCHAR' if c.endswith('_id') else 'DOUBLE'})"
                        for c in corridor_facts.FACT_COLUMNS]
            selects.append("ST_Point(src.lon, src.lat)")
        else:
            df["geom__wkb"] = shapely.to_wkb(geo.to_numpy())
            selects.append("ST_GeomFromWKB(src.geom__wkb)")
        names.append("geom")
        for g in spec.extra_geoms:
            vals = gdf[g].reset_index(drop=True) if g in gdf.columns else pd.Series([None] * len(df))
            df[f"{g}__wkb"] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else shapely.to_wkb(v)
                               for v in vals]
            names.append(g)
            selects.append(f"ST_GeomFromWKB(src.{g}__wkb)")
    df["__illustrative"] = bool(illustrative)
    df["__import_id"] = import_id
    names += ["illustrative", "import_id"]
    selects += ["src.__illustrative", "CAST(src.__import_id AS BIGINT)"]
    n = len(df)
    con.register("__bw_src", _as_arrow(df))
    del df
    try:
        cols = ", ".join(f'"{n}"' for n in names)
        con.execute(f"INSERT INTO {layer} ({cols}) SELECT {', '.join(selects)} FROM __bw_src AS src")
    finally:
        con.unregister("__bw_src")
    if layer == "incidents":
        if followed:
            set_meta(con, corridor_facts.META_KEY, places.fingerprint)
        else:                       # older rows were computed against other places: all of them again
            corridor_facts.ensure_current(con, places)
    return n


def _as_arrow(df: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """``df`` as an Arrow table to register for an insert: DuckDB keeps a registered object until the transaction
    ends, and a large import writes its pieces in one transaction; an Arrow table holds no Python object per
    cell. A column Arrow cannot type (mixed Python objects) keeps the frame as it is."""
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return df


def delete_rows(con: duckdb.DuckDBPyConnection, layer: str, ids: list[str]) -> None:
    if not ids:
        return
    con.register("__bw_ids", pd.DataFrame({"id": ids}))
    try:
        con.execute(f"DELETE FROM {layer} WHERE id IN (SELECT id FROM __bw_ids)")
    finally:
        con.unregister("__bw_ids")
