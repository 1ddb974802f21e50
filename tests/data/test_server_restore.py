"""``borderwatch restore FILE --db postgresql://…`` (issue 15): a backup file replaces a server store's rows.

The rows of every table are replaced in one transaction; accounts and the audit log are kept
as in embedded mode (the audit chain verifies after, with the ``restore`` entry at its end);
anything but a borderwatch backup is refused with the reason, and the store is left unchanged.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import _cli
import duckdb
import pandas as pd
import pytest

from data import audit, store, users
from tests._pg import BIN
from tests.data.conftest import INCIDENT_HEADER

PASSWORD = "Mật-khẩu-dài-2026!"


def _run(args: list[str], *, real: bool = False) -> _cli.Result | subprocess.CompletedProcess:
    """``borderwatch ARGS`` in English, in this process (``tests/_cli.py``); ``real``: through the console
    script in a child process (the restore-into-a-server smoke test)."""
    if real:
        return _cli.run_subprocess(*args, lang="en")
    return _cli.bw(*args, lang="en")


def _counts(url: str) -> dict[str, int]:
    con = store.connect(url)
    try:
        out = store.layer_counts(con)
        for table in ("users", "audit", "import_log", "patrols", "meta"):
            out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return out
    finally:
        con.close()


@pytest.fixture()
def server_demo(pg_cluster, pg_demo_template) -> str:
    """A demo store in PostgreSQL with an admin account (created through the library, as `users add` does)."""
    name = "rst_" + os.urandom(4).hex()
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {pg_demo_template}")
    url = pg_cluster.url(name)
    con = store.connect(url)
    try:
        users.create_user(con, "admin", "admin", PASSWORD, who="setup")
    finally:
        con.close()
    return url


def _csv(path: Path, rows: list[list]) -> Path:
    pd.DataFrame(rows, columns=INCIDENT_HEADER).to_csv(path, index=False)
    return path


def test_restore_server_backup_replaces_rows_keeps_accounts_and_audit(server_demo, incident_rows, tmp_path):
    url = server_demo
    snap = tmp_path / "snap.duckdb"
    made = _run(["backup", str(snap), "--db", url, "--as", "admin", "--json"])
    assert made.returncode == 0, made.stderr
    at_backup = _counts(url)
    # after the backup: an import, a new account, an edit
    imported = _run(["import", "incidents", str(_csv(tmp_path / "late.csv", incident_rows)), "--db", url,
                     "--as", "admin"])
    assert imported.returncode == 0, imported.stderr
    con = store.connect(url)
    try:
        users.create_user(con, "lan", "editor", PASSWORD, who="admin")
        con.execute("DELETE FROM villages WHERE id = (SELECT min(id) FROM villages)")
        seq_before = store.next_id(con, "import_seq")
        audit_before = con.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        con.close()
    done = _run(["restore", str(snap), "--db", url, "--as", "admin", "--json"])
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    after = _counts(url)
    for layer in store.LAYERS:                       # the data is the backup's again
        assert after[layer] == at_backup[layer], layer
    assert after["import_log"] == at_backup["import_log"]
    con = store.connect(url)
    try:
        assert con.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-%'").fetchone()[0] == 0
        # accounts and the audit log are security state: never rolled back
        assert sorted(r[0] for r in con.execute("SELECT name FROM users").fetchall()) == ["admin", "lan"]
        log = audit.entries(con, newest_first=False)
        assert len(log) == audit_before + 2                 # the safety copy's backup, then the restore
        assert list(log["action"].iloc[-2:]) == ["backup", "restore"]
        assert log["what"].iloc[-1] == str(snap) and log["who"].iloc[-1] == "admin"
        assert "import" in set(log["action"])        # the import after the backup stays on record
        check = audit.verify(con)
        assert check.ok, check.reason
        assert store.next_id(con, "import_seq") > seq_before      # ids already handed out are not reused
    finally:
        con.close()
    verify = _run(["audit", "--verify", "--db", url, "--as", "admin"])
    assert verify.returncode == 0, verify.stderr
    # the safety copy holds the store as it was just before the restore
    safety = Path(result["safety_copy"])
    assert safety.parent == tmp_path and oct(safety.stat().st_mode & 0o777) == "0o600"
    scon = store.connect(safety, read_only=True)
    try:
        assert scon.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-%'").fetchone()[0] == 5
    finally:
        scon.close()


def test_restore_an_embedded_backup_into_an_empty_server(demo_db, pg_url, tmp_path):
    con = store.connect(demo_db)
    try:
        for k in range(3):
            audit.log(con, "local", "export", f"station file {k}", rows=k)
        want = store.layer_counts(con)
    finally:
        con.close()
    snap = tmp_path / "station.duckdb"
    made = _run(["backup", str(snap), "--db", str(demo_db), "--json"])
    assert made.returncode == 0, made.stderr
    with duckdb.connect(str(snap), read_only=True) as scon:
        src_audit = scon.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert src_audit == 3
    init = _run(["init", "--db", pg_url], real=True)
    assert init.returncode == 0, init.stderr
    done = _run(["restore", str(snap), "--db", pg_url, "--no-safety-copy"], real=True)
    assert done.returncode == 0, done.stderr
    con = store.connect(pg_url)
    try:
        assert store.layer_counts(con) == want
        # the server had no audit log yet: the backup's chain is taken, then the restore appended
        check = audit.verify(con)
        assert check.ok, check.reason
        assert check.entries == src_audit + 1
    finally:
        con.close()


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(server_demo, pg_cluster, tmp_path):
    url = server_demo
    before = _counts(url)
    text = tmp_path / "notes.duckdb"
    text.write_text("not a store\n", encoding="utf-8")
    other = tmp_path / "other.duckdb"                       # a DuckDB file, but not a borderwatch store
    duckdb.connect(str(other)).execute("CREATE TABLE t AS SELECT 1 AS x").close()
    for bad in (text, other):
        r = _run(["restore", str(bad), "--db", url, "--as", "admin"])
        assert r.returncode == 2, r.stderr
        assert "not a borderwatch backup" in r.stderr and "Traceback" not in r.stderr
    dbname = url.rsplit("/", 1)[1]
    dump = tmp_path / "nightly.dump"
    subprocess.run([str(BIN / "pg_dump"), "-Fc", "-h", "127.0.0.1", "-p", str(pg_cluster.port), "-U", "postgres",
                    "-d", dbname, "-f", str(dump)], check=True, capture_output=True)
    r = _run(["restore", str(dump), "--db", url, "--as", "admin"])
    assert r.returncode == 2 and "pg_restore" in r.stderr and "Traceback" not in r.stderr
    assert _counts(url) == {**before, "audit": before["audit"]}
    assert not list(tmp_path.glob("*.before-restore-*"))     # refused before any safety copy


def test_a_failing_restore_leaves_the_server_store_unchanged(server_demo, tmp_path):
    """A text with a NUL character is valid in DuckDB and refused by PostgreSQL: the restore fails part-way,
    and the transaction leaves every table as it was."""
    url = server_demo
    snap = tmp_path / "snap.duckdb"
    assert _run(["backup", str(snap), "--db", url, "--as", "admin"]).returncode == 0
    con = duckdb.connect(str(snap))
    con.execute("UPDATE villages SET name = name || chr(0) WHERE id = (SELECT max(id) FROM villages)")
    con.execute("DELETE FROM incidents WHERE id IN (SELECT id FROM incidents LIMIT 100)")
    con.close()
    before = _counts(url)
    r = _run(["restore", str(snap), "--db", url, "--as", "admin", "--no-safety-copy"])
    assert r.returncode == 1, r.stderr                     # a store error, reported with its reason
    assert "data unchanged" in r.stderr and "NULL-byte" in r.stderr
    assert "Traceback" not in r.stderr
    after = _counts(url)
    assert after == before
    con = store.connect(url)
    try:
        assert audit.verify(con).ok
    finally:
        con.close()
