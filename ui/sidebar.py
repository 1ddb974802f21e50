"""The sidebar: language, projector mode, period and value filters, data sources.

Every widget is keyed; values live in ``st.session_state`` (seeded by
:func:`ui.state.init_state`) and are never passed as defaults, so a value set from the
URL and a value the user picked behave the same.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from core.errors import InputError
from core.i18n import LANGS, fmt_date, t
from core.vocab import ARTICLES, DRUGS, label
from ui import state, widgets
from ui.periods import PRESETS, preset_range
from ui.text import md

_EARLIEST = dt.date(2000, 1, 1)


def _reset_filters() -> None:
    ss = st.session_state
    for key in ("f_articles", "f_drugs", "f_stations", "f_communes", "f_villages"):
        ss[key] = []
    ss["f_search"] = ""


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
    if ss.get("f_range") and len(ss["f_range"]) == 2:     # typed dates shown in the new language's format
        lo, hi = ss["f_range"]
        _range_texts(lo, hi, state.lang())
    ss.pop(RANGE_NOTE, None)


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
    widgets.selectbox(t("ui.period", lang), list(PRESETS), key="f_preset", lang=lang, where=sb,
                      format_func=lambda p: t(f"ui.period.{p}", lang))
    span = (facts.get("first"), facts.get("last"))
    preset = str(ss.get("f_preset"))
    if preset != "custom":
        # A preset's dates as text; the date fields appear for a custom range only, and start at them.
        ss["f_range"] = state.concrete_range(preset_range(preset, state.today()), span, state.today())
        lo, hi = ss["f_range"]
        _range_texts(lo, hi, lang)
        ss.pop(RANGE_NOTE, None)
        sb.caption(t("ui.period.span", lang, first=fmt_date(lo, lang), last=fmt_date(hi, lang)))
    else:
        _custom_range(facts, lang)
    widgets.multiselect(t("ui.articles", lang), list(ARTICLES), key="f_articles", lang=lang, where=sb,
                        format_func=lambda a: f"{t('ui.article_short', lang, code=a)} – {label('article', a, lang)}")
    widgets.multiselect(t("ui.drugs", lang), list(DRUGS), key="f_drugs", lang=lang, where=sb,
                        format_func=lambda d: label("drug", d, lang))
    choices = facts.get("choices") or {}
    station_names = dict(choices.get("stations") or [])
    new, old = set(choices.get("communes_new") or []), set(choices.get("communes_old") or [])
    widgets.search(t("ui.search.places", lang), key="f_search", lang=lang, where=sb)
    query = ss.get("f_search") or ""
    stations = widgets.filter_options(list(station_names), query, lambda s: station_names.get(s, s),
                                      keep=ss.get("f_stations") or ())
    communes = widgets.filter_options(sorted(new | old), query, str, keep=ss.get("f_communes") or ())
    widgets.multiselect(t("ui.stations", lang), stations, key="f_stations", lang=lang, where=sb,
                        format_func=lambda s: station_names.get(s, s))
    widgets.multiselect(t("ui.communes", lang), communes, key="f_communes", lang=lang, where=sb,
                        format_func=lambda c: _commune_label(c, new, old, lang), help=t("ui.communes.help", lang))
    if query.strip() and not (set(stations) | set(communes)) - set(ss.get("f_stations") or ()) \
            - set(ss.get("f_communes") or ()):
        sb.caption(t("ui.search.none", lang))
    if ss.get("f_villages"):
        sb.caption(t("ui.villages_filtered", lang, n=len(ss["f_villages"])))
    sb.button(t("ui.reset", lang), key="f_reset", on_click=_reset_filters)


# -- the custom date range: two typed dates, applied with Enter ------------------------------

RANGE_NOTE = "_bw_range_note"          # (level, text) about the last typed range, shown under the fields


def _range_texts(lo: dt.date, hi: dt.date, lang: str) -> None:
    ss = st.session_state
    ss["f_from_text"] = widgets.date_text(lo, lang)
    ss["f_to_text"] = widgets.date_text(hi, lang)


def _apply_range(lang: str, span: tuple) -> None:
    """Read the two typed dates into ``f_range``; a bad, reversed or empty range is refused with a note."""
    ss = st.session_state
    try:
        lo = widgets.parse_date(ss.get("f_from_text"), lang, label=t("ui.period.from", lang))
        hi = widgets.parse_date(ss.get("f_to_text"), lang, label=t("ui.period.to", lang))
    except InputError as exc:
        ss[RANGE_NOTE] = ("error", str(exc))
        return
    if lo is None or hi is None:
        ss[RANGE_NOTE] = ("error", t("ui.period.need_both", lang))
        return
    if lo > hi:
        ss[RANGE_NOTE] = ("error", t("ui.period.reversed", lang, first=fmt_date(lo, lang), last=fmt_date(hi, lang)))
        return
    if lo < _EARLIEST:
        ss[RANGE_NOTE] = ("error", t("ui.period.too_early", lang, first=fmt_date(_EARLIEST, lang)))
        return
    ss["f_range"] = (lo, hi)
    ss[RANGE_NOTE] = outside_note(lo, hi, span, lang)


def outside_note(lo: dt.date, hi: dt.date, span: tuple, lang: str):
    """A note when ``[lo, hi]`` reaches outside the data's ``span``: where the data starts and ends."""
    first, last = span
    if first is None or last is None:
        return ("warning", t("ui.period.no_data", lang))
    if hi < first or lo > last:
        return ("warning", t("ui.period.outside", lang, first=fmt_date(first, lang), last=fmt_date(last, lang)))
    if lo < first or hi > last:
        return ("info", t("ui.period.partly", lang, first=fmt_date(first, lang), last=fmt_date(last, lang)))
    return None


def _custom_range(facts: dict, lang: str) -> None:
    sb = st.sidebar
    ss = st.session_state
    span = (facts.get("first"), facts.get("last"))
    if "f_from_text" not in ss or "f_to_text" not in ss:
        lo, hi = ss["f_range"]
        _range_texts(lo, hi, lang)
    left, right = sb.columns(2)
    for box, key, text_key in ((left, "f_from_text", "ui.period.from"), (right, "f_to_text", "ui.period.to")):
        widgets.date_field(t(text_key, lang), key=key, lang=lang, where=box, on_change=_apply_range,
                           args=(lang, span))
    note = ss.get(RANGE_NOTE)
    if note:
        getattr(sb, note[0])(note[1])
    else:
        sb.caption(t("ui.period.enter", lang))


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
    if facts.get("demo"):              # the store's note is bilingual; the page shows its own language only
        sb.caption(t("ui.demo_note", lang))
