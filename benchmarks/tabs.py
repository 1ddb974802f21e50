"""The analyst tabs' first visit at N incidents: each analysis the page makes, first call, one-year filter.

Not timed: a load demo store of N incidents (``data.demo.build_demo``, as ``borderwatch demo --incidents N``
and ``benchmarks/page.py`` build it; ``--reuse`` keeps one from an earlier run). Timed, in this order and
in one fresh process, through the functions the page's cached wrappers (``ui/cache.py``) call, so nothing
is cached yet: hot spots (``analysis.hotspots_for``, res 7), emerging (``analysis.emerging_for``), corridor
(``analysis.corridor_for``), villages (``analysis.villages_for`` with the emerging categories, as
``cache.villages_alerts`` passes them) and stats (``data.stats.totals`` + ``data.stats.monthly``). The filter is
the last 365 days of the store. Goal: the slowest ≤ 1 s.

    .venv/bin/python benchmarks/tabs.py [--n 1000000] [--dir /tmp/bw-bench] [--reuse] [--json]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_S = 1.0


def build(n: int, folder: Path, reuse: bool) -> Path:
    from data.demo import build_demo

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tabs_{n}.duckdb"
    if not (reuse and path.exists()):
        t0 = time.perf_counter()
        build_demo(path, incidents=n, seed=233, end=dt.date(2025, 6, 30))
        print(f"  built {path.name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return path


def run(path: Path) -> dict:
    from data import analysis, stats
    from data.filters import Filter
    from data.store import connect, incident_span, scalar

    con = connect(path)                      # read-write, as the app opens it (facts back-filled if needed)
    try:
        _, last = incident_span(con)
        if last is None:
            raise SystemExit(f"{path}: no incidents")
        flt = Filter(date_from=last - dt.timedelta(days=364), date_to=last)
        per_tab: dict[str, float] = {}
        found: dict = {}

        def timed(name: str, fn):
            t0 = time.perf_counter()
            found[name] = fn()
            per_tab[name] = round(time.perf_counter() - t0, 3)

        timed("hotspots", lambda: analysis.hotspots_for(con, flt, res=7))
        timed("emerging", lambda: analysis.emerging_for(con, flt, res=7))
        timed("corridor", lambda: analysis.corridor_for(con, flt))
        timed("villages", lambda: analysis.villages_for(con, flt, radius_km=3.0, res=7,
                                                        categories=found["emerging"]))
        timed("stats", lambda: (stats.totals(con, flt), stats.monthly(con, flt)))
        n = scalar(con, "SELECT count(*) FROM incidents")
        in_year = stats.totals(con, flt)["incidents"]
    finally:
        con.close()
    print(f"  {n:,} incidents, {in_year:,} in the filter {flt.date_from} – {flt.date_to}", file=sys.stderr)
    return {"n": int(n), "seconds": max(per_tab.values()), "per_tab": per_tab}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bw-bench")
    ap.add_argument("--reuse", action="store_true", help="reuse the store of an earlier run")
    ap.add_argument("--json", action="store_true", help="last line: the result as JSON")
    args = ap.parse_args(argv)
    out = run(build(args.n, args.dir, args.reuse))
    for name, s in out["per_tab"].items():
        print(f"{name:>10}  {s:6.3f} s")
    print(f"slowest {out['seconds']:.3f} s (goal ≤ {GOAL_S:.0f} s: {'met' if out['seconds'] <= GOAL_S else 'not met'})")
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
