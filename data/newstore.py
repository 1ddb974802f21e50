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

import pandas as pd

from data.store import connect, schema_version, set_meta

COMMUNES_CSV = Path(__file__).resolve().parent / "demo_files" / "communes.csv"


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
        communes = pd.read_csv(COMMUNES_CSV, dtype=str)
        con.register("__c", communes)
        con.execute("INSERT INTO communes SELECT old_name, old_district, new_name, CAST(valid_from AS DATE), false "
                    "FROM __c")
        con.unregister("__c")
        set_meta(con, "demo", "false")
        set_meta(con, "created_at", dt.datetime.now().astimezone().isoformat(timespec="seconds"))
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
