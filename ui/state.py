"""Per-user state: the filter widgets ↔ ``st.session_state`` ↔ the URL query string.

The sidebar widgets own keys ``f_preset``, ``f_range``, ``f_articles``, ``f_drugs``,
``f_stations``, ``f_communes``; the language is ``lang`` and the open tab ``tab``.
On a session's first run :func:`init_state` seeds them from ``st.query_params``
(``Filter.from_query`` + ``period``, ``lang``, ``tab``), so a copied URL opens the same
view. :func:`current_filter` reads them back as one :class:`~data.filters.Filter` and
:func:`sync_url` writes the URL after every run. Nothing here is module-global.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import streamlit as st

from core.errors import InputError
from core.i18n import LANGS, default_lang
from data.filters import Filter
from ui.periods import DEFAULT_PRESET, PRESETS, match_preset, preset_range

#: Tab ids in display order (app.py shows those the user's role allows); labels are ``ui.tab.<id>``.
TABS: tuple[str, ...] = ("map", "hotspots", "stats", "villages", "data", "edit", "admin")
_LIST_KEYS = {"articles": "f_articles", "drugs": "f_drugs", "stations": "f_stations", "communes": "f_communes"}
_INIT = "_bw_init"


def today() -> dt.date:
    return dt.date.today()


def _query() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params.keys()}


def _validated(con: duckdb.DuckDBPyConnection, flt: Filter, lang: str) -> tuple[Filter, list[str]]:
    """``flt`` validated; a field with an unknown value is dropped with a warning, the rest kept."""
    try:
        return flt.validated(con, lang), []
    except InputError:
        pass
    warnings, kept = [], Filter(date_from=flt.date_from, date_to=flt.date_to)
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        kept = Filter()
    for name in ("articles", "drugs", "stations", "communes", "villages", "area"):
        trial = dataclasses.replace(Filter(), **{name: getattr(flt, name)})
        try:
            ok = trial.validated(con, lang)
            kept = dataclasses.replace(kept, **{name: getattr(ok, name)})
        except InputError as exc:
            warnings.append(str(exc))
    return kept, warnings


def init_state(con: duckdb.DuckDBPyConnection, *, span: tuple[dt.date | None, dt.date | None]) -> None:
    """Seed the session from the URL once per session (no-op afterwards)."""
    ss = st.session_state
    if ss.get(_INIT):
        return
    q = _query()
    lang = q["lang"] if q.get("lang") in LANGS else default_lang()
    ss["lang"] = lang
    flt, warnings = _validated(con, Filter.from_query(q), lang)
    now = today()
    period = q.get("period")
    if period in PRESETS and period != "custom":
        preset = period
    elif flt.date_from or flt.date_to:
        preset = match_preset(flt.date_from, flt.date_to, now)
    else:
        preset = DEFAULT_PRESET
    ss["f_preset"] = preset
    if preset == "custom":
        lo, hi = span
        ss["f_range"] = (flt.date_from or lo or now, flt.date_to or hi or now)
    else:
        ss["f_range"] = concrete_range(preset_range(preset, now), span, now)
    for name, key in _LIST_KEYS.items():
        ss[key] = list(getattr(flt, name))
    ss["f_villages"] = list(flt.villages)
    ss["f_area"] = flt.area                    # drawn on the map (ui.map_tab), carried by the URL
    ss["tab_id"] = q.get("tab") if q.get("tab") in TABS else TABS[0]
    ss["_bw_warnings"] = warnings
    ss[_INIT] = True


def concrete_range(rng, span, now) -> tuple[dt.date, dt.date]:
    """Replace open ends by the store's incident span (for widgets that need real dates)."""
    lo, hi = rng
    return (lo or span[0] or now, hi or span[1] or now)


def pop_warnings() -> list[str]:
    return st.session_state.pop("_bw_warnings", []) or []


def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in LANGS else "vi"


def period_dates() -> tuple[dt.date | None, dt.date | None]:
    """Dates of the chosen period (``None`` ends for "all")."""
    ss = st.session_state
    preset = ss.get("f_preset", DEFAULT_PRESET)
    if preset != "custom":
        return preset_range(preset, today())
    rng = tuple(ss.get("f_range") or ())
    if len(rng) == 2:
        ss["_bw_last_range"] = rng
        return rng[0], rng[1]
    # The user has clicked the first day only: keep the last complete range meanwhile.
    last = ss.get("_bw_last_range")
    return (last[0], last[1]) if last else (None, None)


def current_filter() -> Filter:
    ss = st.session_state
    date_from, date_to = period_dates()
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return Filter(date_from=date_from, date_to=date_to,
                  **{name: tuple(ss.get(key) or ()) for name, key in _LIST_KEYS.items()},
                  villages=tuple(ss.get("f_villages") or ()), area=ss.get("f_area") or None)


def url_query(flt: Filter, *, preset: str, lang: str, tab: str) -> dict[str, str]:
    """The query string of this view (pure: testable without a page)."""
    q = flt.to_query()
    if preset != "custom":
        q["period"] = preset
    if lang != "vi":
        q["lang"] = lang
    if tab != TABS[0]:
        q["tab"] = tab
    return q


def sync_url(flt: Filter) -> None:
    ss = st.session_state
    want = url_query(flt, preset=ss.get("f_preset", DEFAULT_PRESET), lang=lang(), tab=ss.get("tab_id", TABS[0]))
    if _query() != want:
        st.query_params.from_dict(want)
