"""Build the demo store: public facts (DOMAIN.md) plus seeded synthetic incidents.

Same seed and same end month give the same data. Every row is flagged ``illustrative``
and the store's meta says ``demo=true`` so the UI shows a banner. The store is built in
a temporary file and moved into place, so an interrupted build never leaves half a store.

Two sizes
---------
**The default demo** (``build_demo(path)``, ``borderwatch demo``) is meant to be shown to a
steering committee, so its magnitudes are those of this border, not of a load test.
Basis, in order of magnitude (public reporting by the Quảng Trị border guard and police on
the Lao border of Hướng Hóa and Đakrông; no figure is copied, the demo only has to be of
the same size):

* **cases**: tens to a few hundred drug cases a year along this border. The demo draws
  :data:`PLAUSIBLE_PER_YEAR` (≈ 190) a year over :data:`MONTHS` months (just over three
  years), most of them small: possession and retail of a few grams or tens of tablets;
* **seizures**: trafficking cases carry hundreds of grams to a few kilograms (heroin in
  350 g cakes, methamphetamine in 0.5–1 kg packs, tablets by the thousand); a case of tens
  of kilograms or hundreds of thousands of tablets is rare and comes through the Lao Bảo
  international gate (:data:`LARGE_AT_LAO_BAO`: two in the three years, both gate cases
  within :data:`LAO_BAO_KM` km of Lao Bảo);
* **persons**: one or two per case.

The planted hot spots (``demo_facts.PLANTED_DYNAMICS``) keep enough cases around their
villages (:data:`PLANTED_SCALE` of the load profile, a few a month at their peak) to stand
out on the hexagon and Gi* maps against a sparse background.

**A load demo** (``build_demo(path, incidents=N)``, ``borderwatch demo --incidents N``) keeps
the original synthetic generator for benchmarks and tests: N incidents, planted dynamics
scaled with N / 20,000, trafficking-sized quantities. The test fixtures pass ``incidents``
explicitly and are unchanged by the default.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, shape
from shapely.geometry.base import BaseGeometry

from core.months import add_months, month_start
from data import demo_facts as F
from data.build_border import ATTRIBUTION
from data.store import connect, insert_layer, set_meta

FILES = Path(__file__).resolve().parent / "demo_files"
METRIC = "EPSG:32648"
MONTHS = 37          # 36 full months before the current one, plus the current month
PLAUSIBLE_PER_YEAR = 190     # cases a year in the default demo (tens to a few hundred on this border)
PLANTED_SCALE = 0.12         # planted hot spots in the default demo: this share of the load profile
LARGE_AT_LAO_BAO = 2         # very large seizures in the default demo, both at the Lao Bảo gate
LAO_BAO_KM = 3.0


def read_demo_geojson(name: str) -> gpd.GeoDataFrame:
    data = json.loads((FILES / f"{name}.geojson").read_text(encoding="utf-8"))
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in data["features"]]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


class _Frame:
    """The border line and belt in metres, with helpers to place things along the line."""

    def __init__(self, border: gpd.GeoDataFrame, belt: gpd.GeoDataFrame):
        self.line = border.to_crs(METRIC).geometry.iloc[0]
        self.belt = belt.to_crs(METRIC).geometry.iloc[0]
        self.to_m = lambda lat, lon: gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(METRIC).iloc[0]

    def chainage_of(self, lat: float, lon: float) -> float:
        return self.line.project(self.to_m(lat, lon))

    def frame_at(self, s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point on the line at chainage s, unit tangent, unit normal toward Vietnam."""
        s = float(np.clip(s, 0, self.line.length))
        p = np.array(self.line.interpolate(s).coords[0])
        q0 = np.array(self.line.interpolate(max(s - 500, 0)).coords[0])
        q1 = np.array(self.line.interpolate(min(s + 500, self.line.length)).coords[0])
        tng = (q1 - q0) / np.linalg.norm(q1 - q0)
        nrm = np.array([-tng[1], tng[0]])
        if not self.belt.contains(Point(*(p + 4000 * nrm))):
            nrm = -nrm
        return p, tng, nrm

    def place(self, s: float, inward_m: float, along_m: float = 0.0) -> np.ndarray:
        p, tng, nrm = self.frame_at(s + along_m)
        return p + inward_m * nrm


