"""Benchmark: import 1M track points (≈5,000 patrols) and one year of res-7 patrol coverage.

import    a CSV of points (track_id, time, lat, lon) → data.patrols.import_patrols into a demo store
          (parse, the five track checks incl. the Lao-side test, lengths, effort per res-9 cell, one
          transaction); optionally the same tracks as one GPX file (--gpx)
ours      coverage for one year at res 7: SQL sum of the stored per-cell effort → geo.coverage.cell_coverage
          (km, hours, distinct days, last day); and the whole coverage table with Gi*, trends and gaps
baseline  the same year's tracks → GeoDataFrame → geopandas.overlay(tracks, study hexagons,
          "intersection") in UTM 48N → length, hours (by length share), distinct days per hexagon

    .venv/bin/python benchmarks/patrols.py --patrols 5000 --points 200
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import _synth
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.analysis import study_cells
from data.coverage import coverage_for, load_effort, load_patrols
from data.demo import build_demo, build_places, read_demo_geojson
from data.demo_patrols import _routes
from data.filters import Filter
from data.patrols import import_patrols
from data.store import connect
from geo.coverage import cell_coverage
from geo.crs import transformer
from geo.h3grid import cell_polygons

YEAR = Filter(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))


def synth_tracks(n_patrols: int, n_points: int, seed: int = 16) -> pd.DataFrame:
    """Walks at ≈3.6 km/h (a fix every 10 s) along the Vietnamese part of the demo trails and gate routes."""
    rng = np.random.default_rng(seed)
    border, belt = read_demo_geojson("border"), read_demo_geojson("belt")
    routes = [r for rs in _routes(build_places(border, belt), belt).values() for r in rs]
    lines = [r[0] for r in routes]
    k = rng.integers(0, len(lines), n_patrols)
    span = n_points * 10.0
    starts = np.array([rng.uniform(0, max(lines[i].length - span, 1.0)) for i in k])
    lengths = np.array([lines[i].length for i in k])
    along = starts[:, None] + np.minimum(np.arange(n_points)[None, :] * 10.0, lengths[:, None])
    pts = np.concatenate([shapely.line_interpolate_point(lines[i], along[j]) for j, i in enumerate(k)])
    x = shapely.get_x(pts) + rng.normal(0, 3, pts.size)
    y = shapely.get_y(pts) + rng.normal(0, 3, pts.size)
    lon, lat = transformer("EPSG:32648", "EPSG:4326").transform(x, y)
    day = np.datetime64("2024-01-01") + rng.integers(0, 366, n_patrols).astype("timedelta64[D]")
    t0 = day.astype("datetime64[s]") + rng.integers(6 * 3600, 18 * 3600, n_patrols).astype("timedelta64[s]")
    times = (t0[:, None] + (np.arange(n_points) * 10).astype("timedelta64[s]")[None, :]).ravel()
    return pd.DataFrame({"track_id": np.repeat(np.char.add("T", np.arange(n_patrols).astype(str)), n_points),
                         "time": pd.to_datetime(times).strftime("%Y-%m-%d %H:%M:%S"), "lat": np.round(lat, 7),
                         "lon": np.round(lon, 7)})


def write_gpx(df: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?><gpx xmlns="http://www.topografix.com/GPX/1/1" '
                'creator="GPSMAP 66i" version="1.1">')
        utc = (pd.to_datetime(df["time"]) - pd.Timedelta(hours=7)).dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy()
        for tid, g in df.groupby("track_id", sort=False).indices.items():
            f.write(f"<trk><name>{tid}</name><trkseg>")
            f.write("".join(f'<trkpt lat="{la}" lon="{lo}"><ele>300.0</ele><time>{t}</time></trkpt>'
                            for la, lo, t in zip(df["lat"].to_numpy()[g], df["lon"].to_numpy()[g], utc[g],
                                                 strict=True)))
            f.write("</trkseg></trk>")
        f.write("</gpx>")


def main():
    def extra(p):
        p.add_argument("--patrols", type=int, default=5000)
        p.add_argument("--points", type=int, default=200, help="points per patrol")
        p.add_argument("--gpx", action="store_true", help="also time the import of the same tracks as GPX")

    args = _synth.cli(__doc__.splitlines()[0], extra)
    args.n = args.patrols * args.points
    tmp = Path(tempfile.mkdtemp(prefix="bw-patrols-"))
    t = time.perf_counter()
    template = tmp / "demo.duckdb"
    build_demo(template, incidents=20_000, seed=233, end=dt.date(2024, 12, 31))
    df = synth_tracks(args.patrols, args.points)
    csv = tmp / "tracks.csv"
    df.to_csv(csv, index=False)
    t_gen = time.perf_counter() - t

    def fresh():
        db = tmp / "bench.duckdb"
        shutil.copy(template, db)
        con = connect(db)
        con.execute("DELETE FROM patrol_cells; DELETE FROM patrols; DELETE FROM patrol_points")
        return con

    con = fresh()
    t = time.perf_counter()
    res = import_patrols(con, csv, station="DBP-THUAN")
    t_import = time.perf_counter() - t
    assert res.patrols_new == args.patrols, res
    rows = [["generate demo store + synthetic tracks (not timed below)", f"{t_gen:.2f}"],
            [f"import CSV: {args.n:,} points, {res.patrols_new:,} patrols (all checks, one transaction)",
             f"{t_import:.2f}"]]
    if args.gpx:
        gpx = tmp / "tracks.gpx"
        write_gpx(df, gpx)
        con.close()
        con = fresh()
        t = time.perf_counter()
        r2 = import_patrols(con, gpx, station="DBP-THUAN")
        rows.append([f"import GPX ({gpx.stat().st_size / 2**20:.0f} MB, defusedxml)", f"{time.perf_counter() - t:.2f}"])
        assert r2.patrols_new == args.patrols

    study_cells(con, res=7)      # the study cells are cached per belt: warm them as the dashboard does

    def ours():
        return cell_coverage(load_effort(con, YEAR), res=7)

    sec, peak, cov = _synth.timed(ours, args.repeat)
    full, _, table = _synth.timed(lambda: coverage_for(con, YEAR, res=7), args.repeat)
    hexes = cell_polygons(study_cells(con, res=7))
    tracks = load_patrols(con, YEAR)

    def baseline():
        tr = load_patrols(con, YEAR).to_crs(32648)
        tr["day"] = tr["started_at"].dt.date
        hx = hexes.to_crs(32648)
        inter = gpd.overlay(tr[["id", "day", "length_km", "duration_h", "geometry"]], hx, how="intersection",
                            keep_geom_type=True)
        inter["km"] = inter.length / 1000
        inter["hours"] = inter["duration_h"] * inter["km"] / inter["length_km"]
        return inter.groupby("h3").agg(patrol_km=("km", "sum"), patrol_hours=("hours", "sum"),
                                       patrol_days=("day", "nunique"))

    b_sec, _, base = _synth.timed(baseline, 1)
    ours_km = cov.set_index(pd.Index([format(int(c), "x") for c in cov["cell"]]))["patrol_km"]
    common = base.index.intersection(ours_km.index)
    diff = float((base.loc[common, "patrol_km"] - ours_km.loc[common]).abs().sum() / base["patrol_km"].sum())
    rows += [[f"ours: one year res-7 effort → {len(cov):,} cells, median of {args.repeat}", f"{sec:.4f}"],
             [f"ours: whole coverage table (+ Gi*, trends, gaps; {len(table):,} cells), median of {args.repeat}",
              f"{full:.4f}"],
             [f"baseline: geopandas overlay of {len(tracks):,} tracks with {len(hexes):,} hexagons", f"{b_sec:.2f}"]]
    notes = [f"check: total km ours {cov['patrol_km'].sum():,.1f} vs overlay {base['patrol_km'].sum():,.1f}; "
             f"per-cell km differ by {diff:.1%} of the total (ours: piece midpoints in res-9 cells → parents; "
             "H3 is not exactly nested)",
             f"ratio for the coverage table: baseline/ours (whole table) {b_sec / full:.1f}x"]
    _synth.report(args, rows, sec, b_sec, peak, notes)
    con.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
