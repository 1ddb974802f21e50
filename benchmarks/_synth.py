"""Synthetic border, belt, crossings, trails, villages and incidents for benchmarks.

A wiggly ~200 km "border" from about 17.2N 106.29E to 16.15N 107.14E, a 17 km
belt on its east (Vietnamese) side, five crossings, a trail inland from each,
and N incidents over 2022-2024: 60 % clustered around crossings and trails,
40 % spread over the belt. Seeded numpy; illustrative only.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.crs import transformer  # noqa: E402 -- after the sys.path line: benchmarks run as scripts
from geo.h3grid import points_to_cells  # noqa: E402 -- as above

UTM = "EPSG:32648"
DRUGS = np.array(["heroin", "methamphetamine", "synthetic_tablets", "cannabis", "opium", "other"])
DRUG_P = np.array([0.25, 0.3, 0.3, 0.05, 0.05, 0.05])


def geography():
    """(border, belt, crossings, trails, villages) in EPSG:4326, plus the UTM border."""
    to_utm = transformer("EPSG:4326", UTM)
    (x0, x1), (y0, y1) = to_utm.transform([106.29, 107.14], [17.2, 16.15])
    s = np.linspace(0, 1, 400)
    dx, dy = x1 - x0, y1 - y0
    length = np.hypot(dx, dy)
    nx, ny = -dy / length, dx / length  # unit normal
    off = 5000 * np.sin(2 * np.pi * 5 * s) + 1200 * np.sin(2 * np.pi * 13 * s)
    line_utm = LineString(np.c_[x0 + s * dx + off * nx, y0 + s * dy + off * ny])
    belt_utm = line_utm.buffer(17000, single_sided=True)
    if belt_utm.centroid.x < line_utm.centroid.x:  # keep the east side
        belt_utm = line_utm.buffer(-17000, single_sided=True)
    back = transformer(UTM, "EPSG:4326")

    def to_ll(g):
        return shapely.transform(g, lambda c: np.c_[back.transform(c[:, 0], c[:, 1])])

    km = [20, 60, 95, 140, 180]
    cross_utm = [line_utm.interpolate(k * 1000) for k in km]
    east = 1 if belt_utm.contains(Point(cross_utm[0].x + 3000, cross_utm[0].y)) else -1
    trails_utm = [LineString([(p.x, p.y), (p.x + east * 6000, p.y + 1500), (p.x + east * 12000, p.y - 1000)])
                  for p in cross_utm]
    crossings = gpd.GeoDataFrame({"id": [f"X{i}" for i in range(5)], "name": [f"crossing {k} km" for k in km],
                                  "kind": ["international", "secondary", "opening", "secondary", "international"]},
                                 geometry=[to_ll(p) for p in cross_utm], crs="EPSG:4326")
    trails = gpd.GeoDataFrame({"id": [f"T{i}" for i in range(5)], "name": [f"trail {i}" for i in range(5)],
                               "kind": "trail"}, geometry=[to_ll(t) for t in trails_utm], crs="EPSG:4326")
    rng = np.random.default_rng(7)
    vx, vy = _inside(belt_utm, rng, 40)
    vlon, vlat = back.transform(vx, vy)
    villages = gpd.GeoDataFrame({"id": [f"V{i}" for i in range(40)], "name": [f"village {i}" for i in range(40)],
                                 "status": rng.choice(["recognised", "none", "under_review"], 40)},
                                geometry=gpd.points_from_xy(vlon, vlat), crs="EPSG:4326")
    return to_ll(line_utm), to_ll(belt_utm), crossings, trails, villages, line_utm, belt_utm


def _inside(poly, rng, n, centres=None, sigma=None):
    """n points inside poly (UTM): uniform, or Gaussian around centres."""
    xs, ys = [], []
    minx, miny, maxx, maxy = poly.bounds
    got = 0
    while got < n:
        m = int((n - got) * 1.6) + 16
        if centres is None:
            x, y = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
        else:
            k = rng.integers(0, len(centres), m)
            x = centres[k, 0] + rng.normal(0, 1, m) * sigma[k]
            y = centres[k, 1] + rng.normal(0, 1, m) * sigma[k]
        ok = shapely.contains_xy(poly, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        got += int(ok.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def incidents(n: int, *, seed: int = 0, geo=None) -> pd.DataFrame:
    """n synthetic incidents following the data contract (with h3_9)."""
    border, belt, crossings, trails, villages, line_utm, belt_utm = geo or geography()
    rng = np.random.default_rng(seed)
    to_utm = transformer("EPSG:4326", UTM)
    cx, cy = to_utm.transform(crossings.geometry.x.to_numpy(), crossings.geometry.y.to_numpy())
    tpts = np.array([[p.x, p.y] for t in shapely.transform(trails.to_crs(UTM).geometry, lambda c: c)
                     for p in (t.interpolate(f, normalized=True) for f in (0.3, 0.6, 0.9))])
    centres = np.r_[np.c_[cx, cy], tpts]
    sigma = np.r_[np.full(len(cx), 1500.0), np.full(len(tpts), 3000.0)]
    n_cl = int(n * 0.6)
    x1, y1 = _inside(belt_utm, rng, n_cl, centres, sigma)
    x2, y2 = _inside(belt_utm, rng, n - n_cl)
    x, y = np.r_[x1, x2], np.r_[y1, y2]
    perm = rng.permutation(n)
    lon, lat = transformer(UTM, "EPSG:4326").transform(x[perm], y[perm])
    t0 = np.datetime64("2022-01-01T00:00", "s").astype(np.int64)
    span = 3 * 365 * 86400
    # a growing trend: later times more likely
    t = t0 + (np.sqrt(rng.uniform(0.2, 1.0, n)) - np.sqrt(0.2)) / (1 - np.sqrt(0.2)) * span
    drug = rng.choice(DRUGS, n, p=DRUG_P)
    qty = np.where(np.isin(drug, ["synthetic_tablets"]), np.nan, rng.lognormal(3, 1.5, n))
    tabs = np.where(drug == "synthetic_tablets", rng.integers(10, 20000, n), np.nan)
    return pd.DataFrame({
        "id": np.char.add("I", np.arange(n).astype(str)),
        "occurred_at": pd.to_datetime(t.astype("int64"), unit="s"),
        "article": rng.choice(["249", "250", "251"], n), "drug": drug,
        "quantity_g": qty, "tablets": tabs, "persons": rng.integers(1, 4, n),
        "station_id": rng.choice([f"S{i}" for i in range(8)], n),
        "lon": lon, "lat": lat, "h3_9": points_to_cells(lat, lon, res=9),
    })


def timed(fn, repeat: int):
    """Median wall time of ``repeat`` runs and peak traced memory (MB) of one run."""
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return float(np.median(times)), peak, out


def table(rows, header):
    """Plain-text table."""
    w = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]

    def line(r) -> str:
        return "  ".join(str(v).rjust(w[i]) for i, v in enumerate(r))

    return "\n".join([line(header), line(["-" * k for k in w])] + [line(r) for r in rows])


def cli(description: str, extra=None):
    """Common arguments: --n, --repeat, --json (and extra(parser) for more)."""
    import argparse
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--n", type=int, default=100_000, help="number of synthetic incidents")
    p.add_argument("--repeat", type=int, default=5, help="runs per measurement (median reported)")
    p.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    if extra:
        extra(p)
    return p.parse_args()


def report(args, rows, seconds, baseline_seconds, peak_mb, notes=()):
    """Print the table, the ratio, notes, and the JSON line when asked."""
    import json
    print(table(rows, ["step", "seconds"]))
    print(f"ratio baseline/ours: {baseline_seconds / seconds:.1f}x   peak traced memory (ours): {peak_mb:.0f} MB")
    for note in notes:
        print(note)
    if args.json:
        print(json.dumps({"n": args.n, "seconds": round(seconds, 4), "baseline_seconds": round(baseline_seconds, 4),
                          "peak_mb": round(peak_mb, 1)}))
