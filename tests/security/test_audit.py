"""The audit log: entries, JSON listing, append-only in practice, tamper evidence, concurrency."""
from __future__ import annotations

import ast
import json
import os
import pwd
import re
import threading

import pytest

from data import audit
from seclib import ROOT, bw


def _me() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def test_log_and_list_newest_first(sec_con):
    a = audit.log(sec_con, "u_editor", "import", "incidents: bad.csv", 120)
    b = audit.log(sec_con, "u_analyst", "export", "incidents → x.csv", 40)
    df = audit.entries(sec_con, limit=2)
    assert list(df["id"]) == [b, a]
    assert list(df["action"]) == ["export", "import"] and list(df["n_rows"]) == [40, 120]
    assert list(audit.entries(sec_con, who="u_editor")["what"]) == ["incidents: bad.csv"]
    assert audit.verify(sec_con).ok


def test_unknown_action_is_refused(sec_con):
    with pytest.raises(ValueError):
        audit.log(sec_con, "x", "drop_everything")


def test_module_offers_no_way_to_change_or_remove_entries():
    public = {n for n in dir(audit) if not n.startswith("_") and callable(getattr(audit, n))}
    assert not {n for n in public if re.search(r"update|delete|remove|clear|truncate|edit|purge|set_", n)}
    assert {"log", "entries", "verify"} <= public


def _sql_strings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.JoinedStr):
            yield "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def test_no_code_in_the_project_updates_or_deletes_audit_rows():
    offenders = []
    pattern = re.compile(r"\b(UPDATE\s+(main\.)?audit\b|DELETE\s+FROM\s+(main\.)?audit\b|DROP\s+TABLE\s+(main\.)?audit\b"
                         r"|TRUNCATE\s+(main\.)?audit\b)", re.I)
    for folder in ("core", "data", "cli", "ui", "layers", "report"):
        for path in (ROOT / folder).rglob("*.py"):
            for text in _sql_strings(path):
                if pattern.search(text):
                    offenders.append(f"{path.relative_to(ROOT)}: {text[:60]}")
    assert (ROOT / "app.py").exists()
    for text in _sql_strings(ROOT / "app.py"):
        assert not pattern.search(text)
    assert offenders == []


@pytest.mark.parametrize("tamper, reason", [
    ("UPDATE audit SET n_rows = 1 WHERE id = 2", "altered"),
    ("UPDATE audit SET who = 'someone' WHERE id = 1", "altered"),
    ("DELETE FROM audit WHERE id = 2", "missing"),
    ("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", "head"),
])
def test_any_edit_or_removal_breaks_the_chain(sec_con, tamper, reason):
    for i in range(3):
        audit.log(sec_con, "u_editor", "import", f"file{i}.csv", i)
    assert audit.verify(sec_con).ok
    sec_con.execute(tamper)   # what someone with the raw file could do
    check = audit.verify(sec_con)
    assert not check.ok and reason in check.reason


def test_concurrent_writers_keep_one_unbroken_chain(sec_con):
    errors = []

    def worker(k):
        cur = sec_con.cursor()
        try:
            for i in range(25):
                audit.log(cur, f"user{k}", "export", f"{k}-{i}", i)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    check = audit.verify(sec_con)
    assert check.ok and check.entries == 8 * 25 + 4   # + the 4 account creations of the fixture


def test_cli_lists_json_for_admins_only(sec_db):
    r = bw("audit", "--db", str(sec_db), "--as", "u_admin", "--json")
    assert r.returncode == 0, r.stderr
    entries = json.loads(r.stdout)
    assert isinstance(entries, list) and entries[0]["id"] > entries[-1]["id"]
    assert {"id", "at", "who", "action", "what", "rows", "os_user", "os_uid"} == set(entries[0])
    assert [e["action"] for e in entries if e["action"] == "user_add"] and all(e["who"] for e in entries)
    r = bw("audit", "--db", str(sec_db), "--as", "u_analyst")
    assert r.returncode == 3 and "Access denied" in r.stderr
    r = bw("audit", "--db", str(sec_db), "--as", "u_admin", "--json")
    denied = json.loads(r.stdout)[0]
    assert denied["action"] == "access_denied"   # the refusal was recorded, with who really asked
    assert denied["who"] == "u_analyst" and (denied["os_user"], denied["os_uid"]) == (_me(), os.geteuid())
    r = bw("audit", "--db", str(sec_db), "--as", "u_admin", "--verify")
    assert r.returncode == 0 and "intact" in r.stderr


def test_cli_text_listing_neutralises_control_characters(sec_con, sec_db):
    audit.log(sec_con, "u_admin", "export", "evil\x1b[2J\nforged line", 1)
    sec_con.close()
    r = bw("audit", "--db", str(sec_db), "--as", "u_admin", "--limit", "1")
    assert r.returncode == 0
    assert "\x1b" not in r.stdout and r.stdout.count("\n") == 1 and "evil?[2J?forged line" in r.stdout
