"""Charts of the briefing (matplotlib, offline): monthly series, corridor counts.

High contrast for a washed-out projector: dark ink, thick bars, direct labels, drug
colours from :data:`core.palette.DRUG` doubled by hatching and the legend order.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import palette
from core.i18n import t
from core.vocab import DRUGS, label
from report.canvas import new_figure, png_bytes

INK = "#111111"
HATCH = {"heroin": "", "methamphetamine": "//", "synthetic_tablets": "..", "cannabis": "xx", "opium": "\\\\",
         "other": "--"}
CHART_KINDS = ("monthly", "crossings", "km")


def _style(ax, font: float) -> None:
    ax.tick_params(colors=INK, labelsize=font * 0.85, width=1.2, length=5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(INK)
        ax.spines[side].set_linewidth(1.3)
    ax.grid(axis="y" if ax.get_xlabel() != "x" else "x", color="#BBBBBB", linewidth=0.8)
    ax.set_axisbelow(True)


def _empty(ax, lang: str, font: float) -> None:
    ax.text(0.5, 0.5, t("report.chart.no_data", lang), ha="center", va="center", fontsize=font, color=INK,
            transform=ax.transAxes)
    ax.set_axis_off()


def monthly(ax, b, *, font: float = 13) -> None:
    """Stacked bars of incidents per month by drug; the reporting period's months framed."""
    lang, m = b.lang, b.monthly
    if m.empty:
        return _empty(ax, lang, font)
    table = m.pivot_table(index="month", columns="drug", values="count", aggfunc="sum", fill_value=0)
    table.index = pd.to_datetime(table.index)
    months = pd.date_range(table.index.min(), pd.Timestamp(b.flt.date_to).to_period("M").to_timestamp(), freq="MS")
    table = table.reindex(months, fill_value=0)
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    for drug in [d for d in DRUGS if d in table.columns]:
        vals = table[drug].to_numpy(float)
        ax.bar(x, vals, bottom=bottom, width=0.82, color=palette.DRUG[drug], edgecolor=INK, linewidth=0.6,
               hatch=HATCH[drug], label=label("drug", drug, lang))
        bottom += vals
    start = pd.Timestamp(b.flt.date_from).to_period("M").to_timestamp()
    inside = np.array([d >= start for d in table.index])
    if inside.any():
        lo, hi = x[inside].min() - 0.5, x[inside].max() + 0.5
        ax.axvspan(lo, hi, color="#000000", alpha=0.07, zorder=0)
        ax.text((lo + hi) / 2, bottom.max() * 1.04, t("report.chart.period", lang), ha="center", va="bottom",
                fontsize=font * 0.85, fontweight="bold", color=INK)
    ax.set_ylim(0, bottom.max() * 1.15 + 1)
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([f"{d.month:02d}/{str(d.year)[2:]}" for d in table.index[::step]])
    ax.set_ylabel(t("report.chart.incidents", lang), fontsize=font * 0.9, color=INK)
    _style(ax, font)
    ax.legend(fontsize=font * 0.75, frameon=False, ncol=3, loc="upper left", bbox_to_anchor=(0, -0.1))


def _kind_color(kind: str) -> str:
    """The palette colour of a crossing or trail kind; dark grey for a kind the palette does not know."""
    if kind in palette.CROSSING_KIND:
        return palette.CROSSING_KIND[kind]["color"]
    if kind in palette.TRAIL_KIND:
        return palette.TRAIL_KIND[kind]["color"]
    return "#555555"


def crossings(ax, b, *, font: float = 13, top: int = 8) -> None:
    """Horizontal bars: incidents within 2 km of each crossing and trail (top ``top``)."""
    lang = b.lang
    feats = pd.concat([b.corridor["crossings"], b.corridor["trails"]], ignore_index=True)
    feats = feats[feats["count"] > 0].sort_values("count", ascending=False).head(top).iloc[::-1]
    if feats.empty:
        return _empty(ax, lang, font)
    colors = [_kind_color(k) for k in feats["kind"]]
    y = np.arange(len(feats))
    ax.barh(y, feats["count"], color=colors, edgecolor=INK, linewidth=0.8, height=0.7)
    ax.set_yticks(y)
    ax.set_yticklabels(feats["name"], fontsize=font * 0.85)
    for yi, n in zip(y, feats["count"], strict=True):
        ax.text(n, yi, f" {int(n)}", va="center", fontsize=font * 0.85, fontweight="bold", color=INK)
    ax.set_xlim(0, feats["count"].max() * 1.18)
    ax.set_xlabel(t("report.chart.crossings", lang), fontsize=font * 0.9, color=INK)
    _style(ax, font)
    ax.grid(False)


def km(ax, b, *, font: float = 13) -> None:
    """Bars of incidents per km of border from the north end; the busiest labelled."""
    lang, k = b.lang, b.corridor["km"]
    if k.empty or k["count"].sum() == 0:
        return _empty(ax, lang, font)
    ax.bar(k["km_from"] + 0.5, k["count"], width=1.0, color=palette.BLUE, edgecolor=palette.BLUE, linewidth=0.3)
    for _, r in k.sort_values("count", ascending=False).head(1).iterrows():
        ax.annotate(f"km {int(r['km_from'])}", (r["km_from"] + 0.5, r["count"]), xytext=(0, 4),
                    textcoords="offset points",
                    ha="center", fontsize=font * 0.8, fontweight="bold", color=INK)
    ax.set_xlim(0, float(k["km_to"].max()))
    ax.set_ylim(0, k["count"].max() * 1.2)
    ax.set_xlabel(t("report.chart.km", lang), fontsize=font * 0.9, color=INK)
    ax.set_ylabel(t("report.chart.incidents", lang), fontsize=font * 0.9, color=INK)
    _style(ax, font)


DRAW = {"monthly": monthly, "crossings": crossings, "km": km}


def render_chart(b, kind: str, *, width_in: float = 7.0, height_in: float = 4.0, dpi: int = 150,
                 font: float = 13) -> bytes:
    """PNG bytes of chart ``kind`` (monthly | crossings | km) for briefing ``b``."""
    if kind not in DRAW:
        raise ValueError(f"unknown chart {kind!r}; valid: {', '.join(CHART_KINDS)}")
    fig = new_figure(width_in, height_in, dpi=dpi)
    ax = fig.add_subplot()
    DRAW[kind](ax, b, font=font)
    fig.tight_layout()
    return png_bytes(fig, dpi=dpi)


def render_visual(b, name: str, *, width_in: float, height_in: float, dpi: int = 150, font: float = 13) -> bytes:
    """``map:<kind>`` or ``chart:<kind>`` as PNG bytes."""
    family, _, kind = name.partition(":")
    if family == "map":
        from report.staticmap import render_map
        return render_map(b, kind, width_in=width_in, height_in=height_in, dpi=dpi, font=font)
    if family == "chart":
        return render_chart(b, kind, width_in=width_in, height_in=height_in, dpi=dpi, font=font)
    raise ValueError(f"unknown visual {name!r}; use map:<kind> or chart:<kind>")
