"""The command line acts as a named local account: per role, what it can and cannot run (exit 3),
local single-user mode, and password handling of ``borderwatch users``."""
from __future__ import annotations

import json
import shutil

import pytest
from seclib import bw

from data import audit, users
from data.store import connect

# command -> lowest role that may run it
NEEDS = {"export": "analyst", "export-patrols": "analyst", "import": "editor", "users": "admin", "audit": "admin",
         "backup": "admin", "map": "analyst"}
ORDER = ["viewer", "analyst", "editor", "admin"]


def _csv(tmp_path):
    path = tmp_path / "new.csv"
    path.write_text("id,occurred_at,article,drug,lat,lon\nCLI-1,2026-11-01 08:00,250,heroin,16.62,106.61\n",
                    encoding="utf-8")
    return path


def _command(name, db, tmp_path):
    return {
        "export": ["export", "incidents", str(tmp_path / "out.csv"), "--db", str(db)],
        "export-patrols": ["export-patrols", "--out", str(tmp_path / "routes.gpx"), "--db", str(db)],
        "import": ["import", "incidents", str(_csv(tmp_path)), "--db", str(db)],
        "users": ["users", "list", "--db", str(db)],
        "audit": ["audit", "--db", str(db), "--json"],
        "backup": ["backup", str(tmp_path / "bk.duckdb"), "--db", str(db), "--force"],
        "map": ["map", "--out", str(tmp_path / "m.html"), "--db", str(db)],
    }[name]


@pytest.mark.parametrize("role", ORDER)
def test_each_role_on_the_protected_commands(sec_db, tmp_path, role):
    for name, need in NEEDS.items():
        r = bw(*_command(name, sec_db, tmp_path), "--as", f"u_{role}")
        allowed = ORDER.index(role) >= ORDER.index(need)
        assert r.returncode == (0 if allowed else 3), (name, role, r.stderr)
        if not allowed:
            assert "Access denied" in r.stderr and f"u_{role}" in r.stderr
    con = connect(sec_db, read_only=True)
    denied = audit.entries(con, action="access_denied")
    con.close()
    assert len(denied) == sum(ORDER.index(role) < ORDER.index(n) for n in NEEDS.values())


def test_a_refusal_names_the_role_in_the_users_language(sec_db, tmp_path):
    r = bw("export", "villages", str(tmp_path / "v.gpkg"), "--db", str(sec_db), "--as", "u_viewer", "--lang", "vi")
    assert r.returncode == 3
    assert "tài khoản u_viewer (Người xem)" in r.stderr and "cần vai trò Cán bộ phân tích" in r.stderr, r.stderr


def test_everyone_may_run_the_aggregate_commands(sec_db, tmp_path):
    r = bw("hotspots", "--db", str(sec_db), "--out", str(tmp_path / "h.csv"), "--as", "u_viewer")
    assert r.returncode == 0, r.stderr
    assert bw("info", "--db", str(sec_db), "--as", "u_viewer").returncode == 0


def test_export_carries_the_acting_user_as_watermark(sec_db, tmp_path):
    out = tmp_path / "x.geojson"
    r = bw("export", "incidents", str(out), "--db", str(sec_db), "--as", "u_analyst", "--from", "2026-10-01")
    assert r.returncode == 0, r.stderr
    mark = json.loads(out.read_text(encoding="utf-8"))["watermark"]
    assert mark["exported_by"] == "u_analyst" and mark["exported_at"][:4] == "2026"
    con = connect(sec_db, read_only=True)
    last = audit.entries(con, limit=1).iloc[0]
    con.close()
    assert (last.who, last.action) == ("u_analyst", "export") and last.n_rows > 0


