"""Local accounts in the store: create, verify, change password, disable, list.

Passwords are hashed with argon2id (``argon2.PasswordHasher``, its default cost) and
only the hash is stored; no function here logs or returns a password.

:func:`verify` counts failed logins per *name attempted*, existing or not, in the table
``login_failures``: every attempt first takes its number in one atomic statement
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``), and only the first ``max_failures``
attempts of a run have their password checked; the one that reaches ``max_failures`` sets
the lock, and every later one is refused as locked until ``lock_minutes`` pass or an admin
unlocks the account (:func:`core.roles.settings`). So twelve logins at once get at most
five password checks between them, and an unknown name locks exactly like an existing
one: same messages, same pauses (``failure_delay_seconds``, doubling, capped at 8x), same
hashing time. A success forgives the failures numbered up to its own, not the ones taken
by attempts running beside it. A run with no attempt for ``lock_minutes`` is forgotten.

Writes are serialised by a process-wide lock (DuckDB would otherwise refuse two
concurrent writes of one row); each counter change is still one statement, so it cannot
be lost between a read and a write. Times are the server's local time.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import time

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import AccessDenied, InputError
from core.i18n import t
from core.roles import ROLES, User, settings
from data import audit, websessions
from data.store import WRITE_LOCK, is_server_con, locked_write, one_row, scalar, transaction

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
_HASHER = PasswordHasher()          # argon2id
_DUMMY: list[str] = []              # a hash to spend time on for unknown names


class LoginFailed(AccessDenied):
    """A refused login. ``reason``: ``invalid`` (wrong name, password or disabled) or ``locked``."""

    def __init__(self, message: str, *, reason: str, until: dt.datetime | None = None):
        super().__init__(message)
        self.reason = reason
        self.until = until


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def normalise_name(name: str, lang: str | None = None) -> str:
    """Lower-case, trimmed; refused unless 2–32 characters of a-z 0-9 . _ - (starting with a letter or digit)."""
    clean = (name or "").strip().lower()
    if not NAME_RE.match(clean):
        raise InputError(t("auth.name.invalid", lang, name=(name or "")[:40]))
    return clean


def check_password(password: str, name: str = "", lang: str | None = None) -> None:
    """Refuse short passwords, the account name as password, and control characters."""
    s = settings()
    if password is None or len(password) < s.min_password_length:
        raise InputError(t("auth.password.short", lang, n=s.min_password_length))
    if name and password.strip().lower() == name.lower():
        raise InputError(t("auth.password.is_name", lang))
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise InputError(t("auth.password.control", lang))


def _check_role(role: str, lang: str | None) -> str:
    if role not in ROLES:
        raise InputError(t("auth.role_invalid", lang, role=role, valid=", ".join(ROLES)))
    return role


def has_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    """True once any account exists (then the CLI and the app require a user)."""
    return bool(scalar(con, "SELECT count(*) FROM users"))


def get_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The active account ``name`` as a :class:`~core.roles.User`, or ``None``."""
    row = con.execute("SELECT name, role FROM users WHERE name = ? AND active", [(name or "").strip().lower()]
                      ).fetchone()
    return User(row[0], row[1]) if row else None


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Accounts without their hashes: name, role, active, failures, locked_until, dates."""
    return con.execute("SELECT u.name, u.role, u.active, coalesce(f.failures, 0) AS failures, f.locked_until, "
                       "u.created_at, u.created_by, u.password_changed_at, u.last_login "
                       "FROM users u LEFT JOIN login_failures f USING (name) ORDER BY u.name").df()


def _forget_failures(con: duckdb.DuckDBPyConnection, name: str) -> None:
    locked_write(con, "DELETE FROM login_failures WHERE name = ?", [name])


def create_user(con: duckdb.DuckDBPyConnection, name: str, role: str, password: str, *, who: str,
                lang: str | None = None) -> User:
    """Create an active account; refuses an existing name. Audited as ``user_add``."""
    name = normalise_name(name, lang)
    _check_role(role, lang)
    check_password(password, name, lang)
    if scalar(con, "SELECT count(*) FROM users WHERE name = ?", [name]):
        raise InputError(t("auth.user.exists", lang, name=name))
    now = _now()
    locked_write(con, "INSERT INTO users (name, role, pw_hash, active, created_at, created_by, "
                "password_changed_at) VALUES (?, ?, ?, true, ?, ?, ?)",
           [name, role, _HASHER.hash(password), now, who, now])
    audit.log(con, who, "user_add", f"{name} ({role})")
    return User(name, role)


def _existing(con: duckdb.DuckDBPyConnection, name: str, lang: str | None) -> str:
    name = (name or "").strip().lower()
    if not scalar(con, "SELECT count(*) FROM users WHERE name = ?", [name]):
        raise InputError(t("auth.user.unknown", lang, name=name[:40]))
    return name


def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, *, who: str,
                 lang: str | None = None) -> None:
    """Replace the password hash (and clear any lock). Audited as ``user_passwd``."""
    name = _existing(con, name, lang)
    check_password(password, name, lang)
    locked_write(con, "UPDATE users SET pw_hash = ?, password_changed_at = ? WHERE name = ?",
           [_HASHER.hash(password), _now(), name])
    _forget_failures(con, name)
    websessions.end_user(con, name)          # a reload no longer brings back a session of the old password
    audit.log(con, who, "user_passwd", name)


def set_active(con: duckdb.DuckDBPyConnection, name: str, active: bool, *, who: str, lang: str | None = None) -> None:
    """Disable (``active=False``) or enable an account. An admin cannot disable the last active admin."""
    name = _existing(con, name, lang)
    if not active:
        admins = [r[0] for r in con.execute("SELECT name FROM users WHERE role = 'admin' AND active").fetchall()]
        if admins == [name]:
            raise InputError(t("auth.user.last_admin", lang))
    locked_write(con, "UPDATE users SET active = ? WHERE name = ?", [bool(active), name])
    if not active:
        websessions.end_user(con, name)
    audit.log(con, who, "user_enable" if active else "user_disable", name)


def disable(con: duckdb.DuckDBPyConnection, name: str, *, who: str, lang: str | None = None) -> None:
    set_active(con, name, False, who=who, lang=lang)


def set_role(con: duckdb.DuckDBPyConnection, name: str, role: str, *, who: str, lang: str | None = None) -> None:
    """Change an account's role (not the last active admin's). Audited as ``user_role``."""
    name = _existing(con, name, lang)
    _check_role(role, lang)
    admins = [r[0] for r in con.execute("SELECT name FROM users WHERE role = 'admin' AND active").fetchall()]
    if role != "admin" and admins == [name]:
        raise InputError(t("auth.user.last_admin", lang))
    locked_write(con, "UPDATE users SET role = ? WHERE name = ?", [role, name])
    audit.log(con, who, "user_role", f"{name} → {role}")


def unlock(con: duckdb.DuckDBPyConnection, name: str, *, who: str, lang: str | None = None) -> None:
    name = _existing(con, name, lang)
    _forget_failures(con, name)
    audit.log(con, who, "user_unlock", name)


def _spend_time(password: str) -> None:
    """Hash work for an unknown name, so its answer takes as long as a known one's."""
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash(secrets.token_urlsafe(16)))
    try:
        _HASHER.verify(_DUMMY[0], password)
    except (VerificationError, InvalidHashError):
        pass


