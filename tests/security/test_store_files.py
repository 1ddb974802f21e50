"""The store's files (issue 12): ``demo --db`` onto an existing store (item 2), file modes whatever
the umask (item 5), left-over restore folders and ``.part`` copies (item 14)."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from seclib import PASSWORD, ROOT, bw

from data import backup
from data.store import connect

DEMO = ("--incidents", "200", "--seed", "3", "--end", "2026-11-28")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _accounts(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM users").fetchone()[0]
    finally:
        con.close()


# -- item 2: demo --db onto an existing store ------------------------------------------------

def test_demo_refuses_an_existing_store_without_force(sec_db):
    r = bw("demo", "--db", str(sec_db), *DEMO)
    assert r.returncode == 2 and "already exists" in r.stderr and "--force" in r.stderr
    assert _accounts(sec_db) == 4                      # accounts and the audit log untouched


def test_demo_refuses_a_store_another_process_holds_even_with_force(sec_db):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from data.store import connect
        con = connect(sys.argv[1]); print("ready", flush=True)
        while True:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('heartbeat', ?)", [str(time.time())]); time.sleep(0.02)
        """), str(sec_db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        r = bw("demo", "--db", str(sec_db), "--force", *DEMO)
        assert r.returncode == 2 and "in use by another process" in r.stderr
        assert holder.poll() is None                   # the app carries on with its store
    finally:
        holder.kill()
        holder.wait()
    assert _accounts(sec_db) == 4 and not Path(str(sec_db) + ".building").exists()


def test_demo_force_replaces_a_free_store_and_leaves_no_stale_wal(sec_db):
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import os, sys
        from data.store import connect
        con = connect(sys.argv[1])
        con.execute("CHECKPOINT")
        con.execute("INSERT INTO meta VALUES ('from_the_old_wal', 'x')")
        os._exit(9)                                   # killed: the old store's WAL stays beside it
        """), str(sec_db)], cwd=ROOT)
    assert killed.returncode == 9 and Path(str(sec_db) + ".wal").exists()
    r = bw("demo", "--db", str(sec_db), "--force", *DEMO)
    assert r.returncode == 0, r.stderr
    con = duckdb.connect(str(sec_db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 200
        assert con.execute("SELECT count(*) FROM meta WHERE key = 'from_the_old_wal'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    finally:
        con.close()
    assert not Path(str(sec_db) + ".audit-anchor").exists()    # the old anchor set aside, not reused
    assert list(sec_db.parent.glob("sec.duckdb.audit-anchor.replaced-*"))


# -- item 5: modes whatever the umask ----------------------------------------------------------

def _bw0(*args, stdin=None):
    """``borderwatch`` started with umask 000 (a careless shell): in this process, its umask set to 000 for the
    call (``tests/_cli.py`` puts the one before back); the command itself must tighten it before writing."""
    old = os.umask(0)
    try:
        return bw(*args, stdin=stdin)
    finally:
        os.umask(old)


def test_files_are_private_whatever_the_umask(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)
    db = folder / "s.duckdb"
    assert _bw0("demo", "--db", str(db), *DEMO).returncode == 0
    assert _mode(db) == 0o600
    r = _bw0("users", "add", "adm", "--role", "admin", "--password-stdin", "--db", str(db), stdin=PASSWORD)
    assert r.returncode == 0, r.stderr
    assert _mode(Path(str(db) + ".audit-anchor")) == 0o600
    r = _bw0("backup", str(folder / "b.duckdb"), "--db", str(db), "--as", "adm")
    assert r.returncode == 0, r.stderr
    assert _mode(folder / "b.duckdb") == 0o600
    r = _bw0("restore", str(folder / "b.duckdb"), "--db", str(db), "--as", "adm")
    assert r.returncode == 0, r.stderr
    [safety] = folder.glob("s.before-restore-*.duckdb")
    assert _mode(safety) == 0o600
    for name in ("x.csv", "x.geojson", "x.gpkg", "x.xlsx"):
        r = _bw0("export", "incidents", str(folder / name), "--db", str(db), "--as", "adm")
        assert r.returncode == 0, r.stderr
        assert _mode(folder / name) == 0o600, name
    src = folder / "in.csv"
    src.write_text("id,name,commune,lat,lon\nv1,Bản A,Hướng Lập,16.9,106.6\nv2,Bản B,Hướng Lập,not-a-number,106.7\n",
                   encoding="utf-8")
    r = _bw0("import", "villages", str(src), "--skip-invalid", "--db", str(db), "--as", "adm")
    assert r.returncode == 0, r.stderr
    assert _mode(folder / "in.csv.rejected.csv") == 0o600
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_store_and_wal_are_private_in_a_process_with_umask_000(tmp_path):
    script = textwrap.dedent("""
        import os, stat, sys
        os.umask(0)
        from data.store import connect
        con = connect(sys.argv[1])
        con.execute("CREATE TABLE t AS SELECT range AS x FROM range(1000)")
        wal = sys.argv[1] + ".wal"
        print(oct(stat.S_IMODE(os.stat(sys.argv[1]).st_mode)), oct(stat.S_IMODE(os.stat(wal).st_mode)))
        """)
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "w.duckdb")], cwd=ROOT, capture_output=True,
                         text=True, umask=0)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0o600", "0o600"]


def test_private_helpers(tmp_path):
    from data import fsmodes

    old = os.umask(0)
    try:
        with fsmodes.open_private(tmp_path / "a.csv", "w") as fh:
            fh.write("x")
        d = fsmodes.private_dir(tmp_path / "d")
        t = fsmodes.private_tempdir("bw-upload-", dir=tmp_path)
        fsmodes.private_write(tmp_path / "b.bin", lambda p: p.write_bytes(b"1"))
    finally:
        os.umask(old)
    assert [_mode(p) for p in (tmp_path / "a.csv", d, t, tmp_path / "b.bin")] == [0o600, 0o700, 0o700, 0o600]
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(OSError):
        fsmodes.open_private(tmp_path / "link", "w")
    assert not (tmp_path / "target").exists()


# -- item 14: left-overs of interrupted backups and restores ------------------------------------

SLOW_RESTORE = textwrap.dedent("""
    import sys, time
    from data import backup
    from data.store import connect
    con = connect(sys.argv[1])
    real = backup._replace_all
    def slow(*a, **k):                    # hold the moment the private copy exists
        print("copied", flush=True); time.sleep(60)
    backup._replace_all = slow
    if sys.argv[3] == "cli":
        import signal
        from cli import _terminate
        signal.signal(signal.SIGTERM, _terminate)
    backup.restore(con, sys.argv[2], who="t")
""")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_restore_folders_are_removed_on_exit_and_at_start_up(sec_db, tmp_path, how):
    snap = tmp_path / "snap.duckdb"
    con = connect(sec_db)
    backup.backup(con, snap, who="t")
    con.close()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RESTORE, str(sec_db), str(snap), "cli"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "copied"
    assert list(tmp_path.glob("bw-restore-*"))
    proc.send_signal(getattr(signal, how))
    proc.wait(timeout=30)
    if how == "SIGTERM":                  # the command cleans up on its way out
        assert not list(tmp_path.glob("bw-restore-*"))
        return
    assert list(tmp_path.glob("bw-restore-*"))           # a kill leaves it behind ...
    connect(sec_db).close()                              # ... until the store is next opened
    assert not list(tmp_path.glob("bw-restore-*"))


def test_part_files_of_dead_processes_are_removed_at_start_up_not_live_ones(sec_db, tmp_path):
    folder = backup.backups_dir(sec_db)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = folder / f".b.duckdb.{dead_pid}-0123abcd.part"
    live = folder / f".c.duckdb.{os.getppid()}-0123abcd.part"
    beside = tmp_path / f".d.duckdb.{dead_pid}-89abcdef.part"
    for p in (stale, live, beside):
        p.write_bytes(b"half a backup")
    unrelated = tmp_path / ".notes.part"
    unrelated.write_text("mine")
    connect(sec_db).close()
    assert not stale.exists() and not beside.exists()
    assert live.exists() and unrelated.exists()
