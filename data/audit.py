"""The append-only audit log: who did what, when, to how many rows.

Logins (success and failure), logouts, imports, exports, edits, briefings, account
changes, backups and restores each append one entry with :func:`log`. The module has no
update or delete function, and no code in the project issues ``UPDATE``/``DELETE`` on the
``audit`` table (a test checks both).

DuckDB has no triggers or grants, so the table cannot refuse an ``UPDATE`` typed by
someone who opens the file directly. Instead every entry carries ``hash`` =
SHA-256(previous hash, its own fields), ids run 1, 2, 3… without gaps, and
``meta.audit_head`` records the last id and hash. :func:`verify` walks the chain: an
edited, deleted or inserted entry breaks it.

The chain alone cannot show a *rewritten tail*: whoever can write the store can delete the
last entries and set ``audit_head`` back, or recompute the whole chain. So every entry is
also **anchored outside the store file**: after its transaction commits, ``"<id> <hash>"``
is appended to ``<store>.audit-anchor`` (0600, opened append-only, never through a symlink,
not part of any backup). :func:`verify` checks that every anchored id is still in the store
with the same hash. What this proves and does not prove is in docs/security.md: it catches
someone who can change the store file but not the anchor file (a copy edited elsewhere, a
store swapped in a shared folder, a restored foreign file); the store's owner can rewrite
both, unless the anchor is made append-only by root (``chattr +a``) or copied off the machine.

CLI entries (and requests relayed from the CLI to the app) also record the **operating-system
user and uid** beside the claimed account (:func:`origin`, set by ``cli.main`` around each command): the
account is a claim, the uid is what the kernel vouches for.

Entries are written in a transaction serialised by a process-wide lock (DuckDB admits one
writing process per file, so the lock covers every writer). In server mode (a PostgreSQL store,
many processes) the transaction also takes ``pg_advisory_xact_lock`` (``data.store.serialise``),
so appends from every process and host queue up and the chain stays whole; there is no anchor
file (the store is not a file), and the PostgreSQL role of the app should hold only ``INSERT``
and ``SELECT`` on ``audit`` (docs/deploy.md). :func:`change` lets a caller
write its change *and* its entry in one transaction: a crash leaves both or neither.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import os
import pwd
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from core.errors import StoreError
from data.store import serialise

GENESIS = "0" * 64
MAX_WHAT = 2000
ANCHOR_SUFFIX = ".audit-anchor"

#: Actions the project records; labels are ``auth.action.<name>`` in the translation table.
ACTIONS: tuple[str, ...] = (
    "login", "login_failed", "logout", "session_expired", "session_resume", "access_denied",
    "import", "export", "briefing", "map_export",
    "incident_add", "village_status", "outside_vietnam",
    "user_add", "user_passwd", "user_disable", "user_enable", "user_unlock", "user_role", "admin_created",
    "backup", "restore",
)

_LOCK = threading.Lock()
_COLUMNS = ["id", "at_time", "who", "action", "what", "n_rows", "os_user", "os_uid"]


# -- the operating-system identity behind an entry ----------------------------------------

@dataclass(frozen=True)
class Origin:
    """The OS account a request came from (``uid`` from the kernel; ``user`` its passwd name)."""

    user: str
    uid: int

    @classmethod
    def of_uid(cls, uid: int) -> "Origin":
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:
            name = f"uid{uid}"
        return cls(name, int(uid))

    @classmethod
    def this_process(cls) -> "Origin":
        return cls.of_uid(os.geteuid())


_ORIGIN: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("audit_origin", default=None)


@contextlib.contextmanager
def origin(value: Origin | None):
    """Entries written inside the block (this thread/context) record ``value`` (the relay: the requester)."""
    token = _ORIGIN.set(value)
    try:
        yield
    finally:
        _ORIGIN.reset(token)


def current_origin() -> Origin | None:
    return _ORIGIN.get()


# -- the chain ----------------------------------------------------------------------------

class Entry(NamedTuple):
    """The hashed fields of one audit entry, in the order of the ``audit`` table's columns."""

    entry_id: int
    at: dt.datetime
    who: str
    action: str
    what: str | None
    rows: int | None
    os_user: str | None = None
    os_uid: int | None = None


