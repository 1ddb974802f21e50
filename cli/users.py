"""``borderwatch users``: manage local accounts.

    borderwatch users add NAME --role ROLE --password-stdin
    borderwatch users passwd NAME --password-stdin
    borderwatch users disable NAME | enable NAME | unlock NAME
    borderwatch users role NAME ROLE
    borderwatch users list [--json]
    borderwatch users ensure-admin [--name admin]

Every action needs an admin (``--as NAME``; a store with no accounts is local
single-user mode), except ``passwd`` on one's own account and ``ensure-admin``, which
only acts when the store has no active admin: it takes the password from
``BORDERWATCH_ADMIN_PASSWORD`` or generates one, prints it once and stores only the hash.
Passwords are read from stdin (never from the command line, where ``ps`` would show them).
"""
from __future__ import annotations

import getpass
import json
import os
import sys

import duckdb

from cli._auth import acting_user, open_store_rw, require_cli
from cli._common import add_action_globals
from core import roles
from core.errors import InputError
from core.i18n import fmt_date, t
from data import users

_ACTIONS = ("add", "passwd", "disable", "enable", "unlock", "role", "list", "ensure-admin")



def add_arguments(p, name: str) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = sub.add_parser("add", help="create an account")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=roles.ROLES)
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    pw = sub.add_parser("passwd", help="set an account's password")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    for name, text in (("disable", "disable an account"), ("enable", "enable an account"),
                       ("unlock", "clear a login lock")):
        sub.add_parser(name, help=text).add_argument("name")
    r = sub.add_parser("role", help="change an account's role")
    r.add_argument("name")
    r.add_argument("role", choices=roles.ROLES)
    ls = sub.add_parser("list", help="list accounts (never their passwords)")
    ls.add_argument("--json", action="store_true")
    e = sub.add_parser("ensure-admin", help="create the first admin if the store has none "
                                            "(password from $BORDERWATCH_ADMIN_PASSWORD, "
                                            "else generated and shown once)")
    e.add_argument("--name", default="admin")
    for sp in sub.choices.values():
        add_action_globals(sp)


def read_password(args, lang) -> str:
    """One line from stdin with ``--password-stdin``; else typed twice at a terminal."""
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError(t("auth.cli.password_stdin", lang))
    first = getpass.getpass(t("auth.cli.password_prompt", lang))
    if getpass.getpass(t("auth.cli.password_again", lang)) != first:
        raise InputError(t("auth.cli.password_mismatch", lang))
    return first


def run(args) -> int:
    lang = args.lang
    con = open_store_rw(args)
    try:
        if args.action == "ensure-admin":
            return _ensure_admin(con, args, lang)
        if args.action == "passwd":
            actor = acting_user(args, con)
            if not (roles.can(actor, roles.USERS) or actor.name == (args.name or "").strip().lower()):
                require_cli(args, con, roles.USERS)
        else:
            actor = require_cli(args, con, roles.USERS)
        return _ACTIONS_RUN[args.action](con, args, actor, lang)
    finally:
        con.close()


def _add(con: duckdb.DuckDBPyConnection, args, actor, lang) -> int:
    user = users.create_user(con, args.name, args.role, read_password(args, lang), who=actor.name, lang=lang)
    print(t("auth.cli.user_added", lang, name=user.name, role=t(f"auth.role.{user.role}", lang)), file=sys.stderr)
    return 0


def _passwd(con: duckdb.DuckDBPyConnection, args, actor, lang) -> int:
    users.set_password(con, args.name, read_password(args, lang), who=actor.name, lang=lang)
    print(t("auth.cli.password_set", lang, name=args.name.strip().lower()), file=sys.stderr)
    return 0


def _disable(con: duckdb.DuckDBPyConnection, args, actor, lang) -> int:
    users.set_active(con, args.name, False, who=actor.name, lang=lang)
    print(t("auth.cli.disabled", lang, name=args.name.strip().lower()), file=sys.stderr)
    return 0


def _enable(con: duckdb.DuckDBPyConnection, args, actor, lang) -> int:
    users.set_active(con, args.name, True, who=actor.name, lang=lang)
    print(t("auth.cli.enabled", lang, name=args.name.strip().lower()), file=sys.stderr)
    return 0


def _unlock(con: duckdb.DuckDBPyConnection, args, actor, lang) -> int:
    users.unlock(con, args.name, who=actor.name, lang=lang)
    print(t("auth.cli.unlocked", lang, name=args.name.strip().lower()), file=sys.stderr)
    return 0


def _role(con: duckdb.DuckDBPyConnection, args, actor, lang) -> int:
    users.set_role(con, args.name, args.role, who=actor.name, lang=lang)
    print(t("auth.cli.role_set", lang, name=args.name.strip().lower(), role=t(f"auth.role.{args.role}", lang)),
          file=sys.stderr)
    return 0


def _list(con: duckdb.DuckDBPyConnection, args, actor, lang) -> int:
    df = users.list_users(con)
    if args.json:
        out = [{"name": r.name, "role": r.role, "active": bool(r.active), "locked_until": _iso(r.locked_until),
                "last_login": _iso(r.last_login), "created_at": _iso(r.created_at)} for r in df.itertuples()]
        print(json.dumps(out, ensure_ascii=False))
        return 0
    if not len(df):
        print(t("cli.users.none", lang), file=sys.stderr)
    for r in df.itertuples():
        state = t("auth.state.active", lang) if r.active else t("auth.state.disabled", lang)
        if _iso(r.locked_until):
            state += " · " + t("auth.state.locked", lang)
        last = fmt_date(r.last_login, lang) if _iso(r.last_login) else "—"
        print(f"{r.name:24s} {t(f'auth.role.{r.role}', lang):18s} {state:24s} {last}")
    return 0


def _iso(value) -> str | None:
    try:
        import pandas as pd

        return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()
    except (TypeError, ValueError):
        return None


def _ensure_admin(con: duckdb.DuckDBPyConnection, args, lang) -> int:
    result = users.ensure_admin(con, name=args.name, password=os.environ.get("BORDERWATCH_ADMIN_PASSWORD") or None,
                                lang=lang)
    if result is None:
        print(t("auth.cli.admin_exists", lang), file=sys.stderr)
        return 0
    name, generated = result
    if generated is None:
        print(t("auth.cli.admin_from_env", lang, name=name), file=sys.stderr)
    else:  # shown once, to the terminal only; never written to a file or the log
        print(t("auth.cli.admin_generated", lang, name=name, password=generated), file=sys.stderr)
    return 0


_ACTIONS_RUN = {"add": _add, "passwd": _passwd, "disable": _disable, "enable": _enable, "unlock": _unlock,
                "role": _role, "list": _list}
