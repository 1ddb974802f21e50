"""Move a store between embedded (a DuckDB file) and server mode (PostgreSQL + PostGIS), both ways.

``borderwatch migrate --from data/borderwatch.duckdb --to postgresql://bw@db:5432/borderwatch``
(and back). Every table of the schema is copied as it is: layers, status history, imports and
their rejects, briefings, patrols, basemap and context registrations, accounts (argon2 hashes),
login counters, ``meta`` and the audit log, whose entries keep their ids, times and hashes, so
``audit --verify`` walks the same chain at the destination.

* The source is migrated to the current schema first, and its audit chain must verify (a broken
  chain is not carried somewhere it would look whole).
* The destination must be empty (a new file, or a database with the schema and no rows); it is
  written in ONE transaction: a failure leaves it empty. A PostgreSQL source is read inside one
  REPEATABLE READ transaction (the scanner's), so the copy is one snapshot.
* Sequences (``import_seq``, ``briefing_seq``) continue after the highest value the source used.
* The audit anchor: a file destination gets a new ``<store>.audit-anchor`` holding every moved
  entry (its end can be checked from now on); a PostgreSQL destination has no anchor file (the
  protection there is the app role's privileges, docs/deploy.md), so ``meta.audit_anchor`` is
  not carried over.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import duckdb

from core.errors import InputError, StoreError
from core.i18n import t
from data import audit
from data.store import (
    connect,
    is_server,
    is_server_con,
    load_postgres,
    pg_query,
    scalar,
    server_dsn,
    transaction,
)

#: Tables in dependency-free copy order; every table of the current schema (a test checks it).
SEQUENCES = {"import_seq": ("import_log", "id"), "briefing_seq": ("briefing_snapshots", "id")}
SKIP_META = ("audit_anchor",)


@functools.lru_cache(maxsize=1)
def schema_tables() -> tuple[str, ...]:
    """The tables the migrations create (those of a fresh in-memory store)."""
    con = connect(":memory:")
    try:
        return tuple(r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall())
    finally:
        con.close()


def store_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The store's tables behind ``con`` (PostGIS's own tables and views left out)."""
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
                       "AND table_schema = current_schema() ORDER BY table_name").fetchall()
    return [r[0] for r in rows if r[0] in schema_tables()]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_catalog = ? AND "
                       "table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                       [catalog, schema, table]).fetchall()
    return [r[0] for r in rows]


def _attach_source(con: duckdb.DuckDBPyConnection, db, alias: str) -> str:
    """ATTACH the source read-only beside the destination; returns its schema name."""
    if is_server(str(db)):
        load_postgres(con)          # through the store's check: a relaxed connection LOADs only verified files
        dsn = server_dsn(str(db)).replace("'", "''")
        con.execute(f"ATTACH '{dsn}' AS {alias} (TYPE postgres, READ_ONLY)")
        return "public"
    path = str(Path(db).resolve()).replace("'", "''")
    con.execute(f"ATTACH '{path}' AS {alias} (READ_ONLY)")
    return "main"