def _to_gdf(rows: list[dict], geoms_m: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geoms_m, crs=METRIC).to_crs(4326).values, crs=4326)


def _place_gates(fr: _Frame, ch: dict[str, float]) -> tuple[list[dict], list[Point]]:
    """The border gates: Lao Bảo at its known position, the others 150 m inside their commune's anchor."""
    gates, geoms = [], []
    for gid, name, kind, facing, commune, _conf in F.GATES:
        if gid == "CK-LAOBAO":
            geom, approx = fr.to_m(*F.LAO_BAO_GATE), False
        else:
            geom, approx = Point(fr.place(ch[commune], 150.0)), True
        gates.append(dict(id=gid, name=name, kind=kind, facing=facing, commune=commune, approximate=approx))
        geoms.append(geom)
    return gates, geoms


def _place_stations(fr: _Frame, ch: dict[str, float]) -> tuple[list[dict], list[Point], list[BaseGeometry]]:
    """Border-guard stations 3.5 km inland of their commune, each with its Voronoi cell in the belt as area."""
    stations, geoms = [], []
    for sid, name, commune in F.STATIONS:
        stations.append(dict(id=sid, name=name))
        geoms.append(Point(fr.place(ch[commune], 3500.0, 1500.0)))
    regions = shapely.voronoi_polygons(shapely.MultiPoint(geoms), extend_to=fr.belt.envelope.buffer(5000))
    areas = []
    for g in geoms:
        cell = next(r for r in regions.geoms if r.contains(g))
        areas.append(cell.intersection(fr.belt))
    return stations, geoms, areas


def _place_villages(fr: _Frame, ch: dict[str, float],
                    rng: np.random.Generator) -> tuple[list[dict], list[Point]]:
    """The villages of each commune, spread along and into the belt, with a drawn population."""
    villages: list[dict] = []
    geoms: list[Point] = []
    for commune, names in F.VILLAGES.items():
        district = "Đakrông" if commune in {"A Vao", "Húc Nghì", "Tà Rụt", "A Bung", "A Ngo"} else "Hướng Hóa"
        for k, name in enumerate(names):
            along = (k - (len(names) - 1) / 2) * 2200 + rng.normal(0, 400)
            inward = rng.uniform(1500, 11000)
            p = Point(fr.place(ch[commune], inward, along))
            if not fr.belt.contains(p):
                p = Point(fr.place(ch[commune], 3000, along))
            vid = f"V-{len(villages) + 1:03d}"
            villages.append(dict(id=vid, name=f"{'Khóm' if commune == 'Lao Bảo' else 'Thôn'} {name}",
                                 commune=commune, district=district,
                                 population=int(rng.integers(250, 1600)), households=0))
            villages[-1]["households"] = int(villages[-1]["population"] / rng.uniform(4.2, 5.5))
            geoms.append(p)
    return villages, geoms


def _place_trails(fr: _Frame, ch: dict[str, float], rng: np.random.Generator
                  ) -> tuple[list[dict], list[LineString], list[dict], list[Point]]:
    """Trails and roads from Laos across the line and inland; each non-road trail adds an opening where it crosses."""
    trails, t_geoms, openings, o_geoms = [], [], [], []
    for tid, name, kind, commune in F.TRAILS:
        s = ch[commune] + (0 if kind == "road" else rng.normal(0, 1500))
        lao = fr.place(s, -4000.0, rng.normal(0, 800))
        cross = fr.place(s, 0.0)
        mid = fr.place(s, 4500.0, rng.normal(0, 1800))
        inland = fr.place(s, 12000.0 if kind == "road" else 9000.0, rng.normal(0, 2500))
        trails.append(dict(id=tid, name=name, kind=kind))
        t_geoms.append(LineString([lao, cross, mid, inland]))
        if kind != "road":
            openings.append(dict(id=f"LM-{tid[3:]}", name=name.replace("Đường mòn", "Điểm qua lại"),
                                 kind="opening" if kind == "opening_path" else "trail_crossing",
                                 facing=None, commune=commune, approximate=True))
            o_geoms.append(Point(cross))
    return trails, t_geoms, openings, o_geoms


