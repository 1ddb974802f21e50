"""Local accounts in the store: create, verify, change password, disable, list.

Passwords are hashed with argon2id (``argon2.PasswordHasher``, its default cost) and
only the hash is stored; no function here logs or returns a password. :func:`verify`
pauses after a failure (``failure_delay_seconds``, doubling, capped at 8x) and locks
the account for ``lock_minutes`` after ``max_failures`` failures in a row
(:func:`core.roles.settings`); a locked account refuses even the right password until
the lock ends or an admin unlocks it. Unknown names cost the same hashing time as known
ones, and the messages do not tell a wrong name from a wrong password.

Writes are serialised by a process-wide lock (two sessions failing at once on the same
account would otherwise conflict in DuckDB). Times are the server's local time.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
import time

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import AccessDenied, InputError
from core.i18n import t
from core.roles import ROLES, User, settings
from data import audit

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
_HASHER = PasswordHasher()          # argon2id
_LOCK = threading.Lock()
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


def has_accounts(con) -> bool:
    """True once any account exists (then the CLI and the app require a user)."""
    return bool(con.execute("SELECT count(*) FROM users").fetchone()[0])


def get_user(con, name: str) -> User | None:
    """The active account ``name`` as a :class:`~core.roles.User`, or ``None``."""
    row = con.execute("SELECT name, role FROM users WHERE name = ? AND active", [(name or "").strip().lower()]
                      ).fetchone()
    return User(row[0], row[1]) if row else None


def list_users(con) -> pd.DataFrame:
    """Accounts without their hashes: name, role, active, locked_until, failures, dates."""
    return con.execute("SELECT name, role, active, failures, locked_until, created_at, created_by, "
                       "password_changed_at, last_login FROM users ORDER BY name").df()


def _write(con, sql: str, params: list) -> None:
    """One write on its own cursor, serialised across the sessions of this process."""
    with _LOCK:
        cur = con.cursor()
        try:
            cur.execute(sql, params)
        finally:
            cur.close()


def create_user(con, name: str, role: str, password: str, *, who: str, lang: str | None = None) -> User:
    """Create an active account; refuses an existing name. Audited as ``user_add``."""
    name = normalise_name(name, lang)
    _check_role(role, lang)
    check_password(password, name, lang)
    if con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
        raise InputError(t("auth.user.exists", lang, name=name))
    now = _now()
    _write(con, "INSERT INTO users (name, role, pw_hash, active, failures, created_at, created_by, "
                "password_changed_at) VALUES (?, ?, ?, true, 0, ?, ?, ?)",
           [name, role, _HASHER.hash(password), now, who, now])
    audit.log(con, who, "user_add", f"{name} ({role})")
    return User(name, role)


def _existing(con, name: str, lang: str | None) -> str:
    name = (name or "").strip().lower()
    if not con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
        raise InputError(t("auth.user.unknown", lang, name=name[:40]))
    return name


def set_password(con, name: str, password: str, *, who: str, lang: str | None = None) -> None:
    """Replace the password hash (and clear any lock). Audited as ``user_passwd``."""
    name = _existing(con, name, lang)
    check_password(password, name, lang)
    _write(con, "UPDATE users SET pw_hash = ?, password_changed_at = ?, failures = 0, locked_until = NULL "
                "WHERE name = ?", [_HASHER.hash(password), _now(), name])
    audit.log(con, who, "user_passwd", name)


def set_active(con, name: str, active: bool, *, who: str, lang: str | None = None) -> None:
    """Disable (``active=False``) or enable an account. An admin cannot disable the last active admin."""
    name = _existing(con, name, lang)
    if not active:
        admins = [r[0] for r in con.execute("SELECT name FROM users WHERE role = 'admin' AND active").fetchall()]
        if admins == [name]:
            raise InputError(t("auth.user.last_admin", lang))
    _write(con, "UPDATE users SET active = ? WHERE name = ?", [bool(active), name])
    audit.log(con, who, "user_enable" if active else "user_disable", name)


def disable(con, name: str, *, who: str, lang: str | None = None) -> None:
    set_active(con, name, False, who=who, lang=lang)


def set_role(con, name: str, role: str, *, who: str, lang: str | None = None) -> None:
    """Change an account's role (not the last active admin's). Audited as ``user_role``."""
    name = _existing(con, name, lang)
    _check_role(role, lang)
    admins = [r[0] for r in con.execute("SELECT name FROM users WHERE role = 'admin' AND active").fetchall()]
    if role != "admin" and admins == [name]:
        raise InputError(t("auth.user.last_admin", lang))
    _write(con, "UPDATE users SET role = ? WHERE name = ?", [role, name])
    audit.log(con, who, "user_role", f"{name} → {role}")


def unlock(con, name: str, *, who: str, lang: str | None = None) -> None:
    name = _existing(con, name, lang)
    _write(con, "UPDATE users SET failures = 0, locked_until = NULL WHERE name = ?", [name])
    audit.log(con, who, "user_unlock", name)


def _spend_time(password: str) -> None:
    """Hash work for an unknown name, so its answer takes as long as a known one's."""
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash(secrets.token_urlsafe(16)))
    try:
        _HASHER.verify(_DUMMY[0], password)
    except (VerificationError, InvalidHashError):
        pass


