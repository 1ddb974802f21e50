"""Benchmark: emerging hot spot analysis, 36 monthly slices over the study area.

ours      geo.emerging.emerging_hotspots (counts cube by one bincount, Gi* of all
          slices as one sparse product, Mann-Kendall vectorised over cells,
          categories) on all incidents 2022-2024
baseline  pandas groupby (cell, month) counts -> esda.G_Local(permutations=0)
          per slice -> scipy.stats.kendalltau per cell (categories not
          included, so the baseline is timed for less work than ours)

    .venv/bin/python benchmarks/emerging.py --n 1000000 --json
"""

from __future__ import annotations

import time

import _synth
import esda
import libpysal
import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from geo.emerging import emerging_hotspots
from geo.h3grid import cells_covering, cells_to_str, parent_cells, ring1_neighbours
from geo.hotspots import _W_CACHE


def main():
    args = _synth.cli(__doc__.splitlines()[0], lambda p: p.add_argument(
        "--res", type=int, default=7, help="H3 resolution of the analysis"))
    res = args.res
    geo = _synth.geography()
    inc = _synth.incidents(args.n, geo=geo)
    cells = cells_covering(geo[1], res=res)

    def ours():
        return emerging_hotspots(inc, cells, res=res, period="month")

    _W_CACHE.clear()
    t = time.perf_counter()
    ours()
    t_cold = time.perf_counter() - t
    sec, peak, out = _synth.timed(ours, args.repeat)
    w = libpysal.weights.WSP(ring1_neighbours(cells)).to_W(silence_warnings=True)

    def baseline():
        df = pd.DataFrame({"h3": cells_to_str(parent_cells(inc["h3_9"].to_numpy(), res=res)),
                           "month": inc["occurred_at"].dt.to_period("M")})
        cube = df.groupby(["h3", "month"]).size().unstack(fill_value=0)
        months = pd.period_range(df["month"].min(), df["month"].max(), freq="M")
        cube = cube.reindex(index=cells_to_str(cells), columns=months, fill_value=0)
        y = cube.to_numpy(dtype=float)
        z = np.column_stack([esda.G_Local(y[:, t], w, transform="B", star=True, permutations=0).Zs
                             for t in range(y.shape[1])])
        trend = np.array([kendalltau(np.arange(z.shape[1]), row) for row in z]).reshape(-1, 2)
        return z, trend

    b_sec, _, (bz, btrend) = _synth.timed(baseline, 1)
    tau_diff = np.nanmax(np.abs(btrend[:, 0] - out["trend_tau"].to_numpy()))
    p_diff = np.nanmax(np.abs(btrend[:, 1] - out["trend_p"].to_numpy()))
    z_diff = np.max(np.abs(bz[:, -1] - out["last_z"].to_numpy()))
    rows = [[f"cells {len(cells)} x slices {int(out['n_slices'].iloc[0])}, incidents {args.n}", ""],
            ["ours, first call (builds and caches W)", f"{t_cold:.4f}"],
            [f"ours, median of {args.repeat}", f"{sec:.4f}"],
            ["baseline groupby + G_Local per slice + kendalltau per cell", f"{b_sec:.4f}"]]
    counts = out["category"].value_counts()
    notes = [f"check vs baseline: max |d last z| = {z_diff:.1e}, max |d tau| = {tau_diff:.1e}, "
             f"max |d trend p| = {p_diff:.1e}",
             "categories: " + ", ".join(f"{k} {v}" for k, v in counts.items())]
    _synth.report(args, rows, sec, b_sec, peak, notes)


if __name__ == "__main__":
    main()
