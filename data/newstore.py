"""An empty store for real data: the schema, the commune merger table, no demo rows.

``meta`` says ``demo=false`` (so :func:`data.store.is_demo` is False and no illustrative
banner shows) and ``created_at``. The commune table (old → new names after the merger of
1 July 2025) is public administrative fact, loaded with ``illustrative=false``; the commune
filter needs it. The file is built under a temporary name and moved into place.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pandas as pd

from core.errors import InputError
from data.store import connect, get_meta, redact, scalar, schema_version, set_meta, transaction

COMMUNES_CSV = Path(__file__).resolve().parent / "demo_files" / "communes.csv"


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    """The commune table and the meta rows of a new store, in the caller's transaction."""
    communes = pd.read_csv(COMMUNES_CSV, dtype=str)
    con.register("__c", communes)
    try:
        con.execute("INSERT INTO communes SELECT old_name, old_district, new_name, CAST(valid_from AS DATE), false "
                    "FROM __c")
    finally:
        con.unregister("__c")
    set_meta(con, "demo", "false")
    set_meta(con, "created_at", dt.datetime.now().astimezone().isoformat(timespec="seconds"))


def create_server_store(url: str, lang: str | None = None) -> int:
    """Server mode: create the schema in the (existing) PostgreSQL database at ``url`` and fill it as
    :func:`create_store` does. Refuses a database that already holds a store."""
    con = connect(url)                 # applies the migrations (under their advisory lock)
    try:
        with transaction(con, "init"):
            if get_meta(con, "created_at") or get_meta(con, "demo") or \
                    scalar(con, "SELECT count(*) FROM communes"):
                raise InputError(f"{redact(url)} already holds a borderwatch store; nothing was changed")
            _fill(con)
        return schema_version(con)
    finally:
        con.close()


def create_store(path: str | Path) -> int:
    """Create an empty store at ``path`` (which must not exist). Returns its schema version."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    tmp = path.with_name(path.name + ".creating")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    con = connect(tmp)
    try:
        con.execute("BEGIN TRANSACTION")
        _fill(con)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        version = schema_version(con)
    finally:
        con.close()
    if path.exists():   # created meanwhile by someone else: leave theirs alone
        tmp.unlink(missing_ok=True)
        raise FileExistsError(path)
    os.replace(tmp, path)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return version
