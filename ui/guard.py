"""Never a traceback in the page: expected errors show their message, others a short note.

``with shield(lang):`` around each tab. A :class:`~core.errors.BorderwatchError` is shown
with ``st.error(message)``; anything else (a missing module too: the modules are imported
plainly, so a missing one fails closed)  is logged with its traceback (server log) and shown as one translated line.
Streamlit's own control flow (``st.rerun``/``st.stop``) derives from ``BaseException`` and
passes through untouched.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from core.errors import BorderwatchError
from core.i18n import t
from ui.text import md

log = logging.getLogger("borderwatch.ui")


@contextmanager
def shield(lang: str, where: str = ""):
    try:
        yield
    except BorderwatchError as exc:
        st.error(md(exc))
    except Exception:  # noqa: BLE001 -- the one place that turns surprises into a line of text
        log.exception("unexpected error in %s", where or "page")
        st.error(t("ui.error.unexpected", lang))
