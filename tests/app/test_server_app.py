"""The page on a PostgreSQL store (server mode): it loads, and an import by another process shows at the next rerun."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from core.i18n import fmt_int
from data.filters import Filter
from data.migrate import migrate
from data.queries import count_incidents
from data.store import connect, read_layer
from tests.app.test_app import _metric
from ui.periods import preset_range

ROOT = Path(__file__).resolve().parents[2]


def test_page_on_a_server_store_sees_another_process_import(app, app_db, pg_url, tmp_path, monkeypatch):
    copy = tmp_path / "app.duckdb"
    shutil.copy(app_db, copy)
    shutil.copy(str(app_db) + ".audit-anchor", str(copy) + ".audit-anchor")   # the copy keeps its anchor
    if os.path.exists(str(app_db) + ".wal"):      # earlier page tests may hold the store open: its last
        shutil.copy(str(app_db) + ".wal", str(copy) + ".wal")   # entries are still in the WAL
    migrate(copy, pg_url)
    monkeypatch.setenv("BORDERWATCH_DB", pg_url)
    at = app().run()
    assert not at.exception and not at.error
    lo, hi = preset_range("year", dt.date.today())
    con = connect(pg_url)
    try:
        before = count_incidents(con, Filter(date_from=lo, date_to=hi))
        village = read_layer(con, "villages").sort_values("id").geometry.iloc[0]
    finally:
        con.close()
    assert _metric(at, "Số vụ việc") == fmt_int(before, "vi")
    csv = tmp_path / "new.csv"
    day = max(lo, dt.date.today() - dt.timedelta(days=1)).isoformat()
    pd.DataFrame({"id": ["SRV-1", "SRV-2"], "occurred_at": [day, day], "lat": [village.y] * 2, "lon": [village.x] * 2,
                  "article": ["250", "250"], "drug": ["heroin", "heroin"], "persons": [1, 2]}).to_csv(csv, index=False)
    out = subprocess.run([str(Path(sys.executable).with_name("borderwatch")), "import", "incidents", str(csv),
                          "--db", pg_url, "--as", "t_admin"], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "BORDERWATCH_LANG": "en"})
    assert out.returncode == 0, out.stderr
    at.run()
    assert not at.exception
    assert _metric(at, "Số vụ việc") == fmt_int(before + 2, "vi")
