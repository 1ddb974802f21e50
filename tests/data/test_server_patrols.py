"""Server mode (issue 15): patrol imports from many processes at once against one PostgreSQL store.

Eight ``borderwatch import patrols`` processes start together: four import the same Garmin file,
four others a file each whose tracks overlap their neighbour's. Every track must be stored once,
every process must succeed, and the audit chain must verify.
"""
from __future__ import annotations

import datetime as dt
import os

import _cli
from _fork import ForkServer
from gpxfiles import UTC, garmin_gpx, walk

from data import audit, store
from data.store import read_layer

T0 = dt.datetime(2024, 3, 5, 1, 0, 0, tzinfo=UTC)      # 08:00 Vietnam time


def _tracks(con) -> list[list[tuple]]:
    """Five distinct walks along one trail, a day apart (so five patrols)."""
    line = read_layer(con, "trails", where="id = ?", params=["TR-VANRI"]).geometry.iloc[0]
    return [walk(line, start_utc=T0 + dt.timedelta(days=k), frm=0.45 + 0.02 * k, to=0.6 + 0.02 * k)
            for k in range(5)]


def test_eight_concurrent_patrol_imports_overlapping(pg_demo_template, pg_cluster, tmp_path):
    name = "patc_" + os.urandom(4).hex()
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {pg_demo_template}")
    url = pg_cluster.url(name)
    con = store.connect(url)
    try:
        walks = _tracks(con)
        before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("patrols", "patrol_points", "patrol_cells")}
    finally:
        con.close()
    wpt = walks[0][len(walks[0]) // 2]
    shared = tmp_path / "Current.gpx"
    shared.write_text(garmin_gpx({f"conc {k}": [walks[k]] for k in (0, 1)},
                                 [("001", wpt[0], wpt[1], wpt[3], "Flag, Blue")]), encoding="utf-8")
    own = []
    for p in range(4):                      # file p holds walks p and p + 1: each overlaps the next
        f = tmp_path / f"Track_{p}.gpx"
        f.write_text(garmin_gpx({f"conc {k}": [walks[k]] for k in (p, p + 1)},
                                [("001", wpt[0], wpt[1], wpt[3], "Flag, Blue")]), encoding="utf-8")
        own.append(f)
    # eight processes forked from one that imported borderwatch (tests/_fork.py): the same commands, at once,
    # without eight Python start-ups
    with ForkServer(tmp_path, env={"BORDERWATCH_LANG": "en", "BORDERWATCH_USER": None}) as fork:
        pids = [fork.start("import", "patrols", f, "--db", url, "--station", "DBP-THUAN") for f in [shared] * 4 + own]
        results = [(fork.wait(pid), fork.stderr(pid)) for pid in pids]
    assert [code for code, _ in results] == [0] * 8, [err for _, err in results]
    con = store.connect(url)
    try:
        names = sorted(r[0] for r in con.execute("SELECT name FROM patrols WHERE name LIKE 'conc %'").fetchall())
        assert names == [f"conc {k}" for k in range(5)]            # each of the five walks once
        assert con.execute("SELECT count(*) FROM patrols").fetchone()[0] == before["patrols"] + 5
        assert con.execute("SELECT count(*) FROM patrol_points").fetchone()[0] == before["patrol_points"] + 1
        dup = con.execute("SELECT count(*) FROM (SELECT patrol_id, h3_9, day FROM patrol_cells "
                          "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
        assert dup == 0
        ours = con.execute("SELECT count(DISTINCT patrol_id) FROM patrol_cells WHERE patrol_id IN "
                           "(SELECT id FROM patrols WHERE name LIKE 'conc %')").fetchone()[0]
        assert ours == 5
        log = con.execute("SELECT rows_in, rows_unchanged FROM import_log WHERE layer = 'patrols' "
                          "AND file LIKE '%.gpx'").fetchall()
        assert len(log) == 8 and sum(r[0] for r in log) == 16
        assert sum(r[0] - r[1] for r in log) == 5                 # tracks written, over all eight imports
        check = audit.verify(con)
        assert check.ok, check.reason
        assert (audit.entries(con)["action"] == "import").sum() == 8
    finally:
        con.close()
    verify = _cli.bw("audit", "--verify", "--db", url, lang="en")
    assert verify.returncode == 0, verify.stderr
