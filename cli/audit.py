"""``borderwatch audit [--json] [--verify]`` (admin): list the audit log, newest first.

``--json`` prints a list of entries ``{id, at, who, action, what, rows, os_user, os_uid}``
(the OS user and uid are set for entries made from the command line). ``--verify`` walks
the hash chain, checks the end of the log against the anchor file beside the store, and
exits 1 when either is broken (see ``data/audit.py``).
"""
from __future__ import annotations

import json
import sys

from cli._auth import open_store_rw, require_cli
from cli._common import db_path
from core import roles
from core.i18n import t
from data import audit


def add_arguments(p, name: str) -> None:
    p.add_argument("--json", action="store_true", help="a JSON list of entries")
    p.add_argument("--limit", type=int, default=None, help="at most N entries (newest)")
    p.add_argument("--user", dest="who", help="only this account's entries")
    p.add_argument("--action", choices=audit.ACTIONS, help="only this action")
    p.add_argument("--verify", action="store_true", help="check the hash chain (exit 1 if broken)")


def run(args) -> int:
    lang = args.lang
    con = open_store_rw(args)
    try:
        require_cli(args, con, roles.AUDIT)
        if args.verify:
            check = audit.verify(con)
            key = "auth.audit.chain_ok" if check.ok else "auth.audit.chain_broken"
            print(t(key, lang, n=check.entries, id=check.bad_id, reason=check.reason), file=sys.stderr)
            if check.ok and not isinstance(db_path(args), str):    # server mode has no anchor file
                note = ("sec.audit.anchored", "sec.audit.not_anchored")[not check.anchored]
                print(t(note, lang, file=audit.anchor_path(db_path(args))), file=sys.stderr)
            return 0 if check.ok else 1
        df = audit.entries(con, who=args.who, action=args.action, limit=args.limit)
    finally:
        con.close()
    records = audit.as_records(df)
    if args.json:
        print(json.dumps(records, ensure_ascii=False))
        return 0
    if not records:
        print(t("cli.audit.none", lang), file=sys.stderr)
    for r in records:
        rows = "" if r["rows"] is None else str(r["rows"])
        what = _one_line(r["what"] or "")
        who = _one_line(r["who"]) + (f" [{_one_line(r['os_user'])}:{r['os_uid']}]" if r["os_user"] is not None else "")
        print(f"{r['id']:>6}  {r['at'][:19]}  {who:20s} {t('auth.action.' + r['action'], lang):28s} "
              f"{rows:>8}  {what}")
    return 0


def _one_line(text: str) -> str:
    """Control characters shown as '?' so an entry cannot forge lines or move the terminal cursor."""
    return "".join(c if c.isprintable() else "?" for c in text)[:200]
