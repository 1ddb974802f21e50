"""Crash safety: ``borderwatch import`` killed with SIGKILL at random moments, 20+ times.

After every kill the store must open (read-write, as the app opens it) with exactly the rows
it had before, table by table, by count and by a content hash. A kill that lands after the
import committed must show the complete import (all or nothing), and is then undone by
copying the original store back before the next round.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time

import duckdb

from data.store import connect
from seclib import BW

TABLES = ("incidents", "import_log", "import_rejects", "village_status", "villages", "audit", "users")
N_ROWS = 20_000


def _fingerprint(path) -> dict:
    con = connect(path)                     # opening = WAL replay, exactly what the app does
    try:
        return {t: con.execute(f"SELECT count(*), coalesce(md5(string_agg(CAST(hash(x) AS VARCHAR), ',' "
                               f"ORDER BY hash(x))), '') FROM {t} x").fetchone() for t in TABLES}
    finally:
        con.close()


def _big_csv(db, path, n: int):
    con = duckdb.connect(str(db), read_only=True)
    try:
        df = con.execute(
            "SELECT 'K-' || lpad(CAST(row_number() OVER () AS VARCHAR), 7, '0') AS id, "
            "strftime(occurred_at, '%Y-%m-%d %H:%M') AS occurred_at, article, drug, round(lat, 6) AS lat, "
            "round(lon, 6) AS lon, quantity_g, persons, description "
            "FROM (SELECT * FROM incidents UNION ALL SELECT * FROM incidents UNION ALL SELECT * FROM incidents "
            "UNION ALL SELECT * FROM incidents UNION ALL SELECT * FROM incidents UNION ALL SELECT * FROM incidents "
            "UNION ALL SELECT * FROM incidents) LIMIT ?", [n]).df()
    finally:
        con.close()
    assert len(df) == n
    df.to_csv(path, index=False)
    return path


def _import(db, csv):
    env = {**os.environ, "BORDERWATCH_LANG": "en"}
    return subprocess.Popen([BW, "import", "incidents", str(csv), "--db", str(db), "--as", "u_editor"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _put_back(pristine, db):
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    shutil.copy(pristine, db)


def test_sigkill_at_random_moments_never_leaves_half_an_import(sec_db, tmp_path):
    csv = _big_csv(sec_db, tmp_path / "big.csv", N_ROWS)
    pristine = tmp_path / "pristine.duckdb"
    shutil.copy(sec_db, pristine)
    before = _fingerprint(sec_db)
    shutil.copy(pristine, sec_db)

    # One complete run: how long an import takes, and what "all of it" looks like.
    t0 = time.monotonic()
    proc = _import(sec_db, csv)
    assert proc.wait(timeout=600) == 0, proc.stderr.read()
    full_time = time.monotonic() - t0
    complete = _fingerprint(sec_db)
    assert complete["incidents"][0] == before["incidents"][0] + N_ROWS
    _put_back(pristine, sec_db)

    rng = random.Random(233)
    kills, finished, rounds = 0, 0, 0
    while kills < 22 and rounds < 45:
        rounds += 1
        # half the moments anywhere, half in the last stretch (writing, commit, checkpoint)
        delay = rng.uniform(0.3, full_time) if rounds % 2 else rng.uniform(0.6 * full_time, 1.05 * full_time)
        proc = _import(sec_db, csv)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        else:
            finished += 1
        after = _fingerprint(sec_db)
        if after == before:
            continue
        # Killed after COMMIT (or not killed): the whole import must be there, nothing less.
        assert after["incidents"] == complete["incidents"], f"round {rounds}: partial import after kill at {delay:.2f}s"
        assert after["import_log"][0] == before["import_log"][0] + 1
        _put_back(pristine, sec_db)
    print(f"kills={kills} finished_first={finished} rounds={rounds} full_import={full_time:.1f}s")
    assert kills >= 20, f"only {kills} kills landed while the import ran ({finished} finished first)"

    # And the store still takes the import afterwards.
    proc = _import(sec_db, csv)
    assert proc.wait(timeout=600) == 0
    assert _fingerprint(sec_db)["incidents"] == complete["incidents"]