def _digest(prev: str, e: Entry) -> str:
    fields = [prev, int(e.entry_id), e.at.isoformat(timespec="microseconds"), e.who, e.action, e.what,
              None if e.rows is None else int(e.rows)]
    if e.os_user is not None or e.os_uid is not None:     # entries before v4 hash as they always did
        fields += [e.os_user, None if e.os_uid is None else int(e.os_uid)]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _store_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The store file behind ``con``; ``None`` for an in-memory or a PostgreSQL store (no anchor file)."""
    row = con.execute("SELECT path, type FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchone()
    if not row or not row[0] or row[1] != "duckdb":
        return None
    return Path(row[0]).resolve()


def anchor_path(db: str | Path) -> Path:
    """``<store>.audit-anchor`` beside the store file."""
    db = Path(db)
    return db.with_name(db.name + ANCHOR_SUFFIX)


def _open_anchor(path: Path, flags: int) -> int:
    """Open the anchor file, refusing a symlink, one others may write, or one owned by neither this
    user nor the store's owner."""
    fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
    st = os.fstat(fd)
    owners = {os.geteuid()}
    store = path.with_name(path.name[: -len(ANCHOR_SUFFIX)])
    with contextlib.suppress(OSError):
        owners.add(os.stat(store).st_uid)
    if not stat.S_ISREG(st.st_mode) or st.st_uid not in owners or st.st_mode & 0o022:
        os.close(fd)
        raise StoreError(f"audit anchor {path} is not a private file of the store's owner (owner uid {st.st_uid}, "
                         f"mode {stat.S_IMODE(st.st_mode):o}); refusing to use it")
    return fd


def _append_anchor(db: Path, entry_id: int, digest: str) -> None:
    fd = _open_anchor(anchor_path(db), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, f"{int(entry_id)} {digest}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


class Change:
    """One transaction on ``cur`` holding a change and its audit entries (see :func:`change`)."""

    def __init__(self, cur, db: Path | None):
        self.cur = cur
        self._db = db
        self._written: list[tuple[int, str]] = []

    def log(self, who: str, action: str, what: str = "", rows: int | None = None) -> int:
        """Append one entry inside this transaction; returns its id."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}; valid: {', '.join(ACTIONS)}")
        who = (str(who) if who else "?")[:200]
        what = None if what is None else str(what)[:MAX_WHAT]
        org = current_origin()
        os_user, os_uid = (org.user[:200], org.uid) if org else (None, None)
        cur = self.cur
        last = cur.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        entry_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        at = dt.datetime.now().replace(tzinfo=None)
        digest = _digest(prev, Entry(entry_id, at, who, action, what, rows, os_user, os_uid))
        cur.execute("INSERT INTO audit (id, at_time, who, action, what, n_rows, prev_hash, hash, os_user, os_uid) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [entry_id, at, who, action, what, rows, prev, digest, os_user, os_uid])
        cur.execute("INSERT OR REPLACE INTO meta VALUES ('audit_head', ?)", [f"{entry_id}:{digest}"])
        if self._db is not None:
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('audit_anchor', 'file')")
        self._written.append((entry_id, digest))
        return entry_id


@contextlib.contextmanager
def change(con: duckdb.DuckDBPyConnection, cur=None):
    """``with audit.change(con) as ch:`` — write on ``ch.cur``, record with ``ch.log(...)``; one transaction.

    The block runs under the audit lock, inside ``BEGIN``; leaving it commits (an exception
    rolls everything back, the entries too). After the commit the entries are anchored.
    ``cur`` may be a cursor the caller prepared (e.g. with a database attached).
    """
    own = cur is None
    with _LOCK:
        cur = con.cursor() if own else cur
        try:
            db = _store_file(cur)
            cur.execute("BEGIN TRANSACTION")
            serialise(cur, "audit")          # server mode: appends of every process in turn
            ch = Change(cur, db)
            try:
                yield ch
                cur.execute("COMMIT")
            except BaseException:
                try:
                    cur.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 -- already rolled back by DuckDB
                    pass
                raise
            if db is not None:
                for entry_id, digest in ch._written:
                    _append_anchor(db, entry_id, digest)
        finally:
            if own:
                cur.close()


def log(con: duckdb.DuckDBPyConnection, who: str, action: str, what: str = "", rows: int | None = None) -> int:
    """Append one entry in its own transaction; returns its id.

    ``who`` is the account name (or ``local`` / the attempted name for a failed login),
    ``action`` one of :data:`ACTIONS`, ``what`` a short description (file, layer, id),
    ``rows`` the number of rows concerned, if any. For an entry that must commit together
    with the change it records, use :func:`change`.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; valid: {', '.join(ACTIONS)}")
    try:
        with change(con) as ch:
            return ch.log(who, action, what, rows)
    except StoreError:
        raise
    except Exception as exc:  # read-only store, missing table: the caller must know
        raise StoreError(f"audit log not written: {exc}") from exc


def entries(con: duckdb.DuckDBPyConnection, *, who: str | None = None, action: str | None = None,
            since: dt.datetime | None = None,
            limit: int | None = None, newest_first: bool = True) -> pd.DataFrame:
    """Entries as a frame (``id, at_time, who, action, what, n_rows, os_user, os_uid``), newest first by default."""
    conds: list[str] = []
    params: list[object] = []
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
                    "what": r.what, "rows": None if pd.isna(r.n_rows) else int(r.n_rows),
                    "os_user": None if pd.isna(getattr(r, "os_user", None)) else r.os_user,
                    "os_uid": None if pd.isna(getattr(r, "os_uid", None)) else int(r.os_uid)})
    return out


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    bad_id: int | None = None
    reason: str = ""
    anchored: bool = False      # the end of the log was checked against the anchor file


