"""Server mode (issue 15): the password path and PostgreSQL role grants.

One role of the session's cluster logs in with ``scram-sha-256`` (a ``pg_hba.conf`` line for it
alone); its password comes from ``PGPASSWORD`` or from ``~/.pgpass`` (``HOME`` a temporary folder
holding a 0600 file), never from the command line, and never shows in output, the audit log or an
error message. A read-only role (``SELECT`` only) can read the store; an import is refused with a
clear message, not a traceback, and writes nothing.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import _cli
import pandas as pd
import pytest

from data import store
from tests._pg import BIN
from tests.data.conftest import INCIDENT_HEADER

ROOT = Path(__file__).resolve().parents[2]
BW = str(Path(sys.executable).with_name("borderwatch"))
PASSWORD = "Trạm-9-mật-khẩu-rất-dài"       # non-ASCII on purpose: libpq must pass it through unchanged
PW_ROLE = "bw_pw"


def _env(home: Path, **extra: str) -> dict[str, str | None]:
    """The variables a command sees changed: HOME a test folder, no password unless given (None: unset)."""
    return {"PGPASSWORD": None, "PGPASSFILE": None, "BORDERWATCH_DB": None, "BORDERWATCH_USER": None,
            "HOME": str(home), **extra}


def _bw(args: list[str], env: dict[str, str | None]) -> _cli.Result:
    """``borderwatch ARGS`` in English in this process (``tests/_cli.py``), ``env`` set for the call only:
    libpq reads PGPASSWORD and HOME (``~/.pgpass``) from the process environment when it connects."""
    return _cli.bw(*args, lang="en", env=env)


@pytest.fixture(scope="module")
def scram_db(pg_cluster) -> str:
    """A database owned by a role that must give a password (scram-sha-256); its URL (no password in it)."""
    pg_cluster.psql(f"CREATE ROLE {PW_ROLE} LOGIN PASSWORD '{PASSWORD}'")
    hba = pg_cluster.data / "pg_hba.conf"
    rule = f"host all {PW_ROLE} 127.0.0.1/32 scram-sha-256\n"
    hba.write_text(rule + hba.read_text())          # first match wins: this role only
    pg_cluster._run([str(BIN / "pg_ctl"), "-D", str(pg_cluster.data), "reload"])
    url = pg_cluster.new_database("scram")
    name = url.rsplit("/", 1)[1]
    pg_cluster.psql(f"ALTER DATABASE {name} OWNER TO {PW_ROLE}")
    assert pg_cluster.psql(f"SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = '{PW_ROLE}'"
                           ) == "t"
    return url.replace("postgres@", f"{PW_ROLE}@")


def _no_password_anywhere(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text


def test_password_from_pgpassword_and_pgpass_never_shown(scram_db, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # no password at all: refused with libpq's reason, no traceback
    bare = _bw(["init", "--db", scram_db], _env(home))
    assert bare.returncode != 0 and "Traceback" not in bare.stderr
    assert "password" in bare.stderr.lower() and "PostgreSQL store" in bare.stderr
    # a wrong password: refused, and neither password appears in the message
    wrong = "Sai-mật-khẩu-42"
    bad = _bw(["init", "--db", scram_db], _env(home, PGPASSWORD=wrong))
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "password authentication failed" in bad.stderr
    assert wrong not in bad.stderr + bad.stdout
    _no_password_anywhere(bad.stderr, bad.stdout)
    # PGPASSWORD
    ok = _bw(["init", "--db", scram_db], _env(home, PGPASSWORD=PASSWORD))
    assert ok.returncode == 0, ok.stderr
    _no_password_anywhere(ok.stderr, ok.stdout)
    # ~/.pgpass (0600) in HOME, no PGPASSWORD
    port = scram_db.split(":")[2].split("/")[0]
    pgpass = home / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{port}:*:{PW_ROLE}:{PASSWORD}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    info = _bw(["info", "--db", scram_db, "--json"], _env(home))
    assert info.returncode == 0, info.stderr
    exported = _bw(["audit", "--db", scram_db, "--json"], _env(home))
    assert exported.returncode == 0, exported.stderr
    _no_password_anywhere(info.stdout, info.stderr, exported.stdout, exported.stderr)
    # the password is in no row of the store (audit entries, meta, sessions) and in no process's argv
    old = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = PASSWORD
    try:
        con = store.connect(scram_db)
        try:
            for table in ("audit", "meta", "import_log"):
                rows = con.execute(f"SELECT * FROM {table}").fetchall()
                _no_password_anywhere(repr(rows))
            dbs = con.execute("SELECT path FROM duckdb_databases()").fetchall()
            _no_password_anywhere(repr(dbs))
        finally:
            con.close()
    finally:
        if old is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = old
    env = {k: v for k, v in {**os.environ, **_env(home), "BORDERWATCH_LANG": "en"}.items() if v is not None}
    proc = subprocess.Popen([BW, "serve", "--db", scram_db, "--port", "0", "--address", "127.0.0.1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        argv = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode("utf-8", "replace")
        _no_password_anywhere(argv)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)          # its own process group (start_new_session)
        proc.wait(timeout=30)


@pytest.fixture()
def read_only_url(pg_cluster, pg_demo_template) -> tuple[str, str]:
    """(owner URL, read-only URL) of a demo store; the read-only role holds CONNECT, USAGE and SELECT only."""
    name = "ro_" + os.urandom(4).hex()
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {pg_demo_template}")
    role = f"bw_ro_{name[3:]}"
    pg_cluster.psql(f"CREATE ROLE {role} LOGIN")
    pg_cluster.psql(f"GRANT CONNECT ON DATABASE {name} TO {role}")
    pg_cluster.psql(f"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
                    db=name)
    owner = pg_cluster.url(name)
    return owner, owner.replace("postgres@", f"{role}@")


def test_read_only_role_reads_and_an_import_is_refused_clearly(read_only_url, incident_rows, tmp_path):
    owner, ro = read_only_url
    env = _env(tmp_path)
    info = _bw(["info", "--db", ro, "--json"], env)
    assert info.returncode == 0, info.stderr
    out = tmp_path / "hot.csv"
    hot = _bw(["hotspots", "--db", ro, "--from", "2025-01-01", "--to", "2026-06-30", "--out", str(out)], env)
    assert hot.returncode == 0, hot.stderr
    cells = pd.read_csv(out)
    assert {"h3", "count", "z"} <= set(cells.columns) and len(cells) > 100
    con = store.connect(owner)
    try:
        before = store.layer_counts(con)
        n_audit = con.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        con.close()
    csv = tmp_path / "inc.csv"
    pd.DataFrame(incident_rows, columns=INCIDENT_HEADER).to_csv(csv, index=False)
    imp = _bw(["import", "incidents", str(csv), "--db", ro], env)
    assert imp.returncode != 0
    assert "Traceback" not in imp.stderr and "permission denied" in imp.stderr.lower()
    con = store.connect(owner)
    try:
        assert store.layer_counts(con) == before
        assert con.execute("SELECT count(*) FROM audit").fetchone()[0] == n_audit
    finally:
        con.close()
