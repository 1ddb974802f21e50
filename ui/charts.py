"""Altair charts of the monthly aggregates (:func:`data.stats.monthly`). No Streamlit here.

Each function takes the monthly frame and the language and returns an ``alt.Chart``;
labels come from core/i18n and core/vocab, drug colours from core/palette. Vega-Lite is
bundled with Streamlit, so nothing is fetched from the network.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from core import palette
from core.i18n import t
from core.vocab import DRUGS, label
from ui.small import keep_cells, small

_MONTH_FORMAT = {"vi": "%m/%Y", "en": "%Y-%m"}

#: Vega's number and time locale per language (Vega-Lite ``config.locale``): 1.000 and 2,5 in Vietnamese,
#: day and month names in Vietnamese, dates dd/mm/yyyy.
LOCALE = {
    "vi": {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
           "time": {"dateTime": "%H:%M %d/%m/%Y", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["SA", "CH"],
                    "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
                    "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
                    "months": [f"tháng {m}" for m in range(1, 13)],
                    "shortMonths": [f"th{m}" for m in range(1, 13)]}},
    "en": {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]},
           "time": {"dateTime": "%Y-%m-%d %H:%M", "date": "%Y-%m-%d", "time": "%H:%M:%S", "periods": ["AM", "PM"],
                    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
                    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                    "months": ["January", "February", "March", "April", "May", "June", "July", "August",
                               "September", "October", "November", "December"],
                    "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                    "Dec"]}},
}


def localized(chart, lang: str):
    """``chart`` with the language's number and time locale (tooltips and axes format with it)."""
    return chart.configure(locale=LOCALE.get(lang, LOCALE["en"]))
# No fixed chart height: Streamlit sizes Vega-Lite charts with autosize "fit", and a fixed
# height there has to hold the legend and axes too, which squeezed the bars to nothing.


def _by(df: pd.DataFrame, column: str, value: str, enum: str, lang: str, k: int = 1) -> pd.DataFrame:
    """Sums per month and ``column``; with ``k > 1`` only groups of at least ``k`` incidents (ui.small)."""
    out = df.groupby(["month", column], as_index=False)[list(dict.fromkeys([value, "incidents"]))].sum()
    out, _ = keep_cells(out, k)
    out = out.copy()
    out["label"] = [label(enum, c, lang) for c in out[column]]
    return out


def _x(lang: str) -> alt.X:
    """One band per month (bars as wide as the month allows, one label per month, never repeated)."""
    return alt.X("yearmonth(month):O", title=t("ui.chart.month", lang),
                 axis=alt.Axis(format=_MONTH_FORMAT[lang], formatType="time", labelAngle=-45, labelOverlap="greedy"))


def _drug_scale(lang: str) -> alt.Scale:
    codes = list(DRUGS)
    return alt.Scale(domain=[label("drug", c, lang) for c in codes], range=[palette.DRUG[c] for c in codes])


def _stacked(data: pd.DataFrame, value: str, title: str, legend: str, lang: str, scale=None) -> alt.Chart:
    color = alt.Color("label:N", title=legend, scale=scale or alt.Undefined,
                      legend=alt.Legend(orient="right", labelLimit=230))
    return (alt.Chart(data, title=title)
            .mark_bar()
            .encode(x=_x(lang), y=alt.Y(f"sum({value}):Q", title=title), color=color,
                    tooltip=[alt.Tooltip("yearmonth(month):T", title=t("ui.chart.month", lang),
                                         format=_MONTH_FORMAT[lang]),
                             alt.Tooltip("label:N", title=legend),
                             alt.Tooltip(f"{value}:Q", title=title, format=",.0f")]))


def incidents_by_article(df: pd.DataFrame, lang: str, *, k: int = 1) -> alt.Chart:
    data = _by(df, "article", "incidents", "article", lang, k)
    data["label"] = [f"{t('ui.article_short', lang, code=a)} – {lbl}"
                     for a, lbl in zip(data["article"], data["label"], strict=True)]
    return _stacked(data, "incidents", t("ui.chart.incidents", lang), t("ui.articles", lang), lang)


