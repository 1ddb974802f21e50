"""Illustrative patrols for the demo store: seeded walks along trails, to gates and around them.

Every station patrols on about one day in three: along the Vietnamese part of the trails it is
nearest to, on the way from the station to its nearest crossing, or in a loop around that
crossing (gate routes weigh three times as much, so gates are the best covered places). The
villages where the demo plants a *current* hot spot (new, consecutive and intensifying in
:data:`data.demo_facts.PLANTED_DYNAMICS`) are kept out of every route by 2.5 km, so the gap list
has something true to show. Rows are flagged ``illustrative``; nothing here is real patrol data.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from core.months import add_months
from core.vocab import fold
from data import demo_facts as F
from data.patrols import Parsed, build_patrols, write_patrols
from geo.crs import transformer

METRIC = "EPSG:32648"
GAP_KINDS = ("new", "consecutive", "intensifying")
GAP_RADIUS_M = 2500.0
PATROL_SHARE = 0.33        # chance that a station patrols on a given day
STEP_S = {"foot": 30, "vehicle": 20}
SPEED_MS = {"foot": 3.5 / 3.6, "vehicle": 20 / 3.6}


def _routes(places, belt) -> dict[str, list[tuple[LineString, float, str]]]:
    """Per station: (route in metres, weight, kind) with the planted gap zones cut out."""
    belt_m = shapely.union_all(belt.to_crs(METRIC).geometry.values)
    st = places["stations"].to_crs(METRIC)
    tr = places["trails"].to_crs(METRIC)
    cx = places["crossings"].to_crs(METRIC)
    vil = places["villages"].to_crs(METRIC)
    wanted = {fold(F.PLANTED_DYNAMICS[k]) for k in GAP_KINDS}
    gap_v = vil[[any(w in fold(n) for w in wanted) for n in vil["name"]]]
    holes = shapely.union_all(gap_v.geometry.representative_point().buffer(GAP_RADIUS_M).values) \
        if len(gap_v) else Point().buffer(0)
    st_xy = np.column_stack([st.geometry.x, st.geometry.y])

    def nearest_station(g) -> int:
        c = g.centroid
        return int(np.argmin(np.hypot(st_xy[:, 0] - c.x, st_xy[:, 1] - c.y)))

    def usable(g) -> LineString | None:
        g = g.intersection(belt_m.buffer(-50)).difference(holes)
        parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type == "LineString" and p.length > 600]
        return max(parts, key=lambda p: p.length) if parts else None

    out: dict[str, list] = {sid: [] for sid in st["id"]}
    for g, kind in zip(tr.geometry, tr["kind"], strict=True):
        r = usable(g)
        if r is not None:
            out[st["id"].iloc[nearest_station(r)]].append((r, 1.0, "vehicle" if kind == "road" else "foot"))
    for sid, s in zip(st["id"], st.geometry, strict=True):
        d = cx.geometry.distance(s)
        gate = cx.geometry.iloc[int(np.argmin(d.to_numpy()))]
        for r in (usable(LineString([s, gate])), usable(gate.buffer(700).exterior)):
            if r is not None:
                out[sid].append((r, 3.0, "foot"))
    return out


def build_demo_patrols(places, belt, *, end: dt.date, seed: int, months: int = 37) -> tuple[gpd.GeoDataFrame,
                                                                                          pd.DataFrame]:
    """Patrol rows and their cell effort over the ``months`` months that end in ``end``'s month."""
    rng = np.random.default_rng(seed + 16)
    routes = _routes(places, belt)
    first = add_months(end, -(months - 1))
    days = pd.date_range(first, end, freq="D")
    to_wgs = transformer(METRIC, "EPSG:4326").transform
    meta, chunks = [], []
    k = 0
    for sid, rs in routes.items():
        if not rs:
            continue
        w = np.array([r[1] for r in rs])
        out_days = days[rng.random(len(days)) < PATROL_SHARE]
        for day in out_days:
            line, _, kind = rs[rng.choice(len(rs), p=w / w.sum())]
            span = min(line.length, rng.uniform(2000, 6000) * (3 if kind == "vehicle" else 1))
            a = rng.uniform(0, line.length - span)
            n = max(int(span / (SPEED_MS[kind] * STEP_S[kind])), 2)
            pos = a + span * np.arange(n + 1) / n
            if rng.random() < 0.5:
                pos = pos[::-1]
            pts = shapely.line_interpolate_point(line, pos)
            x = shapely.get_x(pts) + rng.normal(0, 4, pos.size)
            y = shapely.get_y(pts) + rng.normal(0, 4, pos.size)
            start = np.datetime64(day.date()) + np.timedelta64(int(rng.integers(6 * 60, 20 * 60)), "m")
            times = start.astype("datetime64[s]") + np.arange(pos.size) * np.timedelta64(STEP_S[kind], "s")
            chunks.append((k, x, y, times))
            meta.append({"track": k, "label": f"{sid}-{day:%Y%m%d}", "name": f"Tuần tra minh họa {day:%d/%m/%Y}",
                         "team": f"Tổ {int(rng.integers(1, 4))}", "kind": kind, "note": "Minh họa (tổng hợp)",
                         "station_id": sid})
            k += 1
    if not chunks:
        return build_patrols(Parsed("demo", pd.DataFrame(meta), pd.DataFrame(
            {"track": [], "part": [], "lon": [], "lat": [], "time": []}), pd.DataFrame()), keep=[], date=None,
            station=None, kind=None)
    xs = np.concatenate([c[1] for c in chunks])
    ys = np.concatenate([c[2] for c in chunks])
    lon, lat = to_wgs(xs, ys)
    points = pd.DataFrame({"track": np.concatenate([np.full(c[1].size, c[0]) for c in chunks]),
                           "part": 0, "lon": lon, "lat": lat,
                           "time": np.concatenate([c[3] for c in chunks])})
    parsed = Parsed("demo", pd.DataFrame(meta), points, pd.DataFrame())
    return build_patrols(parsed, keep=list(range(k)), date=None, station=None, kind=None)


def add_demo_patrols(con: duckdb.DuckDBPyConnection, places, belt, *, end: dt.date, seed: int) -> int:
    """Write the illustrative patrols (the caller owns the transaction). Returns the number of patrols."""
    patrols, effort = build_demo_patrols(places, belt, end=end, seed=seed)
    ids = dict(zip(patrols["track"], patrols["id"], strict=True))
    write_patrols(con, patrols, effort.assign(patrol_id=effort["track"].map(ids)), illustrative=True)
    return len(patrols)
