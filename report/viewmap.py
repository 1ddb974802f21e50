"""The map view a user saves from the dashboard: PNG or PDF, A4 or A3 landscape, drawn on the server.

Same renderer as the briefing's static maps (:func:`report.staticmap.draw_map`: Natural Earth
countries, belt, incident counts per hexagon, trails, border, villages, crossings), for the
extent the user was looking at, with a title, the period, the legend, a scale bar, a north
arrow and a VN-2000 / TM-3 106°15′ (EPSG:9212) grid labelled in kilometres.

Viewers (``min_cell`` k > 1) get no hexagon resting on fewer than k incidents (``ui.small`` rule).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
from pyproj import Transformer

from core.i18n import fmt_date, t
from data import analysis
from data.filters import Filter
from data.queries import villages_with_status
from data.store import is_demo, read_layer
from report.canvas import new_figure, png_bytes
from report.staticmap import INK, draw_map

PAPERS = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}       # landscape, inches
FORMATS = ("png", "pdf")
VN2000 = "EPSG:9212"                                       # VN-2000 / TM-3 106°15′
_GRID_KM = (1, 2, 5, 10, 20, 50, 100)


def _briefing_like(con, flt: Filter, *, lang: str, res: int, min_cell: int) -> SimpleNamespace:
    """What :func:`draw_map` reads from a briefing, for this filter (overview kind)."""
    hs = analysis.hotspots_for(con, flt, res=res)
    if min_cell > 1 and len(hs):
        hs = hs.assign(count=hs["count"].where(hs["count"] >= min_cell, 0))
    base = {name: read_layer(con, name) for name in ("belt", "border", "trails", "crossings")}
    return SimpleNamespace(lang=lang, base=base, hotspots=hs, villages=villages_with_status(con), hot=pd.DataFrame())


def check_bounds(bounds) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in degrees, checked: finite, ordered, within lon/lat range, not absurdly big."""
    try:
        x0, y0, x1, y1 = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be four numbers (left, bottom, right, top), got {bounds!r}") from None
    if not all(np.isfinite([x0, y0, x1, y1])) or not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        raise ValueError(f"bounds out of range or not ordered: {bounds!r}")
    if x1 - x0 > 20 or y1 - y0 > 20:
        raise ValueError(f"the view is too large to print (over 20°): {bounds!r}")
    return x0, y0, x1, y1


def fit_paper(bounds, paper_aspect: float) -> tuple[float, float, float, float]:
    """``bounds`` widened (never cut) to the map frame's width/height ratio on paper, at its mid latitude."""
    x0, y0, x1, y1 = bounds
    k = np.cos(np.radians((y0 + y1) / 2))
    w, h = (x1 - x0) * k, y1 - y0
    if w / h < paper_aspect:
        grow = (paper_aspect * h - w) / k / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (w / paper_aspect - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, y0, x1, y1


def grid_step_km(span_km: float, *, lines: int = 6) -> int:
    """A round grid spacing giving about ``lines`` lines over ``span_km``.

    >>> grid_step_km(60), grid_step_km(300), grid_step_km(8)
    (10, 50, 1)
    """
    fits = [v for v in _GRID_KM if span_km / v <= lines]
    return fits[0] if fits else _GRID_KM[-1]


def vn2000_grid(ax, *, font: float = 8) -> int:
    """VN-2000 / TM-3 106°15′ grid lines over the lon/lat axes ``ax``, labelled in km at the frame; returns the step."""
    to_vn = Transformer.from_crs("EPSG:4326", VN2000, always_xy=True)
    to_ll = Transformer.from_crs(VN2000, "EPSG:4326", always_xy=True)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    cx, cy = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
    e, n = to_vn.transform(cx.ravel(), cy.ravel())
    step = grid_step_km(max(np.ptp(e), np.ptp(n)) / 1000) * 1000
    kw = dict(color="#3A5A8C", lw=0.5, alpha=0.75, zorder=8.5)
    label = dict(fontsize=font, color="#3A5A8C", zorder=12, clip_on=False)
    along = np.linspace(min(n) - step, max(n) + step, 60)
    for easting in np.arange(np.floor(min(e) / step) * step, max(e) + step, step):
        lon, lat = to_ll.transform(np.full_like(along, easting), along)
        ax.plot(lon, lat, **kw)
        at = np.interp(y0, lat, lon) if lat[0] < lat[-1] else None
        if at is not None and x0 < at < x1:
            ax.text(at, y0, f"{easting / 1000:.0f}", ha="center", va="top", **label)
    across = np.linspace(min(e) - step, max(e) + step, 60)
    for northing in np.arange(np.floor(min(n) / step) * step, max(n) + step, step):
        lon, lat = to_ll.transform(across, np.full_like(across, northing))
        ax.plot(lon, lat, **kw)
        at = np.interp(x0, lon, lat) if lon[0] < lon[-1] else None
        if at is not None and y0 < at < y1:
            ax.text(x0, at, f"{northing / 1000:.0f} ", ha="right", va="center", **label)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return int(step)


@dataclass(frozen=True)
class Sheet:
    """The printed sheet: ``paper`` (a key of :data:`PAPERS`, landscape), ``fmt`` (png or pdf), ``dpi``."""

    paper: str = "A4"
    fmt: str = "png"
    dpi: int = 150

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"unknown paper {self.paper!r}; valid: {', '.join(PAPERS)}")
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format {self.fmt!r}; valid: {', '.join(FORMATS)}")


