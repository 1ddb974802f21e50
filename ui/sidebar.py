"""The sidebar: language, projector mode, period and value filters, data sources.

Every widget is keyed; values live in ``st.session_state`` (seeded by
:func:`ui.state.init_state`) and are never passed as defaults, so a value set from the
URL and a value the user picked behave the same.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from core.i18n import LANGS, fmt_date, t
from core.vocab import ARTICLES, DRUGS, label
from ui import state
from ui.periods import PRESETS, preset_range
from ui.text import md

_DATE_FORMAT = {"vi": "DD/MM/YYYY", "en": "YYYY-MM-DD"}
_EARLIEST = dt.date(2000, 1, 1)


def _reset_filters() -> None:
    ss = st.session_state
    for key in ("f_articles", "f_drugs", "f_stations", "f_communes", "f_villages"):
        ss[key] = []


#: Widgets whose option labels depend on the language. The browser keeps showing the label it
#: was sent for the chosen option, so after a switch their values are assigned again, which
#: makes Streamlit send the newly labelled value.
TRANSLATED_WIDGETS = ("f_preset", "f_articles", "f_drugs", "f_stations", "f_communes", "map_layers", "map_month",
                      "hot_res", "vil_status", "imp_layer", "imp_enc", "imp_mode", "exp_layer", "exp_format")


def _on_language() -> None:
    ss = st.session_state
    for key in [*TRANSLATED_WIDGETS, *(k for k in ss.keys() if str(k).startswith("imp_map_"))]:
        if key in ss:
            ss[key] = ss[key]


def language_switch() -> str:
    """Vietnamese / English (Vietnamese is the default). Returns the language."""
    st.sidebar.segmented_control(t("ui.lang", state.lang()), list(LANGS), key="lang", required=True,
                                 format_func=lambda c: t(f"ui.lang.{c}", c), on_change=_on_language)
    return state.lang()


def render(facts: dict, lang: str, *, can_project: bool = True) -> None:
    """Draw the filter widgets. ``facts`` is :func:`ui.cache.store_facts`."""
    sb = st.sidebar
    ss = st.session_state
    if can_project:
        sb.toggle(t("ui.projector", lang), key="projector", help=t("ui.projector.help", lang))
    sb.subheader(t("ui.filters", lang))
    sb.selectbox(t("ui.period", lang), list(PRESETS), key="f_preset",
                 format_func=lambda p: t(f"ui.period.{p}", lang))
    span = (facts.get("first"), facts.get("last"))
    preset = ss.get("f_preset")
    if preset != "custom":
        # A preset's dates as text; the date field appears for a custom range only (a disabled
        # field redrawn on every change cost the browser ~0.1 s per change, benchmarks/load.py).
        ss["f_range"] = state.concrete_range(preset_range(preset, state.today()), span, state.today())
        lo, hi = ss["f_range"]
        sb.caption(t("ui.period.span", lang, first=fmt_date(lo, lang), last=fmt_date(hi, lang)))
    else:       # starts at the last preset's dates: every run with a preset stored them in f_range
        sb.date_input(t("ui.period.range", lang), key="f_range", format=_DATE_FORMAT[lang], min_value=_EARLIEST)
    sb.multiselect(t("ui.articles", lang), list(ARTICLES), key="f_articles",
                   format_func=lambda a: f"{t('ui.article_short', lang, code=a)} – {label('article', a, lang)}",
                   placeholder=t("ui.all", lang))
    sb.multiselect(t("ui.drugs", lang), list(DRUGS), key="f_drugs",
                   format_func=lambda d: label("drug", d, lang), placeholder=t("ui.all", lang))
    choices = facts.get("choices") or {}
    station_names = dict(choices.get("stations") or [])
    sb.multiselect(t("ui.stations", lang), list(station_names), key="f_stations",
                   format_func=lambda s: station_names.get(s, s), placeholder=t("ui.all", lang))
    new, old = set(choices.get("communes_new") or []), set(choices.get("communes_old") or [])
    sb.multiselect(t("ui.communes", lang), sorted(new | old), key="f_communes",
                   format_func=lambda c: _commune_label(c, new, old, lang), placeholder=t("ui.all", lang),
                   help=t("ui.communes.help", lang))
    if ss.get("f_villages"):
        sb.caption(t("ui.villages_filtered", lang, n=len(ss["f_villages"])))
    sb.button(t("ui.reset", lang), key="f_reset", on_click=_reset_filters)


def _commune_label(name: str, new: set, old: set, lang: str) -> str:
    if name in new and name not in old:
        return f"{name} · {t('ui.commune.new', lang)}"
    if name in old and name not in new:
        return f"{name} · {t('ui.commune.old', lang)}"
    return f"{name} · {t('ui.commune.both', lang)}"


def sources(facts: dict, lang: str) -> None:
    """Data sources and attribution at the foot of the sidebar."""
    sb = st.sidebar
    sb.divider()
    sb.caption(t("ui.sources", lang))
    if facts.get("attribution"):
        sb.caption(md(facts["attribution"]))
    if facts.get("demo") and facts.get("demo_note"):
        sb.caption(md(facts["demo_note"]))
