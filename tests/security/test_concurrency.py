"""Readers keep working while an import runs in the same process (one connection, one cursor per thread),
and never see half an import."""
from __future__ import annotations

import threading
import time

import duckdb

from data.filters import Filter
from data.importers import import_file
from data.queries import count_incidents, load_incidents

N_ROWS = 15_000


def _csv(con, path):
    df = con.execute(
        "SELECT 'C-' || CAST(row_number() OVER () AS VARCHAR) AS id, strftime(occurred_at, '%Y-%m-%d %H:%M') AS "
        "occurred_at, article, drug, round(lat, 6) AS lat, round(lon, 6) AS lon "
        "FROM (SELECT * FROM incidents UNION ALL SELECT * FROM incidents UNION ALL SELECT * FROM incidents "
        "UNION ALL SELECT * FROM incidents UNION ALL SELECT * FROM incidents UNION ALL SELECT * FROM incidents) "
        "LIMIT ?", [N_ROWS]).df()
    df.to_csv(path, index=False)
    return path


def test_readers_work_during_an_import_and_see_all_or_nothing(sec_con, tmp_path):
    csv = _csv(sec_con, tmp_path / "big.csv")
    before = count_incidents(sec_con)
    seen, errors, slowest = [], [], [0.0]
    done = threading.Event()

    def reader():
        cur = sec_con.cursor()
        while not done.is_set():
            t0 = time.perf_counter()
            try:
                n = count_incidents(cur)
                frame = load_incidents(cur, Filter(drugs=("heroin",)), columns=["id", "lat", "lon"])
                seen.append((n, len(frame)))
            except duckdb.Error as exc:
                errors.append(exc)
            slowest[0] = max(slowest[0], time.perf_counter() - t0)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for th in readers:
        th.start()
    t0 = time.perf_counter()
    result = import_file(sec_con.cursor(), "incidents", csv, who="u_editor")
    import_seconds = time.perf_counter() - t0
    time.sleep(0.2)
    done.set()
    for th in readers:
        th.join()
    assert errors == []
    assert result.rows_new == N_ROWS
    counts = {n for n, _ in seen}
    assert counts <= {before, before + N_ROWS} and before + N_ROWS in counts
    during = sum(1 for n, _ in seen if n == before)
    assert during >= 4, f"readers ran only {during} queries during a {import_seconds:.1f} s import"
    assert slowest[0] < max(2.0, import_seconds / 2), "a reader waited for the import"