# One statement: the attempt's number in the current run of failures of this name, and the lock.
# A lock that has ended starts a new run; a locked name keeps counting (those attempts are refused).
_TAKE_NUMBER = """
    INSERT INTO login_failures AS f (name, failures, locked_until, last_at)
    VALUES ($name, 1, CASE WHEN 1 >= $max THEN $lock END, $now)
    ON CONFLICT (name) DO UPDATE SET
      failures = CASE WHEN f.locked_until IS NOT NULL AND f.locked_until <= $now THEN 1 ELSE f.failures + 1 END,
      locked_until = CASE WHEN f.locked_until IS NOT NULL AND f.locked_until <= $now
                               THEN (CASE WHEN 1 >= $max THEN $lock END)
                          WHEN f.locked_until IS NOT NULL THEN f.locked_until
                          WHEN f.failures + 1 >= $max THEN $lock END,
      last_at = $now
    RETURNING failures, locked_until"""
# A success forgives the failures numbered up to its own; later ones (attempts beside it) stay,
# and so does their lock when they are enough for one.
_FORGIVE = """
    UPDATE login_failures SET failures = greatest(failures - $n, 0),
           locked_until = CASE WHEN failures - $n >= $max THEN locked_until END
    WHERE name = $name"""
_FORGET_IDLE = "DELETE FROM login_failures WHERE last_at < ? AND (locked_until IS NULL OR locked_until < ?)"


