"""Importing a large incident file as a user does: ``borderwatch import incidents FILE``.

Not timed: a demo store (places, 1,000 demo incidents, no accounts: local single-user mode) and a
CSV of N incidents written the way a station's spreadsheet export looks (UTF-8, a header, dates as
``YYYY-MM-DD HH:MM:SS`` Vietnam time, lat/lon in degrees, Vietnamese drug names, station ids), with
positions, times and amounts from the demo generator (``data.demo.build_incidents``), so every row is
valid. Timed: the ``borderwatch import`` child process from start to exit. Its peak RSS is the child's
``ru_maxrss`` (``resource.getrusage(RUSAGE_CHILDREN)``: only the import is a child of this process).

Goal: N = 1,000,000 in ≤ 20 s and ≤ 1.5 GB.

    .venv/bin/python benchmarks/ingest.py [--n 1000000] [--dir /tmp/bw-bench] [--reuse] [--json]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BW = str(Path(sys.executable).with_name("borderwatch"))
TIME_GOAL_S, RSS_GOAL_MB = 20.0, 1536.0
HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
          "description"]
DRUG_VI = {"heroin": "heroin", "methamphetamine": "ma túy đá", "synthetic_tablets": "hồng phiến",
           "cannabis": "cần sa", "opium": "thuốc phiện", "other": "khác"}


def build_store(path: Path) -> None:
    from data.demo import build_demo

    build_demo(path, incidents=1000, seed=233, end=dt.date(2025, 6, 30))


def write_csv(path: Path, n: int, *, seed: int = 5) -> None:
    """``n`` valid incident rows (ids ``BENCH-…``) from the demo generator, written in pieces."""
    from data.demo import build_incidents, build_places, read_demo_geojson

    border, belt = read_demo_geojson("border"), read_demo_geojson("belt")
    places = build_places(border, belt)

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        done, piece = 0, 0
        while done < n:
            m = min(200_000, n - done)
            inc = build_incidents(places, belt, n=m, seed=seed + piece, end=dt.date(2025, 6, 30))
            ids = np.char.add("BENCH-", np.char.zfill(np.arange(done + 1, done + m + 1).astype(str), 7))
            when = inc["occurred_at"].dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
            lat, lon = inc.geometry.y.to_numpy(), inc.geometry.x.to_numpy()
            for k in range(m):
                q, tb = inc["quantity_g"].iat[k], inc["tablets"].iat[k]
                w.writerow([ids[k], when[k], repr(float(lat[k])), repr(float(lon[k])), inc["article"].iat[k],
                            DRUG_VI.get(inc["drug"].iat[k], inc["drug"].iat[k]),
                            "" if q != q else q, "" if tb != tb else int(tb), int(inc["persons"].iat[k]),
                            inc["station_id"].iat[k], f"Vụ việc thử {done + k + 1}"])
            done += m
            piece += 1


def run(n: int, folder: Path, reuse: bool) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    db, src = folder / f"ingest_{n}.duckdb", folder / f"ingest_{n}.csv"
    if not (reuse and src.exists()):
        t0 = time.perf_counter()
        write_csv(src, n)
        print(f"  wrote {src.name} ({src.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
    for p in (db, Path(str(db) + ".wal"), Path(str(db) + ".audit-anchor")):
        p.unlink(missing_ok=True)
    build_store(db)
    t0 = time.perf_counter()
    proc = subprocess.run([BW, "import", "incidents", str(src), "--db", str(db), "--lang", "en"],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    from data.store import connect, scalar

    con = connect(db, read_only=True)
    try:
        stored = scalar(con, "SELECT count(*) FROM incidents WHERE id LIKE 'BENCH-%'")
        missing = scalar(con, "SELECT count(*) FROM incidents WHERE border_m IS NULL")
    finally:
        con.close()
    if stored != n or missing:
        raise SystemExit(f"imported {stored} of {n} rows, {missing} without corridor facts")
    return {"n": n, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bw-bench")
    ap.add_argument("--reuse", action="store_true", help="reuse the CSV of an earlier run")
    ap.add_argument("--json", action="store_true", help="last line: the result as JSON")
    args = ap.parse_args(argv)
    out = run(args.n, args.dir, args.reuse)
    ok = out["seconds"] <= TIME_GOAL_S and out["peak_rss_mb"] <= RSS_GOAL_MB
    print(f"import of {out['n']:,} rows: {out['seconds']:.1f} s, peak RSS {out['peak_rss_mb']:.0f} MB "
          f"(goal ≤ {TIME_GOAL_S:.0f} s, ≤ {RSS_GOAL_MB:.0f} MB: {'met' if ok else 'not met'})")
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
