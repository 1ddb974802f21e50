"""Saved briefings: filters, period, data version and a summary, kept in the store.

A snapshot lets a briefing be shown again exactly (same filter on the same data
version) and is what "what changed since the last briefing" compares with. The
data version is the row counts plus a content hash (MD5) of the ``incidents``,
``villages`` and ``village_status`` tables; it changes when any of their rows do.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd

from core.errors import InputError
from core.i18n import t
from data.filters import Filter
from data.store import next_id

VERSIONED_TABLES = ("incidents", "villages", "village_status")
TABLE = "briefing_snapshots"


@dataclass(frozen=True)
class DataVersion:
    hash: str                       # 12 hex digits
    counts: dict = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return self.hash


@dataclass(frozen=True)
class Snapshot:
    id: int
    saved_at: dt.datetime
    saved_by: str | None
    title: str | None
    filter: Filter
    version: DataVersion
    summary: dict


def data_version(con) -> DataVersion:
    """Row counts and an order-independent MD5 content hash of the versioned tables.

    Each row is cast to text (all columns, geometry as WKT) and hashed; the table hash
    is the sum of the row hashes, so row order does not matter but any edit does.
    """
    digest = hashlib.md5()
    counts = {}
    for table in VERSIONED_TABLES:
        n, s = con.execute(f"SELECT count(*), coalesce(sum(CAST(md5_number_lower(CAST(t AS VARCHAR)) AS HUGEINT)), 0) "
                           f"FROM {table} t").fetchone()
        counts[table] = int(n)
        digest.update(f"{table}:{n}:{s};".encode())
    return DataVersion(digest.hexdigest()[:12], counts)


def quick_version(con) -> str:
    """A cheap cache key for the same tables (DuckDB's own row hash; not for storage)."""
    parts = [con.execute(f"SELECT count(*), coalesce(sum(CAST(hash(t) AS HUGEINT)), 0) FROM {table} t").fetchone()
             for table in VERSIONED_TABLES]
    return ";".join(f"{n}:{s}" for n, s in parts)


def has_table(con) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [TABLE]).fetchone()[0])


def _filter_json(flt: Filter) -> str:
    return json.dumps(flt.to_query(), ensure_ascii=False, sort_keys=True)


def save_snapshot(con, flt: Filter, summary: dict, *, version: DataVersion | None = None,
                  title: str | None = None, saved_by: str | None = None) -> int:
    """Store a briefing and return its id.

    Saving the same filter on the same data version as the latest snapshot again
    returns that snapshot's id instead of adding a duplicate.
    """
    if not has_table(con):
        raise InputError(t("report.snapshot.no_table", None))
    version = version or data_version(con)
    latest = latest_snapshot(con)
    if latest is not None and latest.version.hash == version.hash and latest.filter == flt:
        return latest.id
    sid = next_id(con, "briefing_seq")
    con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        sid, dt.datetime.now().replace(microsecond=0), saved_by, title, _filter_json(flt), flt.date_from,
        flt.date_to, version.hash, json.dumps(version.counts), json.dumps(summary, ensure_ascii=False, default=str)])
    return int(sid)


def _row_to_snapshot(row) -> Snapshot:
    sid, saved_at, saved_by, title, filters, _, _, vhash, counts, summary = row
    return Snapshot(int(sid), saved_at, saved_by, title, Filter.from_query(json.loads(filters)),
                    DataVersion(vhash, json.loads(counts)), json.loads(summary))


def load_snapshot(con, snapshot_id: int) -> Snapshot:
    row = con.execute(f"SELECT * FROM {TABLE} WHERE id = ?", [int(snapshot_id)]).fetchone() if has_table(con) else None
    if row is None:
        raise InputError(t("report.snapshot.unknown", None, id=snapshot_id))
    return _row_to_snapshot(row)


def latest_snapshot(con) -> Snapshot | None:
    if not has_table(con):
        return None
    row = con.execute(f"SELECT * FROM {TABLE} ORDER BY saved_at DESC, id DESC LIMIT 1").fetchone()
    return _row_to_snapshot(row) if row else None


def previous_snapshot(con, flt: Filter, version: DataVersion | str) -> Snapshot | None:
    """The latest snapshot that is not this very briefing (same filter on the same data).

    This is "the last briefing" a new one is compared with.
    """
    if not has_table(con):
        return None
    vhash = str(version)
    rows = con.execute(f"SELECT * FROM {TABLE} ORDER BY saved_at DESC, id DESC").fetchall()
    for row in rows:
        snap = _row_to_snapshot(row)
        if not (snap.version.hash == vhash and snap.filter == flt):
            return snap
    return None


def snapshot_before(con, snap: Snapshot) -> Snapshot | None:
    """The briefing saved just before ``snap`` (what ``snap`` was compared with when shown)."""
    rows = con.execute(f"SELECT * FROM {TABLE} WHERE id < ? ORDER BY saved_at DESC, id DESC", [snap.id]).fetchall()
    for row in rows:
        other = _row_to_snapshot(row)
        if not (other.version.hash == snap.version.hash and other.filter == snap.filter):
            return other
    return None


def list_snapshots(con) -> pd.DataFrame:
    """id, saved_at, saved_by, title, date_from, date_to, data_version (newest first)."""
    if not has_table(con):
        return pd.DataFrame(columns=["id", "saved_at", "saved_by", "title", "date_from", "date_to", "data_version"])
    return con.execute(f"SELECT id, saved_at, saved_by, title, date_from, date_to, data_version FROM {TABLE} "
                       "ORDER BY saved_at DESC, id DESC").df()


def is_exact(con, snap: Snapshot) -> bool:
    """True when the store still holds the data version the snapshot was saved on."""
    return data_version(con).hash == snap.version.hash
