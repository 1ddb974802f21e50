"""The audit log: entries, JSON listing, append-only in practice, tamper evidence, concurrency."""
from __future__ import annotations

import ast
import json
import os
import pwd
import re
import threading

import pytest
from seclib import ROOT, bw

from core.errors import StoreError
from data import audit


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
    pattern = re.compile(r"\b(UPDATE\s+(main\.)?audit\b|DELETE\s+FROM\s+(main\.)?audit\b"
                         r"|DROP\s+TABLE\s+(main\.)?audit\b|TRUNCATE\s+(main\.)?audit\b)", re.I)
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
        except Exception as exc:  # noqa: BLE001 - any failure is collected; the main thread asserts there is none
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


# -- issue 12, item 10: a rewritten tail is caught by the anchor outside the store -------------

def _truncate_tail(con, keep: int) -> None:
    """What someone with the raw file does: drop the last entries and set the head back to match."""
    con.execute("DELETE FROM audit WHERE id > ?", [keep])
    last_id, last_hash = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    con.execute("INSERT OR REPLACE INTO meta VALUES ('audit_head', ?)", [f"{last_id}:{last_hash}"])


def _recompute_chain(con) -> None:
    """Edit an entry, then recompute every hash after it and the head (the chain alone then passes)."""
    con.execute("UPDATE audit SET what = 'nothing to see' WHERE id = 2")
    prev = audit.GENESIS
    for row in con.execute("SELECT id, at_time, who, action, what, n_rows, os_user, os_uid FROM audit "
                           "ORDER BY id").fetchall():
        digest = audit._digest(prev, audit.Entry(*row))
        con.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, row[0]])
        prev = digest
    con.execute("INSERT OR REPLACE INTO meta VALUES ('audit_head', ?)", [f"{row[0]}:{prev}"])


@pytest.mark.parametrize("rewrite, reason", [(_truncate_tail, "gone from the store"),
                                             (_recompute_chain, "differs from its anchor")])
def test_a_rewritten_tail_fails_verify(sec_db, rewrite, reason):
    from data.store import connect

    con = connect(sec_db)
    for i in range(3):
        audit.log(con, "u_admin", "export", f"secret{i}.csv", i)
    n = audit.verify(con).entries
    assert audit.verify(con).ok and audit.verify(con).anchored
    con.close()
    con = connect(sec_db)                      # the raw file, opened by someone else
    if rewrite is _truncate_tail:
        rewrite(con, n - 2)
    else:
        rewrite(con)
    con.close()
    con = connect(sec_db)
    try:
        check = audit.verify(con)
    finally:
        con.close()
    assert not check.ok and reason in check.reason
    r = bw("audit", "--db", str(sec_db), "--as", "u_admin", "--verify")
    assert r.returncode == 1 and reason in r.stderr


def test_the_anchor_is_private_beside_the_store_and_not_in_backups(sec_con, sec_db, tmp_path):
    from data import backup

    audit.log(sec_con, "u_admin", "export", "x.csv", 1)
    anchor = audit.anchor_path(sec_db)
    assert (anchor.stat().st_mode & 0o777) == 0o600
    last_id, last_hash = sec_con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert anchor.read_text().splitlines()[-1] == f"{last_id} {last_hash}"
    (tmp_path / "bk").mkdir()
    res = backup.backup(sec_con, tmp_path / "bk" / "copy.duckdb", who="u_admin")
    assert os.listdir(tmp_path / "bk") == ["copy.duckdb"]          # the anchor never travels with a backup
    assert not audit.anchor_path(res["file"]).exists()


def test_a_lost_or_foreign_anchor_fails_verify(sec_con, sec_db):
    audit.log(sec_con, "u_admin", "export", "x.csv", 1)
    anchor = audit.anchor_path(sec_db)
    kept = anchor.read_bytes()
    anchor.unlink()
    check = audit.verify(sec_con)
    assert not check.ok and "missing" in check.reason
    anchor.write_bytes(kept)
    os.chmod(anchor, 0o666)                    # writable by others: worthless as evidence
    check = audit.verify(sec_con)
    assert not check.ok and "not a private file" in check.reason
    os.chmod(anchor, 0o600)
    assert audit.verify(sec_con).ok


def test_an_attacker_planted_anchor_symlink_is_refused(sec_con, sec_db, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    anchor = audit.anchor_path(sec_db)
    anchor.unlink(missing_ok=True)
    anchor.symlink_to(victim)
    with pytest.raises(StoreError, match="audit"):
        audit.log(sec_con, "u_admin", "export", "x.csv", 1)
    assert victim.read_text() == "keep"
