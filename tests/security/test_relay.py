"""The CLI → app relay (issue 12, item 1): another OS user's requests are never run, requests
expire, nothing waiting at start-up runs, backups go only into ``backups/`` by name — and the
store's owner can still back up and restore while the app serves.

The attacker is a real second OS account (``nobody``, through ``setpriv``) writing into a shared,
world-writable folder, as in the review.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from seclib import NOBODY, ROOT, as_nobody, bw, copy_store

from data import audit, backup
from data.store import connect

APP_STANDIN = textwrap.dedent("""
    import sys, time
    from data.store import connect
    from data.backup import start_agent
    con = connect(sys.argv[1])
    start_agent(con, interval=0.1)
    print("ready", flush=True)
    cur = con.cursor()
    while True:                      # keep writing, like an app with active editors
        cur.execute("INSERT OR REPLACE INTO meta VALUES ('heartbeat', ?)", [str(time.time())])
        time.sleep(0.02)
""")


@pytest.fixture()
def shared(accounts_template):
    """A world-writable folder (0777, no sticky bit) holding the store, as in the review."""
    folder = Path(tempfile.mkdtemp(prefix="bw-shared-", dir="/tmp"))
    os.chmod(folder, 0o777)
    db = copy_store(accounts_template, folder / "store.duckdb")
    yield folder, db
    shutil.rmtree(folder, ignore_errors=True)


def _start_app(db: Path):
    """The app stand-in; its log (stderr) goes to a file beside the store, read by :func:`_log` and :func:`_stop`."""
    log = open(db.with_name(db.name + ".app.log"), "w+")
    proc = subprocess.Popen([sys.executable, "-c", APP_STANDIN, str(db)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=log, text=True, env={**os.environ, "BORDERWATCH_LANG": "en"})
    proc.log = log
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _log(proc) -> str:
    proc.log.seek(0)
    return proc.log.read()


def _stop(proc) -> str:
    proc.kill()
    proc.communicate(timeout=30)
    err = _log(proc)
    proc.log.close()
    return err


def _counts(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {"incidents": con.execute("SELECT count(*) FROM incidents").fetchone()[0],
                "relayed": con.execute("SELECT count(*) FROM audit "
                                       "WHERE action IN ('backup', 'restore')").fetchone()[0]}
    finally:
        con.close()


def _attacker_store(folder: Path) -> Path:
    """A store of the attacker's with one incident, readable by everyone."""
    evil = folder / "evil.duckdb"
    con = connect(evil)
    try:
        con.execute("INSERT INTO meta VALUES ('x', 'y')")
    finally:
        con.close()
    src = duckdb.connect(str(evil))
    src.close()
    os.chmod(evil, 0o644)
    os.chown(evil, NOBODY, NOBODY)
    return evil


def _requests(folder: Path, evil: Path) -> list[dict]:
    now = time.time()
    return [
        {"op": "backup", "file": str(folder / "leak.duckdb"), "name": "leak.duckdb", "as_user": "u_admin", "at": now},
        {"op": "restore", "file": str(evil), "name": evil.name, "as_user": "u_admin", "at": now},
        {"op": "backup", "file": str(folder / "sub" / ".." / "victim.txt"), "name": "../victim.txt",
         "as_user": "u_admin", "overwrite": True, "at": now},
    ]


def _drop_as_nobody(spool: Path, bodies: list[dict], *, make_spool: bool) -> None:
    lines = [f"mkdir -p '{spool}' && chmod 777 '{spool}'"] if make_spool else []
    for i, body in enumerate(bodies):
        lines.append(f"printf '%s' '{json.dumps(body)}' > '{spool}/evil{i}.request.json'")
    r = as_nobody(" && ".join(lines))
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("spool_by", ["attacker", "owner-but-0777"])
def test_requests_of_another_os_user_are_never_run(shared, spool_by):
    folder, db = shared
    victim = folder / "victim.txt"
    victim.write_text("keep me")
    evil = _attacker_store(folder)
    before = _counts(db)
    spool = backup.spool_dir(db)
    if spool_by == "owner-but-0777":       # the owner's folder, opened up by a careless chmod
        spool.mkdir()
        os.chmod(spool, 0o777)
    app = _start_app(db)
    try:
        _drop_as_nobody(spool, _requests(folder, evil), make_spool=spool_by == "attacker")
        deadline = time.monotonic() + 60
        while "relay: not serving" not in _log(app):    # the agent has looked at the spool and refused it
            assert time.monotonic() < deadline and app.poll() is None, _log(app)
            time.sleep(0.05)
        time.sleep(0.5)                    # five more agent rounds (0.1 s apart) that must not run them either
        assert len(os.listdir(spool)) == 3          # all three still waiting: none was taken (a taken one is unlinked)
    finally:
        err = _stop(app)
    assert not (folder / "leak.duckdb").exists() and not (folder / "backups" / "leak.duckdb").exists()
    assert victim.read_text() == "keep me"
    assert _counts(db) == before           # nothing restored, nothing relayed, nothing logged as admin
    assert "relay: not serving" in err and "not safe" in err      # and the refusal is logged


def test_cli_refuses_a_spool_folder_it_does_not_own(shared):
    folder, db = shared
    spool = backup.spool_dir(db)
    assert as_nobody(f"mkdir '{spool}' && chmod 777 '{spool}'").returncode == 0
    app = _start_app(db)
    try:
        r = bw("backup", "mine.duckdb", "--db", str(db), "--as", "u_admin")
    finally:
        _stop(app)
    assert r.returncode == 1 and "not safe" in r.stderr and "uid 65534" in r.stderr
    assert os.listdir(spool) == []         # the request was never handed to the attacker's folder
    assert not (folder / "backups" / "mine.duckdb").exists()