def incidents_by_drug(df: pd.DataFrame, lang: str, *, k: int = 1) -> alt.Chart:
    data = _by(df, "drug", "incidents", "drug", lang, k)
    return _stacked(data, "incidents", t("ui.chart.incidents", lang), t("ui.drugs", lang), lang, _drug_scale(lang))


def grams_by_drug(df: pd.DataFrame, lang: str, *, k: int = 1) -> alt.Chart:
    """Seized weight in grams per drug (tablets are counted separately, not converted)."""
    data = _by(df, "drug", "quantity_g", "drug", lang, k)
    data = data[data["quantity_g"] > 0]
    return _stacked(data, "quantity_g", t("ui.chart.grams", lang), t("ui.drugs", lang), lang, _drug_scale(lang))


def tablets(df: pd.DataFrame, lang: str, *, k: int = 1) -> alt.Chart:
    data = _by(df, "drug", "tablets", "drug", lang, k)
    data = data[data["tablets"] > 0]
    return _stacked(data, "tablets", t("ui.chart.tablets", lang), t("ui.drugs", lang), lang, _drug_scale(lang))


def persons(df: pd.DataFrame, lang: str, *, k: int = 1) -> alt.Chart:
    data = df.groupby("month", as_index=False)[["persons", "incidents"]].sum()
    data, _ = keep_cells(data, k)
    data = data[[not small(p, k) for p in data["persons"]]]
    title = t("ui.chart.persons", lang)
    return (alt.Chart(data, title=title)
            .mark_line(point=True, color=palette.BLUE, strokeWidth=3)
            .encode(x=_x(lang), y=alt.Y("persons:Q", title=title),
                    tooltip=[alt.Tooltip("yearmonth(month):T", title=t("ui.chart.month", lang),
                                         format=_MONTH_FORMAT[lang]),
                             alt.Tooltip("persons:Q", title=title, format=",.0f"),
                             alt.Tooltip("incidents:Q", title=t("ui.chart.incidents", lang), format=",.0f")]))


def counts_bar(data: pd.DataFrame, *, category: str, value: str, title: str, category_title: str,
               sort_desc: bool = True, color: str = palette.BLUE) -> alt.Chart:
    """Horizontal bars, one per category (crossings, trails), longest first."""
    order = "-x" if sort_desc else "x"
    return (alt.Chart(data, title=title)
            .mark_bar(color=color)
            .encode(y=alt.Y(f"{category}:N", title=category_title, sort=order,
                            axis=alt.Axis(labelLimit=260)),
                    x=alt.X(f"{value}:Q", title=title),
                    tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                             alt.Tooltip(f"{value}:Q", title=title, format=",.0f")]))


def bars_height(n: int) -> int:
    """Pixel height for ``n`` horizontal bars with readable labels (title and axis included)."""
    return 100 + 28 * max(n, 1)


def per_km(data: pd.DataFrame, *, km: str, value: str, title: str, km_title: str, km_to: str = "km_to",
           length_km: float | None = None) -> alt.Chart:
    """Incidents per kilometre of border, along the border (chainage from the north end).

    Each bar spans its stretch (``km`` to ``km_to``); the axis runs from 0 to the border's
    length (``length_km``, by default the end of the last stretch), not to the last stretch
    that holds an incident.
    """
    end = float(length_km if length_km is not None else data[km_to].max() if km_to in data and len(data) else 0)
    x = alt.X(f"{km}:Q", title=km_title, scale=alt.Scale(domain=[0, end], nice=False, zero=True))
    enc = dict(x=x, y=alt.Y(f"{value}:Q", title=title),
               tooltip=[alt.Tooltip(f"{km}:Q", title=km_title, format=",.0f"),
                        alt.Tooltip(f"{value}:Q", title=title, format=",.0f")])
    if km_to in data:
        enc["x2"] = alt.X2(f"{km_to}:Q")
    return alt.Chart(data, title=title).mark_bar(color=palette.VERMILION, stroke="white", strokeWidth=0.5).encode(**enc)
