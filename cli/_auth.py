"""Who the command line acts as, and the role check for protected commands.

The CLI acts as a named local account: ``--as NAME``, else ``$BORDERWATCH_USER``, else
the operating-system login name (an account of the same name). It does not ask for a
password, so the account is a **claim**: any OS user who can open the store file can
claim any account. The file permissions (0600, the store's OS owner) are the boundary; the
role check keeps people to their job, and every CLI audit entry records the OS user and
uid the kernel reports (``cli.main`` → ``data.audit.origin``) beside the
claimed name, so the log shows who really ran the command.

A store with no accounts at all is *local single-user mode*: every command runs as an
admin (named after the OS user). Once one account exists, protected commands need a
valid, active account with the right role (``export`` → analyst, ``import`` → editor,
``users``/``audit``/``backup``/``restore`` → admin), else exit code 3 with a message.

Usage in a command, right after opening the store::

    user = require_cli(args, con, roles.EXPORT)
"""
from __future__ import annotations

import getpass
import os

import duckdb

from core.errors import AccessDenied, StoreError
from core.i18n import t
from core.roles import User, require
from data.store import scalar


def os_user() -> str:
    """The operating-system login name, or ``local`` when it cannot be found."""
    try:
        return getpass.getuser() or "local"
    except Exception:  # noqa: BLE001 -- no passwd entry in a container
        return "local"


def claimed_name(args) -> str:
    return (getattr(args, "as_user", None) or os.environ.get("BORDERWATCH_USER") or os_user()).strip()


def _has_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        return bool(scalar(con, "SELECT count(*) FROM users"))
    except duckdb.CatalogException:  # a store older than the accounts migration, opened read-only
        return False


def acting_user(args, con) -> User:
    """The :class:`~core.roles.User` this command acts as (see the module docstring)."""
    name = claimed_name(args)
    if not _has_accounts(con):
        return User(name or "local", "admin", local=True)
    row = con.execute("SELECT name, role FROM users WHERE name = ? AND active", [name.lower()]).fetchone()
    if row is None:
        raise AccessDenied(t("auth.cli.no_account", getattr(args, "lang", None), name=name[:40]))
    return User(row[0], row[1])


def require_cli(args, con, capability: str) -> User:
    """The acting user, if their role holds ``capability``; else :class:`AccessDenied` (exit code 3).

    A refusal is written to the audit log when the store is writable.
    """
    lang = getattr(args, "lang", None)
    try:
        user = acting_user(args, con)
        require(user, capability, lang)
    except AccessDenied:
        _log_denied(con, claimed_name(args), f"{getattr(args, 'command', '?')}: {capability}")
        raise
    return user


def _log_denied(con: duckdb.DuckDBPyConnection, who: str, what: str) -> None:
    from data import audit

    try:
        audit.log(con, who or "?", "access_denied", what)
    except (StoreError, duckdb.Error):
        pass  # read-only store: the refusal still happens, only its record is lost


def open_store_rw(args):
    """Open the store read-write for a protected command; a store held by the running app is a clear message."""
    from cli._common import open_store
    from data.backup import is_locked

    try:
        return open_store(args)
    except StoreError as exc:
        if is_locked(exc):
            raise StoreError(t("auth.store.busy", getattr(args, "lang", None))) from exc
        raise