def build_places(border: gpd.GeoDataFrame, belt: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Gates, openings, stations and their areas, villages, trails: public facts, placed."""
    fr = _Frame(border, belt)
    ch = {c: fr.chainage_of(*ll) for c, ll in F.COMMUNE_ANCHORS.items()}
    gates, gate_geoms = _place_gates(fr, ch)
    stations, st_geoms, areas = _place_stations(fr, ch)
    rng = np.random.default_rng(233)        # villages, then trails: one stream, in this order
    villages, v_geoms = _place_villages(fr, ch, rng)
    trails, t_geoms, openings, o_geoms = _place_trails(fr, ch, rng)
    return {
        "crossings": _to_gdf(gates + openings, gate_geoms + o_geoms),
        "stations": _to_gdf(stations, st_geoms).assign(
            area=gpd.GeoSeries(areas, crs=METRIC).to_crs(4326).values),
        "villages": _to_gdf(villages, v_geoms),
        "trails": _to_gdf(trails, t_geoms),
    }


def build_commune_areas(villages: gpd.GeoDataFrame, belt: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Illustrative commune areas: the Voronoi cells of the villages, merged by commune, clipped to the belt.

    Incidents take the commune of their nearest village, so an incident lies in the area of the commune
    it is attributed to (up to the metric-vs-degree difference near cell edges). Population: the sum of
    the commune's villages. NOT legal boundaries (stored with ``illustrative = true``).
    """
    pts = villages.to_crs(METRIC)
    zone = belt.to_crs(METRIC).geometry.union_all()
    cells = shapely.voronoi_polygons(shapely.MultiPoint(list(pts.geometry)), extend_to=zone.envelope.buffer(5000))
    cell_of = [next(c for c in cells.geoms if c.contains(g)) for g in pts.geometry]
    names = pd.read_csv(FILES / "communes.csv").set_index("old_name")["new_name"].to_dict()
    rows, geoms = [], []
    for k, (commune, grp) in enumerate(pts.assign(_cell=cell_of).groupby("commune", sort=False)):
        area = shapely.union_all(list(grp["_cell"])).intersection(zone)
        rows.append(dict(id=f"XA-{k + 1:02d}", name=commune, new_name=names.get(commune),
                         district=grp["district"].iloc[0], population=int(grp["population"].sum())))
        geoms.append(area)
    return _to_gdf(rows, geoms)


def build_status_history(villages: gpd.GeoDataFrame, end: dt.date, seed: int) -> pd.DataFrame:
    """Recognition histories: not recognised → recognised → (under review → revoked | re-confirmed)."""
    rng = np.random.default_rng(seed + 1)
    rows = []
    for vid in villages["id"]:
        start = dt.date(2023, 10, 1) + dt.timedelta(days=int(rng.integers(0, 60)))
        rows.append(dict(village_id=vid, status="not_recognised", decided_on=start, decision_ref=None,
                         review_due=None, note="Khảo sát ban đầu (minh họa)"))
        if rng.random() < 0.65:
            d = start + dt.timedelta(days=int(rng.integers(120, 420)))
            ref = f"{int(rng.integers(100, 3000))}/QĐ-UBND"
            rows.append(dict(village_id=vid, status="recognised", decided_on=d, decision_ref=ref,
                             review_due=d + dt.timedelta(days=365), note="Công nhận (minh họa)"))
            r = rng.random()
            if r < 0.15:
                d2 = d + dt.timedelta(days=int(rng.integers(200, 380)))
                if d2 < end:
                    rows.append(dict(village_id=vid, status="under_review", decided_on=d2,
                                     decision_ref=f"{int(rng.integers(10, 300))}/TB-BCĐ",
                                     review_due=d2 + dt.timedelta(days=90),
                                     note="Phát hiện vụ việc trên địa bàn (minh họa)"))
                    if r < 0.06 and d2 + dt.timedelta(days=100) < end:
                        rows.append(dict(village_id=vid, status="revoked", decided_on=d2 + dt.timedelta(days=100),
                                         decision_ref=f"{int(rng.integers(100, 3000))}/QĐ-UBND", review_due=None,
                                         note="Thu hồi công nhận (minh họa)"))
    return pd.DataFrame(rows)


# Incident mix per source: probabilities over codes (tables, not if-chains).
_DRUG_MIX = {
    "gate": {"synthetic_tablets": .45, "methamphetamine": .30, "heroin": .20, "other": .05},
    "trail": {"heroin": .40, "synthetic_tablets": .30, "methamphetamine": .25, "opium": .05},
    "village": {"synthetic_tablets": .50, "heroin": .30, "methamphetamine": .20},
}
_ARTICLE_MIX = {
    "gate": {"250": .50, "251": .25, "249": .20, "253": .03, "252": .02},
    "trail": {"250": .55, "251": .25, "249": .18, "253": .02},
    "village": {"249": .30, "251": .20, "255": .15, "256": .10, "256a": .15, "258": .05, "259": .05},
}
_SOURCE_SHARE = {"gate": .34, "trail": .38, "village": .18, "background": .10}
# Planted hotspot dynamics (villages in demo_facts.PLANTED_DYNAMICS); _profile gives incidents per month.
_DYNAMIC = ["new", "consecutive", "intensifying", "diminishing", "historical", "sporadic"]


def _profile(kind: str, n: int, rng) -> np.ndarray:
    """Incidents per month at a planted focus, for a 20,000-incident demo (scaled with n)."""
    m = np.arange(n, dtype=float)
    table = {
        "new": (m == n - 1) * 30.0,
        "consecutive": (m >= n - 3) * 16.0,
        "intensifying": 3.0 + 22.0 * m / (n - 1),
        "diminishing": 24.0 - 20.0 * m / (n - 1),
        "historical": (m < n - 2) * 18.0,
        "sporadic": (rng.random(n) < 0.4) * 14.0 + (m == n - 1) * 14.0,
    }
    return table[kind]


def plausible_count() -> int:
    """Incidents of the default demo: :data:`PLAUSIBLE_PER_YEAR` a year over :data:`MONTHS` months."""
    return int(round(PLAUSIBLE_PER_YEAR * MONTHS / 12))


# Candidate incidents: x, y (metres), source name, month index; arrays of one length.
_Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
INCIDENT_COLUMNS = ["id", "occurred_at", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
                    "description"]


@dataclass(frozen=True)
class _Sources:
    """Where synthetic incidents come from, in metres, with the weights that pick among them."""

    belt: BaseGeometry
    gates: gpd.GeoDataFrame
    trails: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    gate_w: np.ndarray
    trail_w: np.ndarray
    village_w: np.ndarray
    month_p: np.ndarray         # chance of each of the MONTHS months: dry season and Tết, a rising trend


def _sources(places: dict[str, gpd.GeoDataFrame], belt: gpd.GeoDataFrame, months: list[dt.date]) -> _Sources:
    month_idx = np.arange(MONTHS)
    season = 1 + 0.35 * np.cos(2 * np.pi * (np.array([d.month for d in months]) - 1.5) / 12)  # dry season, Tết
    trend = 1 + 0.25 * month_idx / (MONTHS - 1)
    base_w = season * trend
    gates = places["crossings"].to_crs(METRIC)
    trails = places["trails"].to_crs(METRIC)
    gw = np.where(gates["kind"] == "international_gate", 4.0, 1.0) * np.where(gates["id"] == "CK-LAOBAO", 2.0, 1.0)
    gw = np.where(gates["kind"].isin(["opening", "trail_crossing"]), 0.35, gw)
    vill = places["villages"].to_crs(METRIC)
    return _Sources(belt=belt.to_crs(METRIC).geometry.iloc[0], gates=gates, trails=trails, villages=vill,
                    gate_w=gw, trail_w=np.where(trails["kind"] == "road", 1.5, 1.0),
                    village_w=vill["population"].to_numpy(float), month_p=base_w / base_w.sum())


def _draw(src: _Sources, total: int, rng: np.random.Generator) -> _Part:
    """Candidate points by source (gates, trails, villages, background); only those inside the belt are kept."""
    counts = rng.multinomial(total, list(_SOURCE_SHARE.values()))
    parts: list[tuple[np.ndarray, np.ndarray, str, np.ndarray]] = []
    gates, trails, vill = src.gates, src.trails, src.villages
    c = counts[0]  # gates: Lao Bảo carries the most
    k = rng.choice(len(gates), c, p=src.gate_w / src.gate_w.sum())
    parts.append((gates.geometry.x.values[k] + rng.normal(0, 1300, c),
                  gates.geometry.y.values[k] + rng.normal(0, 1300, c),
                  "gate", rng.choice(MONTHS, c, p=src.month_p)))
    c = counts[1]  # trails: uniform along, 400 m either side
    k = rng.choice(len(trails), c, p=src.trail_w / src.trail_w.sum())
    pts = shapely.line_interpolate_point(trails.geometry.values[k], rng.random(c), normalized=True)
    parts.append((shapely.get_x(pts) + rng.normal(0, 400, c), shapely.get_y(pts) + rng.normal(0, 400, c),
                  "trail", rng.choice(MONTHS, c, p=src.month_p)))
    c = counts[2]  # villages: use and small trading around settlements
    k = rng.choice(len(vill), c, p=src.village_w / src.village_w.sum())
    parts.append((vill.geometry.x.values[k] + rng.normal(0, 800, c),
                  vill.geometry.y.values[k] + rng.normal(0, 800, c),
                  "village", rng.choice(MONTHS, c, p=src.month_p)))
    c = counts[3]  # background, uniform in the belt
    minx, miny, maxx, maxy = src.belt.bounds
    parts.append((rng.uniform(minx, maxx, c), rng.uniform(miny, maxy, c), "background",
                  rng.choice(MONTHS, c, p=src.month_p)))
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    source = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    month = np.concatenate([p[3] for p in parts])
    keep = shapely.contains_xy(src.belt, x, y)
    return x[keep], y[keep], source[keep], month[keep]


def _planted(src: _Sources, scale: float, rng: np.random.Generator) -> list[_Part]:
    """Planted hotspot dynamics around chosen villages: ``scale`` × the profile's incidents per month."""
    names = src.villages["name"].str.split(" ", n=1).str[1].to_numpy()
    picks = [int(np.flatnonzero(names == F.PLANTED_DYNAMICS[kind])[0]) for kind in _DYNAMIC]
    profiles = {kind: _profile(kind, MONTHS, rng) for kind in _DYNAMIC}
    dyn = []
    for kind, vi in zip(_DYNAMIC, picks, strict=True):
        per_month = rng.poisson(profiles[kind] * scale)
        month = np.repeat(np.arange(MONTHS), per_month)
        c = len(month)
        x = src.villages.geometry.x.values[vi] + rng.normal(0, 700, c)
        y = src.villages.geometry.y.values[vi] + rng.normal(0, 700, c)
        keep = shapely.contains_xy(src.belt, x, y)
        dyn.append((x[keep], y[keep], np.full(keep.sum(), "dynamic"), month[keep]))
    return dyn


def _places_and_months(src: _Sources, n: int, planted: list[_Part], rng: np.random.Generator) -> _Part:
    """The planted incidents topped up with drawn ones, ``n`` of them in a random order."""
    parts = list(planted)
    have = sum(len(d[0]) for d in planted)
    while have < n:
        part = _draw(src, int((n - have) * 1.3) + 50, rng)
        parts.append(part)
        have += len(part[0])
    x, y, source, month = (np.concatenate([p[i] for p in parts]) for i in range(4))
    order = rng.permutation(len(x))[:n]
    return x[order], y[order], source[order], month[order]


def _occurred(months: list[dt.date], month: np.ndarray, end: dt.date, rng: np.random.Generator) -> np.ndarray:
    """A day within the month (never after ``end``), an hour skewed to the night, a minute."""
    m = len(month)
    starts = np.array([np.datetime64(months[i]) for i in month])
    month_len = np.array([(add_months(months[i], 1) - months[i]).days for i in month])
    last_days = np.where(month == MONTHS - 1, end.day, month_len)
    day = (rng.random(m) * last_days).astype(int)
    hour = rng.choice(24, m, p=_hour_weights())
    return starts + day.astype("timedelta64[D]") + hour.astype("timedelta64[h]") + \
        rng.integers(0, 60, m).astype("timedelta64[m]")


def _kind_drug_article(source: np.ndarray, occurred: np.ndarray,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kind of place (gate, trail, village), then drug and article from that kind's mix."""
    m = len(source)
    kind = np.where(np.isin(source, ["background", "dynamic"]), "village", source)
    kind = np.where((source == "dynamic") & (rng.random(m) < 0.6), "trail", kind)
    drug = np.empty(m, dtype=object)
    article = np.empty(m, dtype=object)
    for s in ("gate", "trail", "village"):
        sel = kind == s
        drug[sel] = rng.choice(list(_DRUG_MIX[s]), sel.sum(), p=list(_DRUG_MIX[s].values()))
        article[sel] = rng.choice(list(_ARTICLE_MIX[s]), sel.sum(), p=list(_ARTICLE_MIX[s].values()))
    before_256a = occurred < np.datetime64("2025-07-01")
    article[(article == "256a") & before_256a] = "249"
    return kind, drug, article


def _load_amounts(drug: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Grams and tablets of the load demo: trafficking-sized away from villages. Returns ``(quantity_g, tablets)``."""
    m = len(drug)
    qty = np.full(m, np.nan)
    tablets = np.full(m, np.nan)
    small = kind == "village"
    her = drug == "heroin"
    qty[her] = np.where(small[her], rng.uniform(0.1, 5, her.sum()), 350.0 * (1 + rng.geometric(0.35, her.sum())))
    met = drug == "methamphetamine"
    qty[met] = np.where(small[met], rng.uniform(0.3, 8, met.sum()),
                        np.minimum(rng.lognormal(np.log(250), 1.4, met.sum()), 300_000).round(1))
    tab = drug == "synthetic_tablets"
    tablets[tab] = np.where(small[tab], rng.integers(2, 60, tab.sum()),
                            np.minimum(rng.lognormal(np.log(2500), 1.2, tab.sum()), 60_000)).round()
    opi = drug == "opium"
    qty[opi] = rng.uniform(50, 2000, opi.sum()).round(1)
    oth = drug == "other"
    qty[oth] = rng.uniform(1, 100, oth.sum()).round(1)
    return qty, tablets


def _near_lao_bao(src: _Sources, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True for points within :data:`LAO_BAO_KM` km of the Lao Bảo gate."""
    lao_bao = src.gates[src.gates["id"] == "CK-LAOBAO"].geometry
    if lao_bao.empty:
        return np.zeros(len(x), bool)
    return np.hypot(x - lao_bao.x.iloc[0], y - lao_bao.y.iloc[0]) <= LAO_BAO_KM * 1000


def _incident_frame(columns: dict[str, np.ndarray], source: np.ndarray, x: np.ndarray, y: np.ndarray,
                    stations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Ids, nearest station and description added, sorted by time, points back in EPSG:4326."""
    from scipy.spatial import cKDTree

    m = len(x)
    st = stations.to_crs(METRIC)
    _, nearest = cKDTree(np.column_stack([st.geometry.x, st.geometry.y])).query(np.column_stack([x, y]))
    ids = np.char.add("DEMO-", np.char.zfill(np.arange(1, m + 1).astype(str), 6))
    desc = [f"Vụ việc minh họa (tổng hợp) — nguồn: {s}" for s in source]
    df = pd.DataFrame(dict(id=ids, **columns, station_id=st["id"].to_numpy()[nearest], description=desc))
    df = df.sort_values("occurred_at", kind="stable").reset_index(drop=True)
    geo = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=METRIC).to_crs(4326)
    # re-attach geometry in the sorted order
    order = pd.Series(range(m), index=ids).loc[df["id"]].to_numpy()
    return gpd.GeoDataFrame(df, geometry=geo.values[order], crs=4326)


def build_incidents(places: dict[str, gpd.GeoDataFrame], belt: gpd.GeoDataFrame, *, n: int, seed: int,
                    end: dt.date, plausible: bool = False) -> gpd.GeoDataFrame:
    """``n`` synthetic incidents over ``MONTHS`` months ending in ``end``'s month, inside the belt.

    ``plausible`` (the default demo): planted hot spots at :data:`PLANTED_SCALE` whatever ``n``,
    and seizure sizes of this border (:func:`_plausible_amounts`).

    The steps draw from one random stream in a fixed order (same seed, same incidents): planted
    hot spots, the drawn rest, times, kinds/drugs/articles, amounts, persons.
    """
    if n <= 0:
        return gpd.GeoDataFrame({c: [] for c in INCIDENT_COLUMNS}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    rng = np.random.default_rng(seed)
    first = add_months(month_start(end), -(MONTHS - 1))
    months = [add_months(first, int(k)) for k in np.arange(MONTHS)]
    src = _sources(places, belt, months)
    planted = _planted(src, PLANTED_SCALE if plausible else n / 20_000, rng)
    x, y, source, month = _places_and_months(src, n, planted, rng)
    occurred = _occurred(months, month, end, rng)
    kind, drug, article = _kind_drug_article(source, occurred, rng)
    qty, tablets = _load_amounts(drug, kind, rng)       # drawn in both demos: the stream stays the same
    persons = 1 + rng.poisson(0.6, len(x))
    if plausible:
        qty, tablets = _plausible_amounts(drug, kind, _near_lao_bao(src, x, y) & (kind == "gate"), rng)
        persons = 1 + rng.poisson(0.4, len(x))
    columns = dict(occurred_at=pd.to_datetime(occurred), article=article, drug=drug, quantity_g=qty,
                   tablets=tablets, persons=persons)
    return _incident_frame(columns, source, x, y, places["stations"])


def _plausible_amounts(drug: np.ndarray, kind: np.ndarray, lao_bao_gate: np.ndarray, rng):
    """Grams and tablets of the default demo (see the module text): mostly small, some kilograms,
    a rare very large seizure at the Lao Bảo gate. Returns ``(quantity_g, tablets)``."""
    m = len(drug)
    qty, tablets = np.full(m, np.nan), np.full(m, np.nan)
    trafficking = (kind != "village") & (rng.random(m) < 0.2)
    her, met = drug == "heroin", drug == "methamphetamine"
    tab, opi, oth = drug == "synthetic_tablets", drug == "opium", drug == "other"
    large = np.zeros(m, bool)
    candidates = np.flatnonzero(lao_bao_gate & (met | tab))
    large[rng.choice(candidates, min(len(candidates), LARGE_AT_LAO_BAO), replace=False)] = True
    small_g = rng.uniform(0.05, 3.0, m)                       # one user's or a retailer's doses
    courier_g = rng.uniform(2.0, 60.0, m)                     # small couriers on trails and at gates
    qty[her] = np.where(trafficking[her], 350.0 * rng.integers(1, 7, her.sum()),       # 1–6 cakes
                        np.where(kind[her] == "village", small_g[her], courier_g[her]))
    qty[met] = np.where(trafficking[met], np.minimum(rng.lognormal(np.log(600), 0.8, met.sum()), 10_000),
                        np.where(kind[met] == "village", small_g[met], courier_g[met]))
    tablets[tab] = np.where(trafficking[tab], np.minimum(rng.lognormal(np.log(3000), 0.9, tab.sum()), 60_000),
                            np.where(kind[tab] == "village", rng.integers(1, 40, tab.sum()),
                                     rng.integers(20, 600, tab.sum())))
    qty[opi] = rng.uniform(20, 1500, opi.sum())
    qty[oth] = rng.uniform(1, 50, oth.sum())
    # the rare very large seizures, at Lao Bảo: tens of kilograms, or hundreds of thousands of tablets
    big_met = large & met
    qty[big_met] = rng.uniform(20_000, 120_000, big_met.sum())
    big_tab = large & tab
    tablets[big_tab] = rng.uniform(100_000, 600_000, big_tab.sum())
    return np.round(qty, 1), np.round(tablets)


def _hour_weights() -> np.ndarray:
    h = np.arange(24)
    w = 1 + 1.2 * ((h >= 19) | (h <= 4))
    return w / w.sum()


def build_demo(db_path: str | Path, *, incidents: int | None = None, seed: int = 233,
               end: dt.date | None = None, before_replace=None) -> dict:
    """Build the demo store at ``db_path`` (replacing it atomically). Returns a summary.

    ``incidents=None`` (default): the plausible demo (module text); a number: a load demo of that size.
    ``before_replace()`` runs just before the new file takes the name (the CLI closes the old
    store there); no WAL of an old store is ever left beside the new file.
    """
    t0 = time.perf_counter()
    end = end or dt.date.today()
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + ".building")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    border, belt = read_demo_geojson("border"), read_demo_geojson("belt")
    places = build_places(border, belt)
    status = build_status_history(places["villages"], end, seed)
    plausible = incidents is None
    n = plausible_count() if incidents is None else int(incidents)
    incs = build_incidents(places, belt, n=n, seed=seed, end=end, plausible=plausible)
    con = connect(tmp)
    try:
        con.execute("BEGIN TRANSACTION")
        communes = pd.read_csv(FILES / "communes.csv", parse_dates=["valid_from"])
        con.register("__c", communes)
        con.execute("INSERT INTO communes SELECT old_name, old_district, new_name, CAST(valid_from AS DATE), false "
                    "FROM __c")
        con.unregister("__c")
        insert_layer(con, "border", border[["id", "name", "geometry"]], illustrative=True)
        insert_layer(con, "belt", belt[["id", "name", "geometry"]], illustrative=True)
        for layer in ("crossings", "stations", "trails", "villages"):
            insert_layer(con, layer, places[layer], illustrative=True)
        insert_layer(con, "commune_areas", build_commune_areas(places["villages"], belt), illustrative=True)
        con.register("__s", status)
        con.execute("""INSERT INTO village_status (village_id, status, decided_on, decision_ref, review_due, note,
                       illustrative) SELECT village_id, status, CAST(decided_on AS DATE), decision_ref,
                       CAST(review_due AS DATE), note, true FROM __s""")
        con.unregister("__s")
        insert_layer(con, "incidents", incs.assign(outside_vietnam=False), illustrative=True)  # none across the border
        __import__("data.demo_patrols").demo_patrols.add_demo_patrols(con, places, belt, end=end, seed=seed)
        for key, value in {"demo": "true", "demo_seed": str(seed), "demo_end": end.isoformat(),
                           "demo_note": F.ILLUSTRATIVE_NOTE, "attribution": ATTRIBUTION,
                           "built_at": dt.datetime.now().isoformat(timespec="seconds")}.items():
            set_meta(con, key, value)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    if before_replace is not None:
        before_replace()
    Path(str(db_path) + ".wal").unlink(missing_ok=True)
    os.replace(tmp, db_path)
    return {"db": str(db_path), "incidents": len(incs), "seconds": time.perf_counter() - t0,
            "kind": "plausible" if plausible else "load"}
