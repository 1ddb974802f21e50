"""Issue 15: eight importers and two app servers against one PostgreSQL store, and two browsers.

Two ``borderwatch serve`` processes on different ports share one PostgreSQL + PostGIS database
(a copy of the session's e2e demo store, moved with ``migrate``). While both serve, eight
``borderwatch import`` processes run at once (four import the same file, four a file each): every
row lands once, every process succeeds, ``audit --verify`` passes. Then Chromium logs into both
servers and reads the same incident count; an import made after the pages loaded shows in the
other server at its next rerun.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _cli import bw
from _serve import serve
from e2elib import login

from core.i18n import fmt_int
from data import audit
from data.filters import Filter
from data.migrate import migrate
from data.queries import count_incidents
from data.store import connect, read_layer
from ui.periods import preset_range

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
BW = str(Path(sys.executable).with_name("borderwatch"))
IMPORTERS = 8


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BORDERWATCH_DB", "BORDERWATCH_USER")}
    return {**env, "BORDERWATCH_LANG": "en"}


def _rows(prefix: str, n: int, day: dt.date, places: list) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"{prefix}-{k}" for k in range(n)], "occurred_at": [day.isoformat()] * n,
                         "lat": [places[k % len(places)].y for k in range(n)],
                         "lon": [places[k % len(places)].x for k in range(n)],
                         "article": ["250"] * n, "drug": ["heroin"] * n, "persons": [1 + k % 3 for k in range(n)]})


def _metric(page, label: str = "Số vụ việc") -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.fixture(scope="module")
def pg_store(e2e_store, pg_cluster, tmp_path_factory) -> str:
    """The e2e demo store (with its admin account and audit chain) moved into a fresh PostgreSQL database."""
    folder = tmp_path_factory.mktemp("pgstore")
    copy = folder / "e2e.duckdb"
    src = Path(e2e_store["path"])
    for suffix in ("", ".audit-anchor", ".wal"):        # another module's server may hold the store open
        if Path(str(src) + suffix).exists():
            shutil.copy(str(src) + suffix, str(copy) + suffix)
    url = pg_cluster.new_database("cluster")
    migrate(copy, url)
    return url


def test_eight_importers_two_servers_one_postgresql(pg_store, browser, idle, tmp_path):
    url = pg_store
    today = dt.date.today()
    day = today - dt.timedelta(days=1)
    con = connect(url)
    try:
        places = list(read_layer(con, "villages").sort_values("id").geometry.iloc[:20])
        start = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        con.close()
    shared = tmp_path / "shared.csv"
    _rows("SHARED", 40, day, places).to_csv(shared, index=False)
    own = []
    for p in range(IMPORTERS // 2):
        f = tmp_path / f"station{p}.csv"
        _rows(f"ST{p}", 40, day, places).to_csv(f, index=False)
        own.append(f)
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {"BORDERWATCH_LOGIN_DELAY_S": "0"}
    with serve(url, log=logs / "a.log", env=env) as a, serve(url, log=logs / "b.log", env=env) as b:
        assert a.port != b.port
        procs = [subprocess.Popen([BW, "import", "incidents", str(f), "--db", url, "--as", "e2e_admin"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env())
                 for f in [shared] * (IMPORTERS // 2) + own]
        results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
        assert [code for code, _ in results] == [0] * IMPORTERS, [err for _, err in results]
        con = connect(url)
        try:
            assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == start + 40 * (1 + IMPORTERS // 2)
            assert con.execute("SELECT count(*) FROM (SELECT id FROM incidents GROUP BY id HAVING count(*) > 1)"
                               ).fetchone()[0] == 0
            assert (audit.entries(con)["action"] == "import").sum() >= IMPORTERS
            check = audit.verify(con)
            assert check.ok, check.reason
            year = Filter(*preset_range("year", today))
            expected = count_incidents(con, year)
        finally:
            con.close()
        # the command-line check too (in this process: a subprocess adds only start-up time here)
        verify = bw("audit", "--verify", "--db", url, "--as", "e2e_admin", lang="en")
        assert verify.returncode == 0, verify.stderr
        # two browsers, one per server: the same count (the page's default period is the last year)
        pages, contexts = [], []
        try:
            for srv in (a, b):                     # both pages load side by side
                ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
                contexts.append(ctx)
                page = ctx.new_page()
                page.set_default_timeout(90_000)
                page.goto(srv.url, wait_until="commit")
                pages.append(page)
            for page in pages:                     # both log in at once
                login(page, wait=False)
            for page in pages:
                page.get_by_test_id("stMetricValue").first.wait_for()
                idle(page)
            assert _metric(pages[0]) == _metric(pages[1]) == fmt_int(expected, "vi")
            # an import after both pages loaded, made through server A's store: B shows it at its next rerun
            late = tmp_path / "late.csv"
            _rows("LATE", 3, day, places).to_csv(late, index=False)
            out = bw("import", "incidents", late, "--db", url, "--as", "e2e_admin", lang="en")   # this process
            assert out.returncode == 0, out.stderr
            assert _metric(pages[1]) == fmt_int(expected, "vi")         # nothing changes before a rerun
            for page in pages:
                page.locator("body").press("r")                          # Streamlit's rerun key
                idle(page)
            assert _metric(pages[1]) == fmt_int(expected + 3, "vi")
            assert _metric(pages[0]) == fmt_int(expected + 3, "vi")
        finally:
            for ctx in contexts:
                ctx.close()
        for srv in (a, b):
            assert "Traceback" not in srv.log_tail(200_000), srv.log_tail()