def verify(con, name: str, password: str, *, lang: str | None = None, sleep=time.sleep) -> User:
    """Check a login. Returns the :class:`User` or raises :class:`LoginFailed` (audited either way)."""
    s = settings()
    clean = (name or "").strip().lower()[:64]
    row = con.execute("SELECT name, role, pw_hash, active, failures, locked_until FROM users WHERE name = ?",
                      [clean]).fetchone()
    now = _now()
    if row and row[5] is not None and row[5] > now:
        audit.log(con, clean, "login_failed", "locked")
        raise LoginFailed(t("auth.login.locked", lang, until=row[5].strftime("%H:%M")), reason="locked", until=row[5])
    ok = False
    if row is None:
        _spend_time(password or "")
    else:
        try:
            ok = _HASHER.verify(row[2], password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    if ok and row[3]:
        params = [now, clean]
        sql = "UPDATE users SET failures = 0, locked_until = NULL, last_login = ? WHERE name = ?"
        if _HASHER.check_needs_rehash(row[2]):
            sql = "UPDATE users SET failures = 0, locked_until = NULL, last_login = ?, pw_hash = ? WHERE name = ?"
            params = [now, _HASHER.hash(password), clean]
        _write(con, sql, params)
        audit.log(con, clean, "login", "")
        return User(row[0], row[1])
    failures = 1
    if row is not None:
        failures = int(row[4]) + 1
        lock = now + dt.timedelta(minutes=s.lock_minutes) if failures >= s.max_failures else None
        _write(con, "UPDATE users SET failures = ?, locked_until = ? WHERE name = ?",
               [0 if lock else failures, lock, clean])
        if lock:
            audit.log(con, clean, "login_failed", "locked now")
            sleep(min(s.failure_delay_seconds * 2 ** (failures - 1), 8 * s.failure_delay_seconds))
            raise LoginFailed(t("auth.login.locked", lang, until=lock.strftime("%H:%M")), reason="locked", until=lock)
    audit.log(con, clean or "?", "login_failed", "" if row and row[3] else "no such active account")
    sleep(min(s.failure_delay_seconds * 2 ** (failures - 1), 8 * s.failure_delay_seconds))
    raise LoginFailed(t("auth.login.invalid", lang), reason="invalid")


def generate_password() -> str:
    """A random password (16 URL-safe characters, ~96 bits)."""
    return secrets.token_urlsafe(12)


def ensure_admin(con, *, name: str = "admin", password: str | None = None,
                 lang: str | None = None) -> tuple[str, str | None] | None:
    """Create the first admin when the store has no active admin.

    Returns ``None`` when an active admin already exists, else ``(name, generated)``
    where ``generated`` is the random password made when ``password`` was not given
    (the caller shows it once; only its hash is stored).
    """
    if con.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active").fetchone()[0]:
        return None
    generated = None
    if not password:
        password = generated = generate_password()
    name = normalise_name(name, lang)
    exists = con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]
    if exists:  # an old, disabled or demoted account of that name: reactivate it as admin
        check_password(password, name, lang)
        _write(con, "UPDATE users SET role = 'admin', active = true, pw_hash = ?, password_changed_at = ?, "
                    "failures = 0, locked_until = NULL WHERE name = ?", [_HASHER.hash(password), _now(), name])
    else:
        check_password(password, name, lang)
        now = _now()
        _write(con, "INSERT INTO users (name, role, pw_hash, active, failures, created_at, created_by, "
                    "password_changed_at) VALUES (?, 'admin', ?, true, 0, ?, 'ensure-admin', ?)",
               [name, _HASHER.hash(password), now, now])
    audit.log(con, "ensure-admin", "admin_created", name)
    return name, generated
