"""Benchmark: server mode (PostgreSQL + PostGIS through DuckDB's postgres_scanner) vs the embedded store.

1. Builds a demo store of --n incidents (embedded, not timed), moves it into a throw-away
   PostgreSQL cluster (``tests/_pg.py``; not timed), then times the page's hot spot path
   (``data.analysis.hotspots_for``: filter one year + H3 + Gi*) in both modes, first call and
   the median of --repeat, and prints the ratio (goal: server within 3x of embedded).
2. Concurrent import throughput: --writers ``borderwatch import`` processes at once, each a
   CSV of --rows incidents, against the server store.

    .venv/bin/python benchmarks/server.py --n 1000000 --json
The last line is ``{"n", "embedded_s", "server_s", "ratio", "writers", "rows_per_s", "import_wall_s"}``.
Needs PostgreSQL 15 + PostGIS (``make postgres``) and root or the postgres user.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.analysis import hotspots_for  # noqa: E402 -- after the sys.path line: benchmarks run as scripts
from data.demo import build_demo  # noqa: E402 -- as above
from data.filters import Filter  # noqa: E402 -- as above
from data.migrate import migrate  # noqa: E402 -- as above
from data.store import connect, read_layer  # noqa: E402 -- as above
from tests._pg import Cluster  # noqa: E402 -- as above


def _time(db, flt, repeat: int) -> tuple[float, float]:
    con = connect(db)
    try:
        t = time.perf_counter()
        hotspots_for(con, flt)
        first = time.perf_counter() - t
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            hotspots_for(con, flt)
            runs.append(time.perf_counter() - t)
    finally:
        con.close()
    return first, statistics.median(runs) if runs else first


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--rows", type=int, default=2000, help="incidents per writer's CSV")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    end = dt.date(2026, 11, 28)
    flt = Filter(date_from=dt.date(2025, 12, 1), date_to=end)
    work = Path(tempfile.mkdtemp(prefix="bw-bench-server-"))
    cluster = Cluster()
    try:
        file_db = work / "bench.duckdb"
        build_demo(file_db, incidents=args.n, seed=233, end=end)
        url = cluster.new_database()
        migrate(file_db, url)
        emb_first, emb = _time(file_db, flt, args.repeat)
        srv_first, srv = _time(url, flt, args.repeat)
        print(f"hotspots one year, n={args.n}: embedded first {emb_first:.3f}s median {emb:.3f}s; "
              f"server first {srv_first:.3f}s median {srv:.3f}s; ratio {srv / emb:.2f}x", file=sys.stderr)
        con = connect(file_db, read_only=True)
        pts = read_layer(con, "villages").geometry
        con.close()
        files = []
        for w in range(args.writers):
            rows = [{"id": f"W{w}-{k}", "occurred_at": f"2026-{1 + k % 11:02d}-{1 + k % 27:02d}",
                     "lat": pts.iloc[k % len(pts)].y, "lon": pts.iloc[k % len(pts)].x, "article": "250",
                     "drug": "heroin", "persons": 1} for k in range(args.rows)]
            f = work / f"w{w}.csv"
            pd.DataFrame(rows).to_csv(f, index=False)
            files.append(f)
        bw = str(Path(sys.executable).with_name("borderwatch"))
        t = time.perf_counter()
        procs = [subprocess.Popen([bw, "import", "incidents", str(f), "--db", url], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for f in files]
        codes = [pr.wait() for pr in procs]
        wall = time.perf_counter() - t
        if any(codes):
            raise SystemExit(f"an importer failed: {codes}")
        total = args.writers * args.rows
        print(f"{args.writers} concurrent importers, {total} rows in {wall:.1f}s ({total / wall:.0f} rows/s)",
              file=sys.stderr)
        out = {"n": args.n, "embedded_s": round(emb, 4), "server_s": round(srv, 4), "ratio": round(srv / emb, 2),
               "embedded_first_s": round(emb_first, 4), "server_first_s": round(srv_first, 4),
               "writers": args.writers, "rows_per_s": round(total / wall), "import_wall_s": round(wall, 2)}
        print(json.dumps(out) if args.json else out)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
