"""Server mode (issue 15): the same store functions on a PostgreSQL + PostGIS database.

Store-level behaviour runs in both modes (``any_empty`` / ``any_demo`` are parametrised over a
DuckDB file and a PostgreSQL database of the session's throw-away cluster); the rest is what only
a server has: a password refused in the URL, eight importing processes at once, two stores
giving the same analysis numbers, and ``migrate`` both ways.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import _cli
import numpy as np
import pandas as pd
import pytest
from _fork import ForkServer

from core.errors import StoreError, ValidationError
from data import audit, store, users
from data.analysis import emerging_for, hotspots_for
from data.filters import Filter
from data.importers import import_file
from data.migrate import schema_tables
from tests.data.conftest import INCIDENT_HEADER, TIMES

ROOT = Path(__file__).resolve().parents[2]
BW = [str(Path(sys.executable).with_name("borderwatch"))]


def _run(args: list[str]) -> _cli.Result:
    return _cli.bw(*args, lang="en")


# -- selecting server mode ------------------------------------------------------------------

def test_password_in_url_is_refused_and_never_shown():
    with pytest.raises(StoreError) as err:
        store.connect("postgresql://bw:s3cr3t-pw@127.0.0.1:5432/borderwatch")
    assert "PGPASSWORD" in str(err.value) and "s3cr3t-pw" not in str(err.value)


def test_url_becomes_a_libpq_string_with_timeouts(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_LANG", "en")
    dsn = store.server_dsn("postgresql://bw_app@db.example:5433/border?sslmode=verify-full&sslrootcert=/etc/ca.pem")
    assert "host='db.example'" in dsn and "port='5433'" in dsn and "dbname='border'" in dsn
    assert "user='bw_app'" in dsn and "sslmode='verify-full'" in dsn and "sslrootcert='/etc/ca.pem'" in dsn
    assert "idle_in_transaction_session_timeout=" in dsn
    with pytest.raises(StoreError, match="not accepted"):
        store.server_dsn("postgresql://bw@h/db?password=x")
    with pytest.raises(StoreError, match="no database"):
        store.server_dsn("postgresql://bw@h:5432/")


def test_server_store_has_postgis_types_and_gist_indexes(pg_url):
    con = store.connect(pg_url)
    try:
        types = dict(store.pg_query(con, "SELECT column_name, format_type(atttypid, atttypmod) FROM "
                                         "information_schema.columns c JOIN pg_attribute a ON a.attname = "
                                         "c.column_name AND a.attrelid = 'incidents'::regclass "
                                         "WHERE c.table_name = 'incidents'"))
        assert types["geom"] == "geometry(Geometry,4326)"
        assert types["h3_9"] == "bigint" and types["id"] == "text"
        gist = {r[0] for r in store.pg_query(con, "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gist%'")}
        assert {"incidents_geom_gist", "villages_geom_gist", "stations_area_gist"} <= gist
        # every table the migrations create exists in PostgreSQL too
        pg_tables = {r[0] for r in store.pg_query(con, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert set(schema_tables()) <= pg_tables
    finally:
        con.close()


def test_init_on_a_server_then_refuses_a_second_time(pg_url):
    first = _run(["init", "--db", pg_url])
    assert first.returncode == 0, first.stderr
    second = _run(["init", "--db", pg_url])
    assert second.returncode == 2 and "already holds" in second.stderr
    con = store.connect(pg_url)
    try:
        assert store.get_meta(con, "demo") == "false"
        assert con.execute("SELECT count(*) FROM communes").fetchone()[0] > 0
    finally:
        con.close()


def test_server_mode_messages_in_vietnamese_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERWATCH_LANG", "vi")
    with pytest.raises(StoreError, match="Không chấp nhận mật khẩu") as err:
        store.server_dsn("postgresql://bw:s3cr3t-pw@127.0.0.1:5432/borderwatch")
    assert "s3cr3t-pw" not in str(err.value)
    with pytest.raises(StoreError, match="không nêu tên cơ sở dữ liệu"):
        store.server_dsn("postgresql://bw@h:5432/")
    r = _run(["migrate", "--from", str(tmp_path / "none.duckdb"), "--to", "postgresql://bw@h/db", "--lang", "vi"])
    assert r.returncode == 2 and "Không tìm thấy kho dữ liệu" in r.stderr
    r = _run(["migrate", "--from", str(tmp_path / "none.duckdb"), "--to", "postgresql://bw@h/db"])
    assert r.returncode == 2 and "Store not found" in r.stderr


# -- the same behaviour in both modes -------------------------------------------------------

def _csv(path: Path, rows: list[list]) -> Path:
    pd.DataFrame(rows, columns=INCIDENT_HEADER).to_csv(path, index=False)
    return path


def test_import_round_trip_and_reimport(any_demo, incident_rows, tmp_path):
    src = _csv(tmp_path / "inc.csv", incident_rows)
    con = store.connect(any_demo)
    try:
        res = import_file(con, "incidents", src, who="lan")
        assert (res.rows_new, res.rows_unchanged) == (5, 0)
        back = store.read_layer(con, "incidents", where="id LIKE 'IMP-%'").sort_values("id")
        assert list(back["id"]) == [f"IMP-{k}" for k in range(1, 6)]
        assert list(back["occurred_at"]) == [pd.Timestamp(v) for v in TIMES.values()]
        for (_, r), row in zip(back.iterrows(), incident_rows, strict=True):
            assert (r.geometry.y, r.geometry.x) == (pytest.approx(row[2], abs=1e-12), pytest.approx(row[3], abs=1e-12))
        again = import_file(con, "incidents", src, who="lan")
        assert (again.rows_new, again.rows_unchanged) == (0, 5)
        assert again.import_id > res.import_id
        assert con.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-%'").fetchone()[0] == 5
        # a refused import leaves nothing behind, in both modes
        bad = [r[:] for r in incident_rows]
        bad[0][0], bad[1][0] = "IMP-X1", "IMP-X2"
        bad[1][5] = "not a drug"
        before = con.execute("SELECT count(*) FROM import_log").fetchone()[0]
        with pytest.raises(ValidationError):
            import_file(con, "incidents", _csv(tmp_path / "bad.csv", bad), who="lan")
        assert con.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-X%'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM import_log").fetchone()[0] == before
    finally:
        con.close()


def test_audit_chain_verifies_and_catches_an_edit(any_empty):
    con = store.connect(any_empty)
    try:
        for k in range(5):
            audit.log(con, "lan", "export", f"file {k}", rows=k)
        check = audit.verify(con)
        assert check.ok and check.entries == 5
        con.execute("UPDATE audit SET what = 'other' WHERE id = 3")
        check = audit.verify(con)
        assert not check.ok and check.bad_id == 3
    finally:
        con.close()


def test_accounts_and_login(any_empty):
    con = store.connect(any_empty)
    try:
        users.create_user(con, "lan", "editor", "Mật-khẩu-dài-2026!", who="admin")
        user = users.verify(con, "lan", "Mật-khẩu-dài-2026!", sleep=lambda s: None)
        assert (user.name, user.role) == ("lan", "editor")
        with pytest.raises(users.LoginFailed):
            users.verify(con, "lan", "wrong password", sleep=lambda s: None)
        assert con.execute("SELECT failures FROM login_failures WHERE name = 'lan'").fetchone()[0] == 1
        actions = list(audit.entries(con, newest_first=False)["action"])
        assert actions[-2:] == ["login", "login_failed"]
        assert audit.verify(con).ok
    finally:
        con.close()


# -- many writers ---------------------------------------------------------------------------

def test_eight_concurrent_importers(pg_demo_template, pg_cluster, incident_rows, tmp_path):
    """Four processes import the same file, four others a file each, all at once: every row once,
    no error, one import_log row per process, and the audit chain whole."""
    name = "conc_" + os.urandom(4).hex()
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {pg_demo_template}")
    url = pg_cluster.url(name)
    shared = _csv(tmp_path / "shared.csv", incident_rows)
    own = []
    for p in range(4):
        rows = [[f"P{p}-{r[0]}"] + r[1:] for r in incident_rows]
        own.append(_csv(tmp_path / f"own{p}.csv", rows))
    # eight processes forked from one that imported borderwatch (tests/_fork.py): the same commands, at once,
    # without eight Python start-ups
    with ForkServer(tmp_path, env={"BORDERWATCH_LANG": "en"}) as fork:
        pids = [fork.start("import", "incidents", f, "--db", url) for f in [shared] * 4 + own]
        results = [(fork.wait(pid), fork.stderr(pid)) for pid in pids]
    assert [code for code, _ in results] == [0] * 8, [err for _, err in results]
    con = store.connect(url)
    try:
        assert con.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-%'").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM incidents WHERE id LIKE 'P_-IMP-%'").fetchone()[0] == 20
        log = con.execute("SELECT file, rows_in, rows_unchanged FROM import_log WHERE file LIKE '%.csv'").df()
        assert len(log) == 8
        shared_log = log[log["file"] == "shared.csv"].sort_values("rows_unchanged")
        assert list(shared_log["rows_unchanged"]) == [0, 5, 5, 5]     # written once, found unchanged 3 times
        check = audit.verify(con)
        assert check.ok, check.reason
        assert (audit.entries(con)["action"] == "import").sum() == 8
    finally:
        con.close()
    verify = _run(["audit", "--verify", "--db", url])
    assert verify.returncode == 0, verify.stderr


def test_concurrent_audit_appends_from_threads_and_processes(pg_url):
    con = store.connect(pg_url)
    con.close()
    code = ("import sys; from data import store, audit; c = store.connect(sys.argv[1]);"
            "[audit.log(c, 'p', 'export', str(i)) for i in range(25)]; c.close()")
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errs = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert [e[0] for e in errs] == [0] * 4, errs
    con = store.connect(pg_url)
    try:
        check = audit.verify(con)
        assert check.ok and check.entries == 100
    finally:
        con.close()


# -- same numbers in both modes -------------------------------------------------------------

def test_analysis_identical_between_modes(demo_db, pg_demo_template, pg_cluster):
    import datetime as dt

    name = "same_" + os.urandom(4).hex()
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {pg_demo_template}")
    flt = Filter(date_from=dt.date(2025, 1, 1), date_to=dt.date(2026, 6, 30))
    out = {}
    for mode, db in (("duckdb", demo_db), ("postgres", pg_cluster.url(name))):
        con = store.connect(db)
        try:
            out[mode] = (hotspots_for(con, flt).sort_values("h3").reset_index(drop=True),
                         emerging_for(con, flt).sort_values("h3").reset_index(drop=True))
        finally:
            con.close()
    (h1, e1), (h2, e2) = out["duckdb"], out["postgres"]
    assert len(h1) > 100 and list(h1["h3"]) == list(h2["h3"])
    assert (h1["count"].to_numpy() == h2["count"].to_numpy()).all()
    np.testing.assert_allclose(h1["z"].to_numpy(float), h2["z"].to_numpy(float), rtol=0, atol=1e-9)
    assert list(h1["bin"]) == list(h2["bin"])
    assert list(e1.columns) == list(e2.columns) and list(e1["h3"]) == list(e2["h3"])
    for col in e1.columns:
        a, b = e1[col], e2[col]
        if pd.api.types.is_float_dtype(a):
            np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=0, atol=1e-9)
        else:
            assert list(a.astype(str)) == list(b.astype(str)), col


# -- migrate both ways ----------------------------------------------------------------------

def _table_text(con) -> dict[str, list[tuple]]:
    out = {}
    for table in schema_tables():
        cols = [c for c in store.table_columns(con, table)]
        sel = ", ".join(f"ST_AsText({c})" if c in ("geom", "area") else
                        (f"CAST({c} AS UBIGINT)" if c == "h3_9" else f'"{c}"') for c in cols)
        rows = con.execute(f"SELECT {sel} FROM {table}").fetchall()
        out[table] = sorted(tuple(str(v) for v in r) for r in rows)
    return out


def test_migrate_file_to_server_and_back(demo_db_template, pg_url, tmp_path, incident_rows):
    demo_db = tmp_path / "own.duckdb"             # demo_db is held open by incident_rows' fixture
    shutil.copy(demo_db_template, demo_db)
    con = store.connect(demo_db)
    users.create_user(con, "admin", "admin", "Mật-khẩu-dài-2026!", who="setup")
    audit.log(con, "admin", "export", "before the move", rows=3)
    before = _table_text(con)
    con.close()
    moved = _run(["migrate", "--from", str(demo_db), "--to", pg_url, "--as", "admin", "--json"])
    assert moved.returncode == 0, moved.stderr
    pcon = store.connect(pg_url)
    try:
        assert _table_text(pcon) == {**before, "meta": [r for r in before["meta"] if r[0] != "audit_anchor"]}
        assert audit.verify(pcon).ok
        n_import = pcon.execute("SELECT max(id) FROM import_log").fetchone()[0] or 0
        res = import_file(pcon, "incidents", _csv(tmp_path / "i.csv", incident_rows), who="admin")
        assert res.import_id > n_import            # the sequence continues after the moved imports
    finally:
        pcon.close()
    verify = _run(["audit", "--verify", "--db", pg_url, "--as", "admin"])
    assert verify.returncode == 0, verify.stderr
    back = tmp_path / "back.duckdb"
    again = _run(["migrate", "--from", pg_url, "--to", str(back), "--as", "admin"])
    assert again.returncode == 0, again.stderr
    bcon = store.connect(back)
    try:
        check = audit.verify(bcon)
        assert check.ok and check.anchored      # a file destination is anchored from the move on
        assert bcon.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-%'").fetchone()[0] == 5
        assert store.next_id(bcon, "import_seq") > res.import_id
    finally:
        bcon.close()
    refused = _run(["migrate", "--from", str(demo_db), "--to", pg_url, "--as", "admin"])
    assert refused.returncode == 2 and "already holds data" in refused.stderr


def test_backup_of_a_server_store_is_a_duckdb_snapshot(any_demo, store_mode, tmp_path):
    if store_mode != "postgres":
        pytest.skip("the embedded backup is tested in tests/security/test_backup.py")
    con = store.connect(any_demo)
    try:
        audit.log(con, "lan", "export", "x", rows=1)
        counts = store.layer_counts(con)
    finally:
        con.close()
    out = _run(["backup", str(tmp_path / "snap.duckdb"), "--db", any_demo, "--json"])
    assert out.returncode == 0, out.stderr
    assert oct((tmp_path / "snap.duckdb").stat().st_mode & 0o777) == "0o600"
    bcon = store.connect(tmp_path / "snap.duckdb", read_only=True)
    try:
        assert store.layer_counts(bcon) == counts
        assert audit.verify(bcon).ok
    finally:
        bcon.close()
    con = store.connect(any_demo)
    try:
        assert audit.entries(con, limit=1)["action"].iloc[0] == "backup"
        assert audit.verify(con).ok
    finally:
        con.close()
    back = _run(["restore", str(tmp_path / "snap.duckdb"), "--db", any_demo, "--no-safety-copy"])
    assert back.returncode == 0, back.stderr       # restore into a server: tests/data/test_server_restore.py
    con = store.connect(any_demo)
    try:
        assert store.layer_counts(con) == counts and audit.verify(con).ok
    finally:
        con.close()
