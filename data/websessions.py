"""Browser sessions that survive a reload (F5) until the idle limit. No Streamlit here.

A login gives the page a one-time *code* (:func:`begin`); the browser posts it to the
server's ``/bw/session`` route (``ui.routes``), which swaps it for a random *token*
(:func:`redeem`) and sets that token in a ``Secure; HttpOnly; SameSite=Strict`` cookie.
The page script never sees the token, and the store keeps only SHA-256 digests of codes
and tokens (256-bit random values: a plain digest is enough, there is nothing to guess).
A code works once, for :data:`CODE_SECONDS`.

A reloaded page reads the cookie from the WebSocket handshake and calls :func:`resume`:
the session's account comes back if the session was used within the idle limit; an older
one is deleted. Logout, expiry and a disabled account delete the row (:func:`end`), so the
cookie is worthless afterwards even where the browser keeps it. Table ``web_sessions``
(migration 6). Audit entries are written by the caller (``ui.auth``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import duckdb

from data.store import WRITE_LOCK, is_server_con, locked_write

CODE_SECONDS = 60
#: A session's ``last_seen`` is written at most this often (each write is a DuckDB transaction),
#: so a reload may find the session up to this much older than it is.
TOUCH_SECONDS = 30


@dataclass(frozen=True)
class Resumed:
    """The outcome of :func:`resume`: ``state`` is ``ok`` or ``expired``."""

    state: str
    session_id: str
    name: str


def digest(secret: str) -> str:
    """SHA-256 hex digest of a code or token.

    >>> digest("x")[:12]
    '2d711642b726'
    """
    return hashlib.sha256(str(secret).encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def begin(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str]:
    """Start a session for account ``name``: returns ``(session id, one-time code)``."""
    session_id, code = secrets.token_hex(16), secrets.token_urlsafe(32)
    now = _now()
    locked_write(con, "INSERT INTO web_sessions (id, name, code_hash, code_expires, created_at, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?)",
           [session_id, name, digest(code), now + dt.timedelta(seconds=CODE_SECONDS), now, now])
    return session_id, code


def redeem(con: duckdb.DuckDBPyConnection, code: str) -> str | None:
    """Swap a fresh one-time ``code`` for the session's cookie token; ``None`` if unknown, used or late."""
    if not code or len(code) > 200:
        return None
    token = secrets.token_urlsafe(32)
    params = [digest(token), digest(code), _now()]
    if is_server_con(con):
        return token if _redeem_server(con, params) else None
    row = locked_write(con, "UPDATE web_sessions SET token_hash = ?, code_hash = NULL "
                      "WHERE code_hash = ? AND code_expires >= ? AND token_hash IS NULL RETURNING id",
                 params, fetch=True)
    return token if row else None


def _redeem_server(con: duckdb.DuckDBPyConnection, params: list) -> bool:
    """Server mode (the scanner has no ``UPDATE … RETURNING``): a conditional update, then a look for the
    fresh token. Only the process whose update matched finds it; one racing it for the same code on another
    server fails its update (a serialisation error) or matches no row."""
    with WRITE_LOCK:
        cur = con.cursor()
        try:
            try:
                cur.execute("UPDATE web_sessions SET token_hash = ?, code_hash = NULL "
                            "WHERE code_hash = ? AND code_expires >= ? AND token_hash IS NULL", params)
            except duckdb.Error:
                return False
            row = cur.execute("SELECT count(*) FROM web_sessions WHERE token_hash = ?", [params[0]]).fetchone()
            return row is not None and row[0] == 1
        finally:
            cur.close()


def resume(con: duckdb.DuckDBPyConnection, token: str | None, *, idle_minutes: float) -> Resumed | None:
    """The session of cookie ``token``: ``ok`` (and ``last_seen`` now), ``expired`` (row deleted) or ``None``."""
    if not token or len(token) > 200:
        return None
    row = con.execute("SELECT id, name, last_seen FROM web_sessions WHERE token_hash = ?",
                      [digest(token)]).fetchone()
    if row is None:
        return None
    session_id, name, last_seen = row
    now = _now()
    if (now - last_seen).total_seconds() > idle_minutes * 60:
        end(con, session_id)
        return Resumed("expired", session_id, name)
    touch(con, session_id, now=now)
    return Resumed("ok", session_id, name)


def touch(con: duckdb.DuckDBPyConnection, session_id: str, *, now: dt.datetime | None = None) -> None:
    """Count an interaction of the session (see :data:`TOUCH_SECONDS`)."""
    locked_write(con, "UPDATE web_sessions SET last_seen = ? WHERE id = ?", [now or _now(), session_id])


def end(con: duckdb.DuckDBPyConnection, session_id: str | None) -> None:
    """Forget a session (logout, expiry, disabled account)."""
    if session_id:
        locked_write(con, "DELETE FROM web_sessions WHERE id = ?", [session_id])


def end_token(con: duckdb.DuckDBPyConnection, token: str | None) -> None:
    """Forget the session of cookie ``token`` (the logout route clears the cookie too)."""
    if token and len(token) <= 200:
        locked_write(con, "DELETE FROM web_sessions WHERE token_hash = ?", [digest(token)])


def end_user(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Forget every session of an account (disabled, role changed by an admin, password changed)."""
    locked_write(con, "DELETE FROM web_sessions WHERE name = ?", [name])


def purge(con: duckdb.DuckDBPyConnection, *, idle_minutes: float) -> None:
    """Drop sessions idle past the limit and codes never redeemed."""
    now = _now()
    locked_write(con, "DELETE FROM web_sessions WHERE last_seen < ? OR (token_hash IS NULL AND code_expires < ?)",
           [now - dt.timedelta(minutes=idle_minutes), now])
