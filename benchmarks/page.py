"""Dashboard speed: map payload and server seconds per rerun at 10k, 100k and 1M incidents.

For each size a demo store is built with ``borderwatch demo --incidents N`` (1M takes a
few minutes; ``--reuse`` keeps stores from an earlier run), an account is added, and the
real page (app.py) is driven through Streamlit's AppTest, so every number goes through
the same cached functions as the server. Timed: the first run of a session (cold caches),
a rerun with nothing changed (warm; median of 3), each tab, the border-corridor view, a period
change and back, and a month step (new month, then the same month again).
Goals: map payload ≤ 1.5 MB; a rerun ≤ 1 s after the first.

    .venv/bin/python benchmarks/page.py [--sizes 10000 100000 1000000] [--dir /tmp/bw-bench] [--reuse]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAYLOAD_GOAL = 1.5 * 1024 * 1024
RERUN_GOAL = 1.0
USER, PASSWORD = "bench", "bench-password-233"


def build(size: int, folder: Path, reuse: bool) -> Path:
    path = folder / f"bench_{size}.duckdb"
    if not (reuse and path.exists()):
        t0 = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "borderwatch"), "demo", "--db", str(path),
                        "--incidents", str(size)], check=True, stderr=subprocess.DEVNULL)
        print(f"  built {path.name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    from data import users
    from data.store import connect

    con = connect(path)
    try:
        if users.get_user(con, USER) is None:
            users.create_user(con, USER, "admin", PASSWORD, who="benchmark")
    finally:
        con.close()
    return path


def _app(query: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    for k, v in query.items():
        at.query_params[k] = v
    at.session_state["auth_user"] = {"name": USER, "role": "admin"}
    at.session_state["auth_last_seen"] = time.time()
    return at


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _rerun(at, n: int = 3) -> float:
    """Median seconds of ``n`` reruns with nothing changed (the machine may be shared)."""
    return sorted(_timed(at.run) for _ in range(n))[n // 2]


def _check(at, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what}: {at.exception[0].message}")


def _payload(at) -> tuple[int, int]:
    """(map code bytes: base script + header + html + overlay script, all component arguments as sent)."""
    comps = at.get("component_instance")
    if not comps:
        return 0, 0
    raw = comps[0].proto.json_args
    args = json.loads(raw)
    code = sum(len((args.get(k) or "").encode("utf-8")) for k in ("script", "header", "html", "feature_group"))
    return code, len(raw.encode("utf-8"))


def measure(path: Path, period: str) -> dict:
    os.environ["BORDERWATCH_DB"] = str(path)
    row: dict = {}
    at = _app({"period": period})
    row["first"] = _timed(at.run)
    _check(at, "first run")
    row["rerun"] = _rerun(at)
    row["payload"], row["json_args"] = _payload(at)
    for tab in ("hotspots", "stats", "villages"):
        at.session_state["tab_id"] = tab
        row[f"{tab}_first"] = _timed(at.run)
        _check(at, tab)
        row[f"{tab}_rerun"] = _rerun(at)
    at.session_state["tab_id"] = "hotspots"
    at.session_state["hot_view_id"] = "corridor"
    row["corridor_first"] = _timed(at.run)
    _check(at, "corridor")
    row["corridor_rerun"] = _rerun(at)
    at.session_state["hot_view_id"] = "cells"
    at.session_state["tab_id"] = "map"
    at.run()
    other = "30d" if period != "30d" else "year"
    at.sidebar.selectbox(key="f_preset").set_value(other)
    row["filter_first"] = _timed(at.run)
    at.sidebar.selectbox(key="f_preset").set_value(period)
    row["filter_back"] = _timed(at.run)
    at.toggle(key="map_by_month").set_value(True)
    at.run()
    row["month_payload"], _ = _payload(at)
    at.button(key="map_prev").click()
    row["month_first"] = _timed(at.run)
    at.button(key="map_next").click()
    at.run()
    at.button(key="map_prev").click()
    row["month_again"] = _timed(at.run)
    _check(at, "month")
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--periods", nargs="+", default=["year", "all"], help="period presets to time")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/borderwatch-bench"))
    ap.add_argument("--reuse", action="store_true", help="keep stores built by an earlier run")
    args = ap.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        path = build(size, args.dir, args.reuse)
        for period in args.periods:
            print(f"  measuring {size:,} incidents, period={period}", file=sys.stderr)
            rows.append((size, period, measure(path, period)))
    head = ("incidents", "period", "payload MB", "first s", "rerun s", "hot 1st/re", "corridor 1st/re",
            "stats 1st/re", "vill 1st/re", "filter new/back", "month new/again", "month MB")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    ok = True
    for size, period, r in rows:
        reruns = [r["rerun"], r["hotspots_rerun"], r["corridor_rerun"], r["stats_rerun"], r["villages_rerun"],
                  r["filter_back"], r["month_again"]]
        ok &= max(r["payload"], r["month_payload"]) <= PAYLOAD_GOAL and max(reruns) <= RERUN_GOAL
        print(" | ".join([f"{size:,}", period, f"{r['payload'] / 2**20:.2f}", f"{r['first']:.2f}", f"{r['rerun']:.2f}",
                          f"{r['hotspots_first']:.2f}/{r['hotspots_rerun']:.2f}",
                          f"{r['corridor_first']:.2f}/{r['corridor_rerun']:.2f}",
                          f"{r['stats_first']:.2f}/{r['stats_rerun']:.2f}",
                          f"{r['villages_first']:.2f}/{r['villages_rerun']:.2f}",
                          f"{r['filter_first']:.2f}/{r['filter_back']:.2f}",
                          f"{r['month_first']:.2f}/{r['month_again']:.2f}", f"{r['month_payload'] / 2**20:.2f}"]))
    print(f"\ngoals: payload ≤ {PAYLOAD_GOAL / 2**20:.1f} MB, every rerun after the first ≤ {RERUN_GOAL:.0f} s: "
          f"{'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