def test_the_owner_still_backs_up_and_restores_through_the_app(shared):
    folder, db = shared
    app = _start_app(db)
    try:
        r = bw("backup", "snap.duckdb", "--db", str(db), "--as", "u_admin", "--json")
        assert r.returncode == 0, r.stderr
        snap = folder / "backups" / "snap.duckdb"
        assert json.loads(r.stdout)["file"] == str(snap) and (snap.stat().st_mode & 0o777) == 0o600
        assert ((folder / "backups").stat().st_mode & 0o777) == 0o700
        r = bw("restore", "snap.duckdb", "--db", str(db), "--as", "u_admin")
        assert r.returncode == 0, r.stderr
    finally:
        _stop(app)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT who, action, os_user, os_uid FROM audit WHERE action IN ('backup', 'restore') "
                           "ORDER BY id").fetchall()
    finally:
        con.close()
    me = audit.Origin.this_process()
    # backup, the safety copy before the restore, the restore: the claim and the kernel's uid side by side
    assert rows == [("u_admin", "backup", me.user, me.uid)] * 2 + [("u_admin", "restore", me.user, me.uid)]


def _drop(spool: Path, body: dict, *, mode: int = 0o600) -> str:
    spool.mkdir(mode=0o700, exist_ok=True)
    name = f"{time.time_ns()}{backup.REQUEST_SUFFIX}"
    fd = os.open(spool / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.fchmod(fd, mode)
    os.write(fd, json.dumps(body).encode())
    os.close(fd)
    return name


def test_old_future_or_undated_requests_are_dropped_and_logged(sec_con, sec_db, caplog):
    spool = backup.spool_dir(sec_db)
    for at in (time.time() - 61, time.time() + 3600, None, "2026-01-01T00:00:00"):
        _drop(spool, {"op": "backup", "name": "late.duckdb", "as_user": "u_admin", "at": at})
    with caplog.at_level(logging.WARNING, logger="borderwatch.backup"):
        assert backup.serve_spool(sec_con, sec_db) == []
    assert not (sec_db.parent / "backups" / "late.duckdb").exists() and os.listdir(spool) == []
    assert sum("dropped request" in r.getMessage() for r in caplog.records) == 4
    assert any("expired" in r.getMessage() for r in caplog.records)


def test_a_fresh_request_of_the_owner_runs_a_wide_one_does_not(sec_con, sec_db, caplog):
    spool = backup.spool_dir(sec_db)
    _drop(spool, {"op": "backup", "name": "wide.duckdb", "as_user": "u_admin", "at": time.time()}, mode=0o644)
    _drop(spool, {"op": "backup", "name": "ok.duckdb", "as_user": "u_admin", "at": time.time()})
    answers = backup.serve_spool(sec_con, sec_db)
    assert [a["ok"] for a in answers] == [True]
    assert (sec_db.parent / "backups" / "ok.duckdb").exists()
    assert not (sec_db.parent / "backups" / "wide.duckdb").exists()
    assert any("mode 0644" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("name", ["../victim.duckdb", "/tmp/elsewhere.duckdb", "sub/x.duckdb", ".hidden.duckdb",
                                  "x.txt", "..duckdb", ""])
def test_relayed_files_are_names_in_the_backups_folder(sec_con, sec_db, name):
    spool = backup.spool_dir(sec_db)
    victim = sec_db.parent / "victim.duckdb"
    victim.write_bytes(b"unrelated")
    _drop(spool, {"op": "backup", "name": name, "file": str(victim), "as_user": "u_admin", "overwrite": True,
                  "at": time.time()})
    [answer] = backup.serve_spool(sec_con, sec_db)
    assert answer["ok"] is False and answer["exit_code"] == 2 and "backups" in answer["error"]
    assert victim.read_bytes() == b"unrelated" and not Path("/tmp/elsewhere.duckdb").exists()


def test_requests_waiting_at_start_up_are_never_run(sec_db, caplog):
    spool = backup.spool_dir(sec_db)
    _drop(spool, {"op": "backup", "name": "early.duckdb", "as_user": "u_admin", "at": time.time()})
    con = connect(sec_db)
    try:
        with caplog.at_level(logging.WARNING, logger="borderwatch.backup"):
            assert backup.start_agent(con, interval=0.05)
            time.sleep(0.5)
    finally:
        con.close()
    assert not (sec_db.parent / "backups" / "early.duckdb").exists() and os.listdir(spool) == []
    assert any("start-up" in r.getMessage() for r in caplog.records)


def test_the_claimed_account_still_needs_the_admin_role(sec_con, sec_db):
    spool = backup.spool_dir(sec_db)
    for who in ("u_editor", "nobody_such", ""):
        _drop(spool, {"op": "backup", "name": f"x{who}.duckdb", "as_user": who, "at": time.time()})
    answers = backup.serve_spool(sec_con, sec_db)
    assert [a["exit_code"] for a in answers] == [3, 3, 3]
    assert not list((sec_db.parent / "backups").glob("*.duckdb")) if (sec_db.parent / "backups").exists() else True
    denied = audit.entries(sec_con, action="access_denied", limit=3)
    me = audit.Origin.this_process()
    assert set(denied["os_uid"]) == {me.uid}