def verify(con: duckdb.DuckDBPyConnection, anchor: str | Path | None = None) -> ChainCheck:
    """Walk the hash chain, then check it against the anchor file beside the store.

    The first broken link is reported with its id and a reason. ``anchor`` defaults to
    ``<store>.audit-anchor``; a store that was anchored (``meta.audit_anchor``) and has lost
    its anchor file fails; an older store never anchored passes with ``anchored=False``.
    """
    rows = con.execute("SELECT id, at_time, who, action, what, n_rows, prev_hash, hash, os_user, os_uid FROM audit "
                       "ORDER BY id").fetchall()
    prev, expected_id = GENESIS, 1
    hashes: dict[int, str] = {}
    for entry_id, at, who, action, what, n_rows, prev_hash, digest, os_user, os_uid in rows:
        if entry_id != expected_id:
            return ChainCheck(False, len(rows), entry_id, f"id {expected_id} missing")
        if prev_hash != prev:
            return ChainCheck(False, len(rows), entry_id, "link to the previous entry broken")
        if _digest(prev, Entry(entry_id, at, who, action, what, n_rows, os_user, os_uid)) != digest:
            return ChainCheck(False, len(rows), entry_id, "entry altered")
        hashes[entry_id] = digest
        prev, expected_id = digest, expected_id + 1
    head = con.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if rows and (head is None or head[0] != f"{rows[-1][0]}:{prev}"):
        return ChainCheck(False, len(rows), rows[-1][0], "head does not match (entries removed at the end?)")
    if not rows and head is not None:
        return ChainCheck(False, 0, None, "entries removed")
    db = _store_file(con)
    path = Path(anchor) if anchor else (anchor_path(db) if db is not None else None)
    flagged = con.execute("SELECT value FROM meta WHERE key = 'audit_anchor'").fetchone() is not None
    if path is None or not (path.exists() or path.is_symlink()):
        if flagged and path is not None:
            return ChainCheck(False, len(rows), None, f"anchor file {path} missing: the end of the log cannot be "
                                                      "checked (removed, or the store was moved without it)")
        return ChainCheck(True, len(rows))
    return _check_anchor(path, hashes, len(rows))


def _check_anchor(path: Path, hashes: dict[int, str], n: int) -> ChainCheck:
    try:
        fd = _open_anchor(path, os.O_RDONLY)
    except (StoreError, OSError) as exc:
        return ChainCheck(False, n, None, str(exc))
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as fh:
        lines = fh.read().splitlines()
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
            return ChainCheck(False, n, None, f"anchor file {path} damaged at line {number}")
        entry_id, digest = int(parts[0]), parts[1]
        if entry_id not in hashes:
            return ChainCheck(False, n, entry_id, f"entry {entry_id} is anchored but gone from the store "
                                                  f"(the end of the log was removed; the log has {n} entries)")
        if hashes[entry_id] != digest:
            return ChainCheck(False, n, entry_id, "entry differs from its anchor (the chain was rewritten)")
    return ChainCheck(True, n, anchored=True)