def _is_empty(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables of the destination that hold rows (meta's schema_version aside)."""
    busy = []
    for table in store_tables(con):
        sql = f'SELECT count(*) FROM "{table}"' + (" WHERE key <> 'schema_version'" if table == "meta" else "")
        if scalar(con, sql):
            busy.append(table)
    return busy


def _sequence_value(con: duckdb.DuckDBPyConnection, alias: str, name: str, server: bool) -> int:
    """The last value the source's sequence handed out (0 when never used)."""
    table, col = SEQUENCES[name]
    schema = "public" if server else "main"
    used = scalar(con, f'SELECT coalesce(max("{col}"), 0) FROM {alias}.{schema}."{table}"')
    if server:
        return max(int(used), 0)
    row = con.execute("SELECT last_value FROM duckdb_sequences() WHERE database_name = ? AND sequence_name = ?",
                      [alias, name]).fetchone()
    return max(int(used), int(row[0]) if row and row[0] is not None else 0)


def migrate(source, target, *, replace: bool = False, anchor: bool = True, lang: str | None = None) -> dict:
    """Copy every table of ``source`` into the empty store ``target`` (paths or ``postgresql://`` URLs).

    ``replace`` (``demo --force`` on a server): a PostgreSQL destination's rows — data, accounts
    and audit log — are deleted in the same transaction first. ``anchor=False`` (a backup file): no
    anchor file is written for a file destination.

    Returns ``{"rows": {table: n}, "audit_entries": n}``.
    """
    src_server, dst_server = is_server(str(source)), is_server(str(target))
    _check_ends(source, target, src_server=src_server, dst_server=dst_server, lang=lang)
    _verify_source(source, lang)       # 1. the source at the current schema, and its chain whole
    # 2. the destination with the schema, empty
    con = connect(target)
    try:
        busy = _is_empty(con)
        if busy and not (replace and dst_server):
            raise InputError(t("srv.migrate.busy", lang, tables=", ".join(busy)))
        main = scalar(con, "SELECT current_database()")
        schema = scalar(con, "SELECT current_schema()")
        sschema = _attach_source(con, source, "bw_src")
        tables = store_tables(con)
        src_tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'bw_src' AND table_schema = ?",
            [sschema]).fetchall()}
        rows: dict[str, int] = {}
        with transaction(con):
            if busy:
                for table in tables:
                    keep = " WHERE key <> 'schema_version'" if table == "meta" else ""
                    con.execute(f'DELETE FROM "{table}"' + keep)
            for table in tables:
                if table in src_tables:
                    rows[table] = _copy_table(con, table, (main, schema), sschema)
            for name in SEQUENCES:
                value = _sequence_value(con, "bw_src", name, src_server)
                if value:
                    _advance(con, name, value)
        con.execute("DETACH bw_src")
        if not dst_server and anchor:
            _anchor_all(con)
        check = audit.verify(con)
        if not check.ok:
            raise StoreError(t("srv.migrate.chain_after", lang, id=check.bad_id, reason=check.reason))
        return {"rows": rows, "audit_entries": check.entries}
    except duckdb.Error as exc:
        raise StoreError(t("srv.migrate.failed", lang, msg=str(exc).splitlines()[0])) from exc
    finally:
        con.close()


def _check_ends(source, target, *, src_server: bool, dst_server: bool, lang: str | None) -> None:
    """Two different stores: a source that exists, a destination file (and anchor) that does not yet."""
    if str(source) == str(target):
        raise InputError(t("srv.migrate.same", lang))
    if not src_server and not Path(source).is_file():
        raise InputError(t("srv.store.missing", lang, db=source))
    if not dst_server and (Path(target).exists() or audit.anchor_path(target).exists()):
        raise InputError(t("srv.migrate.target_exists", lang, target=target))


def _verify_source(source, lang: str | None) -> None:
    """The source opened at the current schema; its audit chain must verify, else nothing moves."""
    scon = connect(source)
    try:
        check = audit.verify(scon)
        if not check.ok:
            raise InputError(t("srv.migrate.source_chain", lang, id=check.bad_id, reason=check.reason))
    finally:
        scon.close()


def _copy_table(con: duckdb.DuckDBPyConnection, table: str, dest: tuple[str, str], sschema: str) -> int:
    """Copy the columns both sides have from ``bw_src`` into ``table`` (catalog, schema ``dest``); its row count."""
    cols = _columns(con, dest[0], dest[1], table)
    scols = set(_columns(con, "bw_src", sschema, table))
    names = [c for c in cols if c in scols]
    quoted = ", ".join(f'"{c}"' for c in names)
    where = ""
    if table == "meta":
        where = " WHERE key <> 'schema_version' AND key NOT IN ({})".format(", ".join(f"'{k}'" for k in SKIP_META))
    con.execute(f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM bw_src.{sschema}."{table}"{where}')
    return int(scalar(con, f'SELECT count(*) FROM "{table}"'))


def _advance(con: duckdb.DuckDBPyConnection, name: str, value: int) -> None:
    """Make ``nextval(name)`` return ``value + 1`` next."""
    if is_server_con(con):
        pg_query(con, f"SELECT setval('{name}', {int(value)})")
        return
    current = con.execute("SELECT last_value FROM duckdb_sequences() WHERE database_name = current_database() "
                          "AND sequence_name = ?", [name]).fetchone()
    need = int(value) - (int(current[0]) if current and current[0] is not None else 0)
    if need > 0:
        con.execute(f"SELECT max(nextval('{name}')) FROM range(?)", [need])


def _anchor_all(con: duckdb.DuckDBPyConnection) -> None:
    """A file destination: anchor every moved entry, and mark the store as anchored."""
    db = audit._store_file(con)
    if db is None:
        return
    rows = con.execute("SELECT id, hash FROM audit ORDER BY id").fetchall()
    if not rows:
        return
    fd = audit._open_anchor(audit.anchor_path(db), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, "".join(f"{int(i)} {h}\n" for i, h in rows).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('audit_anchor', 'file')")
