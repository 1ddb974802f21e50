"""Benchmark: per-incident border distance, chainage, nearest crossing and trail; counts.

ours      geo.corridor: incident_proximity + counts_near (crossings, trails)
          + border_chainage, vectorised (STRtree of border segments, shapely
          array functions)
baseline  a per-row Python loop with shapely: Point, line.distance,
          line.project, min distance over crossings and trails, buffer counts
          and km bins. Run on a random sample of --baseline-sample rows and
          scaled linearly to N (a per-row loop is linear in N).

    .venv/bin/python benchmarks/corridor.py --n 1000000 --json
"""

from __future__ import annotations

import _synth
import numpy as np
import shapely
from shapely.geometry import Point

from geo.corridor import BUFFER_M, border_chainage, counts_near, incident_proximity, north_first
from geo.crs import transformer


def main():
    args = _synth.cli(__doc__.splitlines()[0], lambda p: p.add_argument(
        "--baseline-sample", type=int, default=20_000, help="rows run by the per-row baseline (scaled to N)"))
    border, belt, crossings, trails, villages, line_utm, belt_utm = geo = _synth.geography()
    inc = _synth.incidents(args.n, geo=geo)

    def ours():
        prox = incident_proximity(inc, border=border, crossings=crossings, trails=trails)
        return prox, counts_near(inc, crossings), counts_near(inc, trails), border_chainage(inc, border)

    sec, peak, (prox, cc, tc, ch) = _synth.timed(ours, args.repeat)
    k = min(args.baseline_sample, args.n)
    sample = inc.sample(k, random_state=0) if k < args.n else inc
    to_utm = transformer("EPSG:4326", "EPSG:32648")
    line = shapely.transform(north_first(border), lambda c: np.c_[to_utm.transform(c[:, 0], c[:, 1])])
    cross = [shapely.transform(g, lambda c: np.c_[to_utm.transform(c[:, 0], c[:, 1])]) for g in crossings.geometry]
    trl = [shapely.transform(g, lambda c: np.c_[to_utm.transform(c[:, 0], c[:, 1])]) for g in trails.geometry]

    def baseline():
        x, y = to_utm.transform(sample["lon"].to_numpy(), sample["lat"].to_numpy())
        rows, ccount, tcount = [], [0] * len(cross), [0] * len(trl)
        bins: dict[int, int] = {}
        for xi, yi in zip(x, y, strict=True):
            p = Point(xi, yi)
            dc = [c.distance(p) for c in cross]
            dt = [t.distance(p) for t in trl]
            chain = line.project(p) / 1000
            rows.append((line.distance(p), chain, int(np.argmin(dc)), min(dc), int(np.argmin(dt)), min(dt)))
            for i, d in enumerate(dc):
                ccount[i] += d <= BUFFER_M
            for i, d in enumerate(dt):
                tcount[i] += d <= BUFFER_M
            bins[int(chain)] = bins.get(int(chain), 0) + 1
        return rows, ccount, tcount, bins

    b_sample, _, (b_rows, *_) = _synth.timed(baseline, 1)
    b_sec = b_sample * args.n / k
    b = np.array(b_rows)
    mine = prox.loc[sample.index]
    d_border = np.max(np.abs(b[:, 0] - mine["border_m"].to_numpy()))
    d_chain = np.max(np.abs(b[:, 1] - mine["chainage_km"].to_numpy()))
    same_x = np.mean(crossings["id"].to_numpy()[b[:, 2].astype(int)] == mine["crossing_id"].to_numpy())
    rows = [[f"incidents {args.n}, border {line.length / 1000:.0f} km with {len(line.coords)} vertices", ""],
            [f"ours, median of {args.repeat}", f"{sec:.4f}"],
            [f"baseline per-row loop on {k} rows", f"{b_sample:.4f}"],
            [f"baseline scaled to {args.n} rows", f"{b_sec:.4f}"]]
    notes = [f"check on the sample: max |d border_m| = {d_border:.1e} m, max |d chainage| = {d_chain:.1e} km, "
             f"same nearest crossing: {same_x:.4f}"]
    _synth.report(args, rows, sec, b_sec, peak, notes)


if __name__ == "__main__":
    main()
