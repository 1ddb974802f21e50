"""Streamlit widgets that say nothing in English on a Vietnamese page.

Streamlit 1.67 writes some texts of its own into widgets, in English only. Each is avoided
with the framework's own options, or the widget is replaced:

========================================  ==================================================
Streamlit's text                          what this module does
========================================  ==================================================
selectbox "Choose an option",             ``placeholder=`` in the page's language; typing in
"No results"                              the box is off (``filter_mode=None``), so no
                                          "No results"; long lists get a :func:`search` box
multiselect "Select all",                 ``select_all=False``; ``filter_mode=None`` (no typing,
"Select 6 matches", "No results"          so no "No results"); ``placeholder=``
form "Press Enter to submit form"         ``enter_to_submit=False`` (:func:`form`)
text input "Press Enter to apply"         ``live=`` (the hint is only drawn for non-live
                                          inputs); Enter still commits at once
date picker (month and weekday names,     replaced: a text field "dd/mm/yyyy" parsed by
"Date range", "Choose date")              :func:`parse_date` (:func:`date_field`)
time picker ("Invalid time format…")      replaced: a text field "HH:MM" (:func:`parse_time`)
file uploader ("Upload", "200MB per       replaced: :mod:`ui.upload`
file", "Drag and drop a file here")
========================================  ==================================================

Search boxes match names without diacritics (:func:`core.vocab.fold`): "huong lap" finds
"Hướng Lập". Parsing and matching are plain functions (testable without a page).
"""
from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from core.errors import InputError
from core.i18n import fmt_date, t
from core.vocab import fold

#: A text field commits after this pause too (besides Enter and leaving the field). Long, so a
#: half-typed date is not judged; set at all because only non-live fields draw "Press Enter to apply".
TYPING_PAUSE = "60s"
SEARCH_PAUSE = "400ms"
DATE_HINT = {"vi": "dd/mm/yyyy", "en": "YYYY-MM-DD"}


def selectbox(label: str, options, *, key: str, lang: str, where=None, placeholder: str | None = None, **kw):
    """``st.selectbox`` with a translated placeholder and no typing (so no "No results")."""
    return (where or st).selectbox(label, options, key=key, placeholder=placeholder or t("ui.choose", lang),
                                   filter_mode=None, **kw)


def multiselect(label: str, options, *, key: str, lang: str, where=None, placeholder: str | None = None, **kw):
    """``st.multiselect`` without "Select all"/"Select N matches", typing or an English placeholder."""
    return (where or st).multiselect(label, options, key=key, placeholder=placeholder or t("ui.all", lang),
                                     filter_mode=None, select_all=False, **kw)


def form(key: str, **kw):
    """``st.form`` that Enter does not submit (Streamlit's hint for Enter is English only)."""
    return st.form(key, enter_to_submit=False, **kw)


def text(label: str, *, key: str, where=None, live: str = TYPING_PAUSE, **kw):
    """``st.text_input`` outside a form without the English "Press Enter to apply" hint (Enter still applies)."""
    return (where or st).text_input(label, key=key, live=live, **kw)


def search(label: str, *, key: str, lang: str, where=None, placeholder: str | None = None):
    """A search box that filters as the user types; match with :func:`matches`."""
    return (where or st).text_input(label, key=key, live=SEARCH_PAUSE,
                                    placeholder=placeholder or t("ui.search.placeholder", lang))


def matches(query: str | None, text: str | None) -> bool:
    """Every word of ``query`` occurs in ``text``, ignoring case and diacritics (empty query: True).

    >>> matches("huong lap", "Hướng Lập"), matches("lap huong", "Xã Hướng Lập"), matches("dakrong", "Đakrông")
    (True, True, True)
    >>> matches("lao bao", "Hướng Lập")
    False
    """
    words = fold(query or "").split()
    hay = fold(text or "")
    return all(w in hay for w in words)


def filter_options(options, query: str | None, label, keep=()) -> list:
    """``options`` whose ``label(option)`` :func:`matches` ``query``; ``keep`` (chosen ones) always stay, first.

    >>> filter_options(["a", "b", "c"], "huong", {"a": "Hướng Lập", "b": "Lao Bảo", "c": "Hướng Việt"}.get, keep=["b"])
    ['b', 'a', 'c']
    """
    kept = [o for o in keep if o in options]
    return kept + [o for o in options if o not in kept and matches(query, label(o))]


# -- dates and times as text -------------------------------------------------------------------

_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_HM = re.compile(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$")


def parse_date(text: str | None, lang: str, *, label: str = "") -> dt.date | None:
    """A typed date: ``dd/mm/yyyy`` (also ``-`` or ``.``) or ISO ``yyyy-mm-dd``; empty gives ``None``.

    Anything else is refused with :class:`~core.errors.InputError` naming the field, never guessed.

    >>> parse_date("3/4/2025", "vi"), parse_date("2025-04-03", "en"), parse_date(" ", "vi")
    (datetime.date(2025, 4, 3), datetime.date(2025, 4, 3), None)
    >>> parse_date("31/02/2025", "vi")
    Traceback (most recent call last):
    ...
    core.errors.InputError: 31/02/2025: ngày không có thật (dd/mm/yyyy)
    """
    raw = (text or "").strip()
    if not raw:
        return None
    m = _DMY.match(raw)
    if m:
        day, month, year = (int(g) for g in m.groups())
    elif (m := _ISO.match(raw)):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise InputError(_field(label) + t("ui.date.bad", lang, text=raw, hint=DATE_HINT[lang]))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InputError(_field(label) + t("ui.date.unreal", lang, text=raw, hint=DATE_HINT[lang])) from None


def parse_time(text: str | None, lang: str, *, label: str = "") -> dt.time | None:
    """A typed time ``HH:MM`` (24 h; also ``8h30``); empty gives ``None``.

    >>> parse_time("8:05", "vi"), parse_time("17h30", "vi")
    (datetime.time(8, 5), datetime.time(17, 30))
    """
    raw = (text or "").strip()
    if not raw:
        return None
    m = _HM.match(raw)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InputError(_field(label) + t("ui.time.bad", lang, text=raw))
    return dt.time(int(m.group(1)), int(m.group(2)))


def _field(label: str) -> str:
    return f"{label}: " if label else ""


def date_text(value: dt.date | None, lang: str) -> str:
    """The text a date field shows for ``value`` (dd/mm/yyyy in Vietnamese, ISO in English)."""
    return fmt_date(value, lang) if value else ""


def date_field(label: str, *, key: str, lang: str, where=None, in_form: bool = False, **kw):
    """A date typed as text (the calendar's month and weekday names are English only).

    The raw text is in ``st.session_state[key]``; read the date with :func:`parse_date`.
    """
    box = where or st
    kw.setdefault("placeholder", DATE_HINT[lang])
    kw.setdefault("max_chars", 10)
    if in_form:
        return box.text_input(label, key=key, **kw)
    return box.text_input(label, key=key, live=TYPING_PAUSE, **kw)