def _take_number(con: duckdb.DuckDBPyConnection, name: str, s, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Count this attempt for ``name``; returns ``(number in the run, locked_until)``."""
    lock = now + dt.timedelta(minutes=s.lock_minutes)
    with WRITE_LOCK:
        cur = con.cursor()
        try:
            idle = now - dt.timedelta(minutes=s.lock_minutes)
            params = {"name": name, "max": int(s.max_failures), "lock": lock, "now": now}
            if is_server_con(cur):
                n, until = _take_number_server(cur, params, idle, now)
            else:
                cur.execute(_FORGET_IDLE, [idle, now])
                n, until = one_row(cur, _TAKE_NUMBER, params)
        finally:
            cur.close()
    return int(n), until


def _take_number_server(cur, params: dict, idle: dt.datetime, now: dt.datetime):
    """Server mode: the scanner has no ``RETURNING``, and other app servers count attempts too; the
    upsert and the read of its result run in one transaction under the ``login`` lock instead."""
    with transaction(cur, "login"):
        cur.execute(_FORGET_IDLE, [idle, now])
        cur.execute(_TAKE_NUMBER.rsplit("RETURNING", 1)[0], params)
        row = cur.execute("SELECT failures, locked_until FROM login_failures WHERE name = ?",
                          [params["name"]]).fetchone()
    return row


def failure_delay(n: int, s=None) -> float:
    """Seconds to pause after the ``n``-th failure in a row: ``failure_delay_seconds`` doubling, capped at 8x.

    >>> from core.roles import SecuritySettings
    >>> [failure_delay(n, SecuritySettings(failure_delay_seconds=1.0)) for n in (1, 2, 3, 4, 5, 9)]
    [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    """
    s = s or settings()
    return min(s.failure_delay_seconds * 2 ** (max(n, 1) - 1), 8 * s.failure_delay_seconds)


def _check_hash(row, password: str) -> bool:
    if row is None:
        _spend_time(password)
        return False
    try:
        return bool(_HASHER.verify(row[2], password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify(con: duckdb.DuckDBPyConnection, name: str, password: str, *, lang: str | None = None,
           sleep=time.sleep) -> User:
    """Check a login. Returns the :class:`User` or raises :class:`LoginFailed` (audited either way).

    Every name, existing or not, goes the same way: the attempt takes its number in one
    statement (:data:`_TAKE_NUMBER`); past ``max_failures`` it is refused as locked without a
    password check; otherwise the password is checked (a dummy hash for an unknown name).
    """
    s = settings()
    clean = (name or "").strip().lower()[:64]
    password = password or ""
    now = _now()
    n, until = _take_number(con, clean, s, now)
    if n > s.max_failures and until is not None:         # locked before this attempt: no password check
        audit.log(con, clean or "?", "login_failed", "locked")
        sleep(failure_delay(n, s))
        raise LoginFailed(t("auth.login.locked", lang, until=until.strftime("%H:%M")), reason="locked", until=until)
    row = con.execute("SELECT name, role, pw_hash, active FROM users WHERE name = ?", [clean]).fetchone()
    ok = _check_hash(row, password)
    if ok and row is not None and row[3]:
        locked_write(con, _FORGIVE, {"n": n, "max": int(s.max_failures), "name": clean})
        params = [now, clean]
        sql = "UPDATE users SET last_login = ? WHERE name = ?"
        if _HASHER.check_needs_rehash(row[2]):
            sql = "UPDATE users SET last_login = ?, pw_hash = ? WHERE name = ?"
            params = [now, _HASHER.hash(password), clean]
        locked_write(con, sql, params)
        audit.log(con, clean, "login", "")
        return User(row[0], row[1])
    known = row is not None and bool(row[3])
    if until is not None:                                  # this attempt reached max_failures: locked now
        audit.log(con, clean or "?", "login_failed", "locked now" if known else "locked now (no such active account)")
        sleep(failure_delay(n, s))
        raise LoginFailed(t("auth.login.locked", lang, until=until.strftime("%H:%M")), reason="locked", until=until)
    audit.log(con, clean or "?", "login_failed", "" if known else "no such active account")
    sleep(failure_delay(n, s))
    raise LoginFailed(t("auth.login.invalid", lang), reason="invalid")


def generate_password() -> str:
    """A random password (16 URL-safe characters, ~96 bits)."""
    return secrets.token_urlsafe(12)


def ensure_admin(con: duckdb.DuckDBPyConnection, *, name: str = "admin", password: str | None = None,
                 lang: str | None = None) -> tuple[str, str | None] | None:
    """Create the first admin when the store has no active admin.

    Returns ``None`` when an active admin already exists, else ``(name, generated)``
    where ``generated`` is the random password made when ``password`` was not given
    (the caller shows it once; only its hash is stored).
    """
    if scalar(con, "SELECT count(*) FROM users WHERE role = 'admin' AND active"):
        return None
    generated = None
    if not password:
        password = generated = generate_password()
    name = normalise_name(name, lang)
    exists = scalar(con, "SELECT count(*) FROM users WHERE name = ?", [name])
    if exists:  # an old, disabled or demoted account of that name: reactivate it as admin
        check_password(password, name, lang)
        locked_write(con, "UPDATE users SET role = 'admin', active = true, pw_hash = ?, password_changed_at = ? "
                    "WHERE name = ?", [_HASHER.hash(password), _now(), name])
        _forget_failures(con, name)
    else:
        check_password(password, name, lang)
        now = _now()
        locked_write(con, "INSERT INTO users (name, role, pw_hash, active, created_at, created_by, "
                    "password_changed_at) VALUES (?, 'admin', ?, true, ?, 'ensure-admin', ?)",
               [name, _HASHER.hash(password), now, now])
    audit.log(con, "ensure-admin", "admin_created", name)
    return name, generated