DEFAULT_SHEET = Sheet()


def render_view(con: duckdb.DuckDBPyConnection, flt: Filter, *, bounds: tuple[float, float, float, float],
                lang: str = "vi", sheet: Sheet = DEFAULT_SHEET, res: int = 7, min_cell: int = 1,
                today: dt.date | None = None) -> bytes:
    """PNG or PDF bytes of the map view ``bounds`` (left, bottom, right, top; degrees) for filter ``flt``."""
    paper, fmt, dpi = sheet.paper, sheet.fmt, sheet.dpi
    bounds = check_bounds(bounds)
    width, height = PAPERS[paper]
    fig = new_figure(width, height, dpi=dpi)
    font = 11 if paper == "A4" else 14
    frame = (0.045, 0.08, 0.68, 0.80)                       # the map: left, bottom, width, height (figure fraction)
    ax = fig.add_axes(frame)
    extent = fit_paper(bounds, (frame[2] * width) / (frame[3] * height))
    b = _briefing_like(con, flt, lang=lang, res=res, min_cell=min_cell)
    handles = draw_map(ax, b, "overview", font=font, extent=extent)
    vn2000_grid(ax, font=font * 0.6)
    fig.text(0.045, 0.955, t("ui.title", lang), fontsize=font * 1.5, fontweight="bold", color=INK, va="top")
    period = [t("report.view.counts", lang, res=res)]
    if flt.date_from and flt.date_to:
        period.insert(0, t("ui.period.span", lang, first=fmt_date(flt.date_from, lang), last=fmt_date(flt.date_to,
                                                                                                      lang)))
    if flt.area:
        period.append(t("report.view.area", lang))
    fig.text(0.045, 0.905, " · ".join(period), fontsize=font, color=INK, va="top")
    if is_demo(con):
        fig.text(0.75, 0.08, t("ui.demo_banner", lang), fontsize=font * 0.85, color="#8A1C1C", fontweight="bold",
                 va="bottom", ha="left", wrap=True)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.75, 0.88), fontsize=font * 0.85, frameon=False,
               title=t("map.legend", lang), title_fontsize=font, alignment="left")
    fig.text(0.045, 0.03, t("report.view.grid", lang), fontsize=font * 0.75, color="#3A5A8C")
    fig.text(0.725, 0.03, t("report.view.made", lang, date=fmt_date(today or dt.date.today(), lang)),
             fontsize=font * 0.75, color="#555555", ha="right")
    if fmt == "png":
        return png_bytes(fig, dpi=dpi)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf", facecolor="white")
    return buf.getvalue()
