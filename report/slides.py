"""The briefing as plain data: the frames behind it and six slides of display-ready text.

:func:`build_briefing` runs the analyses once; the projector view, the PDF and the
slide PNGs all draw from the :class:`Briefing` it returns, so they show the same
numbers. Every visible string comes from the translation table.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.errors import InputError
from core.i18n import fmt_date, fmt_int, fmt_num, fmt_place, t
from core.palette import VILLAGE_STATUS
from core.vocab import label
from data import basemaps
from data.filters import Filter
from data.queries import border_line, villages_with_status
from data.store import get_meta, is_demo, read_layer
from data.village_rules import review_overdue
from geo.h3grid import cells_to_str, points_to_cells
from report import sources
from report.changes import HOT_MIN_BIN, describe_changes, describe_year, make_summary
from report.figures import figure_label, fmt_amount, fmt_change, key_figures, resolve_period
from report.places import cell_places, commune_label, stretch_places
from report.snapshots import DataVersion, Snapshot, data_version, previous_snapshot

SLIDES = ("overview", "hotspots", "villages", "trends", "corridor", "patrols", "changes")
TREND_MONTHS = 24
MAX_ROWS = 7
MAX_VILLAGE_ROWS = 5
MAX_GAP_ROWS = 7
GAP_MAX_DAYS = 30               # a crossing not patrolled for longer is a gap (as `coverage --gaps`)
HOT_CATEGORIES = ("new_hot", "consecutive_hot", "intensifying_hot", "persistent_hot", "diminishing_hot",
                  "sporadic_hot", "oscillating_hot")


@dataclass
class Slide:
    key: str
    title: str
    subtitle: str = ""
    cards: list[dict] = field(default_factory=list)      # label, value, change, note
    table: pd.DataFrame | None = None                    # display strings, translated headers
    bullets: list[str] = field(default_factory=list)
    visuals: list[str] = field(default_factory=list)     # names for report.visuals.render


@dataclass
class Briefing:
    flt: Filter
    lang: str
    generated_at: dt.datetime
    version: DataVersion
    demo: bool
    attribution: str
    figures: pd.DataFrame
    hotspots: pd.DataFrame          # every study cell: h3, count, z, p, bin, category, places
    hot: pd.DataFrame               # hotspot rows shown (numbered) on the map and the table
    villages: pd.DataFrame          # villages_with_status + incidents_within, alert, alert_reason, cell_category
    monthly: pd.DataFrame           # month, drug, count
    corridor: dict
    summary: dict
    previous: Snapshot | None
    changes: list[str]              # against the same period last year, then against the last briefing
    base: dict = field(default_factory=dict)   # border, belt, crossings, trails (GeoDataFrames)
    patrols: dict = field(default_factory=dict)  # in_store, patrols, km, coverage, gaps (see _patrol_picture)
    slides: list[Slide] = field(default_factory=list)

    def period_text(self, flt: Filter | None = None) -> str:
        f = flt or self.flt
        return f"{fmt_date(f.date_from, self.lang)} – {fmt_date(f.date_to, self.lang)}"


def _monthly(con, flt: Filter) -> pd.DataFrame:
    first = sources.emerging_filter(flt, months=TREND_MONTHS).date_from
    where, params = replace(flt, date_from=first).where()
    return con.execute(f"SELECT CAST(date_trunc('month', occurred_at) AS DATE) AS month, drug, count(*) AS count "
                       f"FROM incidents WHERE {where} GROUP BY ALL ORDER BY month, drug", params).df()


def _villages(con, flt: Filter, emerging: pd.DataFrame) -> pd.DataFrame:
    v = villages_with_status(con)
    status = sources.villages(con, flt, emerging)[["village_id", "incidents_within", "alert", "alert_reason"]]
    v = v.merge(status, left_on="id", right_on="village_id", how="left")
    pts = v.geometry.representative_point()
    cells = (cells_to_str(points_to_cells(pts.y.to_numpy(), pts.x.to_numpy(), res=sources.RES)) if len(v)
             else np.array([], dtype=object))
    cat = dict(zip(emerging["h3"], emerging["category"], strict=True))
    v["cell_category"] = [cat.get(c) for c in cells]
    v["commune_label"] = [commune_label(o, n) for o, n in zip(v["commune"], v["commune_new"], strict=True)]
    v["alert"] = v["alert"].fillna(False).astype(bool)
    v["incidents_within"] = v["incidents_within"].fillna(0).astype(int)
    v["alert_reason"] = v["alert_reason"].fillna("")
    return v


def _patrol_picture(con, flt: Filter, hotspots: pd.DataFrame, emerging: pd.DataFrame) -> dict:
    """Patrol coverage of the briefing's own hot spots (same filter, cells and trends) and the gap list.

    ``in_store`` is the number of patrols in the whole store: 0 means the page says there is nothing to
    assess. ``coverage``: :func:`geo.coverage.coverage_table`; ``gaps``: :func:`data.coverage.gaps_for`.
    """
    from data.analysis import study_cells
    from data.coverage import gaps_for, load_effort, load_patrols
    from geo.coverage import BUFFER_M, cell_coverage, coverage_table

    n = int(con.execute("SELECT count(*) FROM patrols").fetchone()[0])
    if not n:
        return {"in_store": 0}
    walked = load_patrols(con, flt)
    table = coverage_table(cell_coverage(load_effort(con, flt), res=sources.RES), hotspots, emerging=emerging,
                           study_cells=study_cells(con, res=sources.RES))
    gaps = gaps_for(con, flt, res=sources.RES, max_days=GAP_MAX_DAYS, table=table)
    gaps["border_km"] = _border_km(gaps, border_line(con))
    return {"in_store": n, "patrols": len(walked), "km": float(walked["length_km"].sum()) if len(walked) else 0.0,
            "coverage": table, "gaps": gaps, "max_days": GAP_MAX_DAYS, "buffer_m": BUFFER_M}


def _border_km(gaps: pd.DataFrame, border) -> np.ndarray:
    """Border chainage (km from the north end, :func:`geo.corridor.incident_proximity`) of each gap's
    cell centre or crossing point: what tells apart gaps near the same village."""
    from geo.corridor import incident_proximity

    if not len(gaps) or border is None:
        return np.full(len(gaps), np.nan)
    pts = [_centre_lonlat(h) if k == "hot_cell" else (g.x, g.y)
           for k, h, g in zip(gaps["kind"], gaps["h3"], gaps.geometry, strict=True)]
    where = pd.DataFrame(pts, columns=["lon", "lat"], index=gaps.index)
    return incident_proximity(where, border=border)["chainage_km"].to_numpy()


def _centre_lonlat(h3_hex: str) -> tuple[float, float]:
    import h3.api.basic_str as h3s

    lat, lon = h3s.cell_to_latlng(h3_hex)
    return lon, lat


def build_briefing(con, flt: Filter, *, lang: str = "vi", compare_to: Snapshot | bool | None = None,
                   progress=None, now: dt.datetime | None = None) -> Briefing:
    """Run the analyses for ``flt`` (dates filled by :func:`resolve_period`) and lay out the slides.

    ``compare_to`` is the snapshot "what changed" compares with; by default (``None``) the
    latest saved one that is not this same briefing; ``False`` for no comparison.
    ``progress(fraction, message)`` is called between steps.
    """
    step = progress or (lambda frac, msg: None)
    if border_line(con) is None:
        raise InputError(t("report.no_border", lang))
    flt = resolve_period(con, flt)
    version = data_version(con)
    step(0.05, t("report.progress.figures", lang))
    figures = key_figures(con, flt)
    step(0.15, t("report.progress.hotspots", lang))
    hs = sources.hotspots(con, flt)
    em = sources.emerging(con, flt)[["h3", "category", "trend_tau", "trend_p"]]
    hs = hs.merge(em, on="h3", how="left")
    villages_all = villages_with_status(con)
    shown = hs[(hs["bin"] >= HOT_MIN_BIN) | hs["category"].isin(HOT_CATEGORIES)].copy()
    shown = shown.sort_values(["bin", "z"], ascending=False).reset_index(drop=True)
    shown = shown.join(cell_places(villages_all, shown["h3"]).drop(columns="h3"))
    shown["village"] = [fmt_place(v, None, lang, km=k, compass=c, tag=g, shared=sh) for v, k, c, g, sh in
                        zip(shown["village"], shown["distance_km"], shown["compass"], shown["tag"], shown["shared"],
                            strict=True)]
    shown["n"] = np.arange(1, len(shown) + 1)
    step(0.35, t("report.progress.villages", lang))
    villages = _villages(con, flt, em)
    step(0.45, t("report.progress.corridor", lang))
    corridor = sources.corridor(con, flt)
    km = corridor["km"].copy()
    km["place"] = stretch_places(villages_all, border_line(con), km["km_from"], km["km_to"]).to_numpy()
    corridor = {**corridor, "km": km}
    step(0.5, t("report.progress.patrols", lang))
    patrols = _patrol_picture(con, flt, hs[["h3", "count", "z", "bin"]], em)
    monthly = _monthly(con, flt)
    vsum = villages.rename(columns={"commune": "commune_old"}).assign(
        village_id=villages["id"], commune=villages["commune_label"])
    summary = make_summary(flt, figures, shown, vsum)
    chosen = compare_to if compare_to is not None else previous_snapshot(con, flt, version)
    previous = chosen if isinstance(chosen, Snapshot) else None     # False: no comparison
    changes = describe_year(summary, lang=lang) + (describe_changes(
        previous.summary, summary, lang=lang, version_counts=(previous.version.counts,
                                                              version.counts)) if previous else [])
    b = Briefing(flt=flt, lang=lang, generated_at=(now or dt.datetime.now()).replace(microsecond=0),
                 version=version, demo=is_demo(con), attribution=get_meta(con, "attribution", "") or "",
                 figures=figures, hotspots=hs, hot=shown, villages=villages, monthly=monthly, corridor=corridor,
                 summary=summary, previous=previous, changes=changes,
                 base={**{name: read_layer(con, name) for name in ("border", "belt", "crossings", "trails")},
                       "unit_basemap": basemaps.default_basemap(con)},
                 patrols=patrols)
    b.slides = lay_out(b)
    step(0.55, t("report.progress.slides", lang))
    return b


# -- layout: one function per slide, in a lookup table ---------------------------------------

def _cards_overview(b: Briefing) -> list[dict]:
    """One card per key figure: the value, the change against the same period last year
    (arrow and %), and the previous period of the same length as a second figure."""
    year, prev = b.period_text(b.flt.same_period_last_year()), b.period_text(b.flt.previous_period())
    out = []
    for _, r in b.figures.iterrows():
        ly, before = fmt_amount(r["last_year"], r["unit"], b.lang), fmt_amount(r["previous"], r["unit"], b.lang)
        pchange = fmt_change(r, b.lang, against="previous")
        out.append({"label": figure_label(r, b.lang), "value": fmt_amount(r["current"], r["unit"], b.lang),
                    "change": fmt_change(r, b.lang), "arrow": r["arrow"],
                    "last_year": ly, "previous": before, "previous_change": pchange,
                    "note": t("report.fig.last_year", b.lang, value=ly, period=year),
                    "note2": t("report.fig.previous", b.lang, value=before, period=prev, change=pchange)})
    return out


def _overview(b: Briefing) -> Slide:
    return Slide("overview", t("report.slide.overview", b.lang),
                 t("report.sub.overview", b.lang, period=b.period_text(),
                   year=b.period_text(b.flt.same_period_last_year())),
                 cards=_cards_overview(b), visuals=["map:overview"])


def _cat(code, lang: str) -> str:
    return label("emerging", code, lang) if isinstance(code, str) else ""


def _hotspots(b: Briefing) -> Slide:
    lang, hot = b.lang, b.hot.head(MAX_ROWS)
    table = pd.DataFrame({
        "#": hot["n"].astype(str),
        t("report.col.near", lang): hot["village"],
        t("report.col.commune", lang): hot["commune"],
        t("report.col.incidents", lang): [fmt_amount(c, "incidents", lang) for c in hot["count"]],
        t("report.col.gi", lang): [t(f"report.bin.{int(x)}", lang) for x in hot["bin"]],
        t("report.col.trend12", lang): [_cat(c, lang) for c in hot["category"]],
    })
    n_hot = int((b.hotspots["bin"] >= HOT_MIN_BIN).sum())
    cats = b.hotspots["category"].value_counts()
    bullets = [t("report.hot.count", lang, n=n_hot)]
    parts = [t("report.hot.cat_n", lang, n=int(cats[c]), cat=_cat(c,
                                                                  lang).lower()) for c in HOT_CATEGORIES if c in cats]
    if parts:
        bullets.append(t("report.hot.categories", lang, parts="; ".join(parts)))
    if len(b.hot) > MAX_ROWS:
        bullets.append(t("report.table.more", lang, n=len(b.hot) - MAX_ROWS))
    return Slide("hotspots", t("report.slide.hotspots", lang), t("report.sub.hotspots", lang, period=b.period_text()),
                 table=table, bullets=bullets, visuals=["map:hotspots"])


def _villages_slide(b: Briefing) -> Slide:
    lang, v = b.lang, b.villages
    counts = v["status"].value_counts()
    cards = [{"label": label("status", s, lang), "value": str(int(counts.get(s, 0))),
              "symbol": VILLAGE_STATUS[s]["symbol"],
              "color": VILLAGE_STATUS[s]["color"], "change": "", "note": ""}
             for s in ("recognised", "under_review", "revoked", "not_recognised")]
    alerts = v[v["alert"]].sort_values("incidents_within", ascending=False)
    table = pd.DataFrame({
        t("report.col.village", lang): alerts["name"],
        t("report.col.commune", lang): alerts["commune_label"],
        t("report.col.within", lang, km=fmt_amount(sources.RADIUS_KM, "km", lang)):
            [str(n) for n in alerts["incidents_within"]],
        t("report.col.reason", lang): [_reason(r, lang) for r in alerts["alert_reason"]],
    }).head(MAX_VILLAGE_ROWS)
    bullets = [t("report.villages.alerts", lang, n=len(alerts))] if len(alerts) else [t("report.villages.no_alerts",
                                                                                        lang)]
    if len(alerts) > MAX_VILLAGE_ROWS:
        bullets.append(t("report.table.more", lang, n=len(alerts) - MAX_VILLAGE_ROWS))
    overdue = overdue_reviews(b)
    if len(overdue):
        names = ", ".join(overdue["name"].head(MAX_VILLAGE_ROWS))
        more = len(overdue) - MAX_VILLAGE_ROWS
        bullets.append(t("report.villages.overdue", lang, n=len(overdue), today=fmt_date(b.generated_at, lang),
                         names=names + (t("report.villages.more", lang, n=more) if more > 0 else "")))
    return Slide("villages", t("report.slide.villages", lang), t("report.sub.villages", lang, period=b.period_text()),
                 cards=cards, table=table, bullets=bullets, visuals=["map:villages"])


def overdue_reviews(b: Briefing) -> pd.DataFrame:
    """Villages whose current decision's review date has passed on the day the briefing is made,
    longest overdue first (:func:`data.village_rules.review_overdue`)."""
    v = b.villages
    if "review_due" not in v.columns or not len(v):
        return v.iloc[0:0]
    today = b.generated_at.date()
    out = v[[review_overdue(d, today) for d in v["review_due"]]]
    return out.sort_values("review_due")


def _reason(codes: str, lang: str) -> str:
    """``hotspot:intensifying_hot;count:12>=5`` → readable text (see :mod:`geo.exposure`)."""
    out = []
    for code in filter(None, str(codes or "").split(";")):
        kind, _, rest = code.partition(":")
        if kind == "hotspot":
            out.append(t("report.alert.hotspot", lang, cat=_cat(rest, lang).lower()))
        elif kind == "count" and ">=" in rest:
            n, _, minimum = rest.partition(">=")
            out.append(t("report.alert.count", lang, n=n, min=minimum))
        else:
            out.append(code)
    return "; ".join(out)


def _trends(b: Briefing) -> Slide:
    lang, m = b.lang, b.monthly.groupby("month")["count"].sum()
    bullets = []
    if len(m):
        peak = m.idxmax()
        bullets.append(t("report.trend.peak", lang, month=_month(peak, lang), n=int(m.max())))
        bullets.append(t("report.trend.mean", lang, n=fmt_amount(float(m.tail(12).mean()), "incidents", lang)))
    first = m.index.min() if len(m) else b.flt.date_from
    return Slide("trends", t("report.slide.trends", lang),
                 t("report.sub.trends", lang, start=_month(first, lang), end=_month(b.flt.date_to, lang)),
                 bullets=bullets, visuals=["chart:monthly"])


def _month(d, lang: str) -> str:
    d = pd.Timestamp(d)
    return f"{d.month:02d}/{d.year}" if lang == "vi" else d.strftime("%b %Y")


def _corridor(b: Briefing) -> Slide:
    lang = b.lang
    total = max(int(b.figures.loc[b.figures["metric"] == "incidents", "current"].sum()), 1)
    feats = pd.concat([b.corridor["crossings"], b.corridor["trails"]]).sort_values("count", ascending=False)
    bullets = [t("report.corridor.near", lang, name=r["name"], n=int(r["count"]),
                 pct=fmt_amount(100 * r["count"] / total, "pct", lang))
               for _, r in feats.head(3).iterrows() if r["count"]]
    km = b.corridor["km"].sort_values("count", ascending=False).head(5)
    table = pd.DataFrame({
        t("report.col.km", lang): [f"{int(a)}–{int(np.ceil(z))}" for a, z in zip(km["km_from"], km["km_to"],
                                                                                 strict=True)],
        t("report.col.incidents", lang): [str(int(c)) for c in km["count"]],
        t("report.col.near", lang): km.get("place", pd.Series([""] * len(km), index=km.index)),
    })
    return Slide("corridor", t("report.slide.corridor", lang), t("report.sub.corridor", lang, period=b.period_text()),
                 table=table, bullets=bullets, visuals=["chart:crossings", "chart:km"])


def _gap_place(r, lang: str) -> str:
    """A hot cell: its nearest village / crossing; a crossing: its name (nearest village); then the border
    chainage of the cell centre or crossing ("km 98,1"), which tells apart cells near the same village."""
    village, crossing = r["nearest_village"] or "", r["nearest_crossing"] or ""
    if r["kind"] == "crossing":
        place = f"{crossing} ({village})" if village else crossing
    else:
        place = " / ".join(x for x in (village, crossing) if x)
    chain = r.get("border_km")
    if chain is None or pd.isna(chain):
        return place
    return f"{place} · km {fmt_num(chain, lang, decimals=1)}"


def _patrols_slide(b: Briefing) -> Slide:
    lang, p = b.lang, b.patrols
    title, sub = t("report.slide.patrols", lang), t("report.sub.patrols", lang, period=b.period_text())
    if not p.get("in_store"):
        return Slide("patrols", title, sub, bullets=[t("report.patrols.none", lang)])
    gaps = p["gaps"]
    top = gaps.head(MAX_GAP_ROWS)
    never = t("report.patrols.never", lang)
    table = pd.DataFrame({
        "#": [str(i) for i in range(1, len(top) + 1)],
        t("report.col.gap_place", lang): [_gap_place(r, lang) for _, r in top.iterrows()],
        "z": ["—" if pd.isna(z) else fmt_num(z, lang, decimals=1) for z in top["z"]],
        t("report.col.patrol_days", lang): ["—" if pd.isna(d) else fmt_int(int(d), lang) for d in top["patrol_days"]],
        t("report.col.days_since", lang): [never if pd.isna(d) else fmt_int(int(d), lang) for d in top["days_since"]],
    })
    bullets = [t("report.patrols.effort", lang, n=fmt_int(p["patrols"], lang), km=fmt_amount(p["km"], "km", lang))]
    if not p["patrols"]:
        bullets.append(t("report.patrols.none_period", lang))
    kinds = gaps["kind"].value_counts()
    bullets.append(t("report.patrols.gaps", lang, cells=int(kinds.get("hot_cell", 0)),
                     crossings=int(kinds.get("crossing", 0)), days=p["max_days"], m=fmt_int(p["buffer_m"], lang))
                   if len(gaps) else t("report.patrols.no_gaps", lang))
    if len(gaps) > MAX_GAP_ROWS:
        bullets.append(t("report.table.more", lang, n=len(gaps) - MAX_GAP_ROWS))
    return Slide("patrols", title, sub, table=table if len(top) else None, bullets=bullets, visuals=["map:patrols"])


def _changes(b: Briefing) -> Slide:
    lang, year = b.lang, b.period_text(b.flt.same_period_last_year())
    if b.previous is None:
        return Slide("changes", t("report.slide.changes", lang), t("report.sub.changes_none", lang, year=year),
                     bullets=[*b.changes, t("report.changes.first", lang)])
    sub = t("report.sub.changes", lang, year=year, saved=fmt_date(b.previous.saved_at, lang),
            period=b.period_text(b.previous.filter) if b.previous.filter.date_from else "")
    return Slide("changes", t("report.slide.changes", lang), sub, bullets=list(b.changes))


LAYOUT = {"overview": _overview, "hotspots": _hotspots, "villages": _villages_slide, "trends": _trends,
          "corridor": _corridor, "patrols": _patrols_slide, "changes": _changes}


def lay_out(b: Briefing) -> list[Slide]:
    return [LAYOUT[key](b) for key in SLIDES]