def test_import_is_audited_with_its_row_count(sec_db, tmp_path):
    r = bw("import", "incidents", str(_csv(tmp_path)), "--db", str(sec_db), "--as", "u_editor")
    assert r.returncode == 0, r.stderr
    con = connect(sec_db, read_only=True)
    last = audit.entries(con, limit=1).iloc[0]
    assert con.execute("SELECT who FROM import_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "u_editor"
    con.close()
    assert (last.who, last.action, last.n_rows) == ("u_editor", "import", 1)


def test_unknown_or_disabled_account_is_refused(sec_db, tmp_path):
    r = bw(*_command("export", sec_db, tmp_path), "--as", "ghost")
    assert r.returncode == 3 and "No active account" in r.stderr
    con = connect(sec_db)
    users.disable(con, "u_analyst", who="u_admin")
    con.close()
    r = bw(*_command("export", sec_db, tmp_path), "--as", "u_analyst")
    assert r.returncode == 3


def test_os_user_and_environment_map_to_an_account(sec_db, tmp_path):
    r = bw(*_command("users", sec_db, tmp_path), env={"BORDERWATCH_USER": "u_admin"})
    assert r.returncode == 0 and "u_viewer" in r.stdout
    r = bw(*_command("users", sec_db, tmp_path))        # the OS login name has no account here
    assert r.returncode == 3


def test_a_store_without_accounts_is_local_single_user_mode(demo_db, tmp_path):
    for name in ("export", "users", "audit", "backup"):
        r = bw(*_command(name, demo_db, tmp_path))
        assert r.returncode == 0, (name, r.stderr)
    con = connect(demo_db, read_only=True)
    assert not users.has_accounts(con)
    assert audit.entries(con, action="export", limit=1).iloc[0]["who"]   # the OS user's name
    con.close()


def test_users_add_passwd_disable_never_echo_the_password(sec_db):
    secret = "mật-khẩu-mới-của-Tâm-77"
    r = bw("users", "add", "tam", "--role", "editor", "--password-stdin", "--db", str(sec_db), "--as", "u_admin",
           stdin=secret + "\n")
    assert r.returncode == 0, r.stderr
    assert secret not in r.stdout + r.stderr
    r = bw("users", "passwd", "tam", "--password-stdin", "--db", str(sec_db), "--as", "tam",
           stdin="another-secret-88\n")
    assert r.returncode == 0, r.stderr                   # one's own password
    r = bw("users", "passwd", "u_admin", "--password-stdin", "--db", str(sec_db), "--as", "tam",
           stdin="takeover-attempt-1\n")
    assert r.returncode == 3                             # not someone else's
    r = bw("users", "disable", "tam", "--db", str(sec_db), "--as", "u_admin")
    assert r.returncode == 0
    r = bw("users", "list", "--json", "--db", str(sec_db), "--as", "u_admin")
    listed = {u["name"]: u for u in json.loads(r.stdout)}
    assert listed["tam"]["active"] is False and listed["tam"]["role"] == "editor"
    assert "pw_hash" not in listed["tam"] and secret not in r.stdout
    con = connect(sec_db, read_only=True)
    whats = " ".join(str(w) for w in audit.entries(con)["what"])
    con.close()
    assert secret not in whats and "another-secret-88" not in whats


def test_users_add_refuses_a_password_on_a_pipe_without_the_flag(sec_db):
    r = bw("users", "add", "tam", "--role", "viewer", "--db", str(sec_db), "--as", "u_admin", stdin="x\n")
    assert r.returncode == 2 and "--password-stdin" in r.stderr


def test_ensure_admin_from_environment_and_generated(demo_db, tmp_path):
    other = tmp_path / "other.duckdb"
    shutil.copy(demo_db, other)
    r = bw("users", "ensure-admin", "--db", str(demo_db), env={"BORDERWATCH_ADMIN_PASSWORD": "từ-biến-môi-trường"})
    assert r.returncode == 0 and "từ-biến-môi-trường" not in r.stdout + r.stderr
    con = connect(demo_db)
    assert users.verify(con, "admin", "từ-biến-môi-trường").role == "admin"
    con.close()
    r = bw("users", "ensure-admin", "--db", str(other))
    assert r.returncode == 0
    line = next(x for x in r.stderr.splitlines() if x.strip().startswith("password:"))
    generated = line.split(":", 1)[1].strip()
    con = connect(other)
    assert users.verify(con, "admin", generated).role == "admin"
    con.close()
    assert generated.encode() not in other.read_bytes()
    again = bw("users", "ensure-admin", "--db", str(other))
    assert again.returncode == 0 and generated not in again.stderr


# -- issue 12, item 9: the claimed account beside the OS user and uid the kernel reports ---------

def test_cli_entries_record_the_os_user_beside_the_claimed_account(sec_db, tmp_path):
    """Another OS user (nobody) who can write the store claims ``BORDERWATCH_USER=u_admin``: the claim
    still works (it is only a claim, docs/security.md), but the log shows who really ran it."""
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    from seclib import AS_NOBODY, BW, NOBODY, PASSWORD

    folder = Path(tempfile.mkdtemp(prefix="bw-nobodys-", dir="/tmp"))
    try:
        db = folder / "s.duckdb"
        shutil.copy(sec_db, db)
        for p in (folder, db):
            os.chown(p, NOBODY, NOBODY)
        env = {**os.environ, "BORDERWATCH_USER": "u_admin", "BORDERWATCH_LANG": "en", "HOME": "/tmp"}
        r = subprocess.run([*AS_NOBODY, BW, "users", "add", "mallory", "--role", "admin", "--password-stdin",
                            "--db", str(db)], input=PASSWORD, capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        con = connect(db, read_only=True)
        try:
            row = con.execute("SELECT who, action, what, os_user, os_uid FROM audit ORDER BY id DESC LIMIT 1"
                              ).fetchone()
            assert audit.verify(con).ok
        finally:
            con.close()
        assert row == ("u_admin", "user_add", row[2], "nobody", NOBODY) and "mallory" in row[2]
        r = bw("audit", "--db", str(db), "--as", "u_admin", "--limit", "3")
        assert r.returncode == 0 and "u_admin [nobody:65534]" in r.stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_app_entries_carry_no_os_identity(sec_con):
    """Entries made by the app (not the CLI) name the logged-in account only: no OS user is claimed for them."""
    audit.log(sec_con, "u_viewer", "login")
    entry = audit.as_records(audit.entries(sec_con, limit=1))[0]
    assert entry["who"] == "u_viewer" and entry["os_user"] is None and entry["os_uid"] is None
