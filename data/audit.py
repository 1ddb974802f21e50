"""The append-only audit log: who did what, when, to how many rows.

Logins (success and failure), logouts, imports, exports, edits, briefings, account
changes, backups and restores each append one entry with :func:`log`. The module has no
update or delete function, and no code in the project issues ``UPDATE``/``DELETE`` on the
``audit`` table (a test checks both).

DuckDB has no triggers or grants, so the table cannot refuse an ``UPDATE`` typed by
someone who opens the file directly. Instead every entry carries ``hash`` =
SHA-256(previous hash, its own fields), ids run 1, 2, 3… without gaps, and
``meta.audit_head`` records the last id and hash. :func:`verify` walks the chain: an
edited, deleted, inserted or truncated entry breaks it (``borderwatch audit --verify``,
and the admin page shows the result). Whoever can rewrite the whole file can rewrite the
whole chain: file permissions on the store remain the outer boundary.

Entries are written on their own cursor in their own short transaction, serialised by a
process-wide lock (DuckDB admits one writing process per file, so the lock covers every
writer). Call :func:`log` after the action it records has committed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass

import pandas as pd

from core.errors import StoreError

GENESIS = "0" * 64
MAX_WHAT = 2000

#: Actions the project records; labels are ``auth.action.<name>`` in the translation table.
ACTIONS: tuple[str, ...] = (
    "login", "login_failed", "logout", "session_expired", "session_resume", "access_denied",
    "import", "export", "briefing", "map_export",
    "incident_add", "village_status",
    "user_add", "user_passwd", "user_disable", "user_enable", "user_unlock", "user_role", "admin_created",
    "backup", "restore",
)

_LOCK = threading.Lock()
_COLUMNS = ["id", "at_time", "who", "action", "what", "n_rows"]


def _digest(prev: str, entry_id: int, at: dt.datetime, who: str, action: str, what: str | None,
            rows: int | None) -> str:
    payload = json.dumps([prev, int(entry_id), at.isoformat(timespec="microseconds"), who, action, what,
                          None if rows is None else int(rows)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def log(con, who: str, action: str, what: str = "", rows: int | None = None) -> int:
    """Append one entry; returns its id.

    ``who`` is the account name (or ``local`` / the attempted name for a failed login),
    ``action`` one of :data:`ACTIONS`, ``what`` a short description (file, layer, id),
    ``rows`` the number of rows concerned, if any.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; valid: {', '.join(ACTIONS)}")
    who = (str(who) if who else "?")[:200]
    what = None if what is None else str(what)[:MAX_WHAT]
    with _LOCK:
        cur = con.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            try:
                last = cur.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
                entry_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
                at = dt.datetime.now().replace(tzinfo=None)
                digest = _digest(prev, entry_id, at, who, action, what, rows)
                cur.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [entry_id, at, who, action, what, rows, prev, digest])
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('audit_head', ?)", [f"{entry_id}:{digest}"])
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
        except Exception as exc:  # read-only store, missing table: the caller must know
            raise StoreError(f"audit log not written: {exc}") from exc
        finally:
            cur.close()
    return entry_id


def entries(con, *, who: str | None = None, action: str | None = None, since: dt.datetime | None = None,
            limit: int | None = None, newest_first: bool = True) -> pd.DataFrame:
    """Entries as a frame (``id, at_time, who, action, what, n_rows``), newest first by default."""
    conds, params = [], []
    if who:
        conds.append("who = ?")
        params.append(who)
    if action:
        conds.append("action = ?")
        params.append(action)
    if since:
        conds.append("at_time >= ?")
        params.append(since)
    sql = f"SELECT {', '.join(_COLUMNS)} FROM audit"
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    sql += " ORDER BY id" + (" DESC" if newest_first else "")
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    return con.execute(sql, params).df()


def as_records(df: pd.DataFrame) -> list[dict]:
    """JSON-ready dicts (ISO times, ``rows`` as int or None)."""
    out = []
    for r in df.itertuples(index=False):
        out.append({"id": int(r.id), "at": pd.Timestamp(r.at_time).isoformat(), "who": r.who, "action": r.action,
                    "what": r.what, "rows": None if pd.isna(r.n_rows) else int(r.n_rows)})
    return out


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    bad_id: int | None = None
    reason: str = ""


def verify(con) -> ChainCheck:
    """Walk the hash chain; the first broken link is reported with its id and a reason."""
    rows = con.execute("SELECT id, at_time, who, action, what, n_rows, prev_hash, hash FROM audit "
                       "ORDER BY id").fetchall()
    prev, expected_id = GENESIS, 1
    for entry_id, at, who, action, what, n_rows, prev_hash, digest in rows:
        if entry_id != expected_id:
            return ChainCheck(False, len(rows), entry_id, f"id {expected_id} missing")
        if prev_hash != prev:
            return ChainCheck(False, len(rows), entry_id, "link to the previous entry broken")
        if _digest(prev, entry_id, at, who, action, what, n_rows) != digest:
            return ChainCheck(False, len(rows), entry_id, "entry altered")
        prev, expected_id = digest, expected_id + 1
    head = con.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if rows and (head is None or head[0] != f"{rows[-1][0]}:{prev}"):
        return ChainCheck(False, len(rows), rows[-1][0], "head does not match (entries removed at the end?)")
    if not rows and head is not None:
        return ChainCheck(False, 0, None, "entries removed")
    return ChainCheck(True, len(rows))
