"""The briefing pack PDF in the dashboard: a button that builds it with a progress bar,
then a download button for the bytes.

Only users with the ``briefing`` capability see it (and :func:`core.roles.require` is
asked again on the press); each PDF built is one ``briefing`` entry in the audit log.
The PDF is :func:`report.pdf.build_briefing_pdf`, the same as ``borderwatch briefing``.
"""
from __future__ import annotations

import duckdb
import streamlit as st

from core import roles
from core.errors import BorderwatchError
from core.i18n import t
from data import audit
from data.filters import Filter
from report.pdf import build_briefing_pdf
from ui.text import tr


def file_name(flt: Filter) -> str:
    """``borderwatch_briefing_<from>_<to>.pdf`` (ISO dates, ``all`` for an open end)."""
    ends = [d.isoformat() if d else "all" for d in (flt.date_from, flt.date_to)]
    return f"borderwatch_briefing_{ends[0]}_{ends[1]}.pdf"


def render(con: duckdb.DuckDBPyConnection, flt: Filter, *, lang: str, user, key: str = "brief",
           classification: str | None = None,
           sig: tuple = ()) -> None:
    """Draw the build button (and, once built for these inputs, the download button).

    ``key`` prefixes the widget keys (one section per place it is shown); ``sig`` adds
    values (e.g. the store version) that make an earlier PDF stale.
    """
    if not roles.can(user, roles.BRIEFING):
        return
    ss, held_key = st.session_state, f"_{key}_pdf"
    sig = (flt, lang, classification, *sig)
    if st.button(t("ui.brief.make", lang), key=f"{key}_make", help=t("ui.brief.help", lang)):
        roles.require(user, roles.BRIEFING, lang)
        bar = st.progress(0.0, text=t("ui.brief.working", lang))
        try:
            data = _build(con, flt, lang=lang, classification=classification,
                          progress=lambda f, msg: bar.progress(min(max(float(f), 0.0), 1.0), text=msg))
        except BorderwatchError as exc:
            bar.empty()
            st.error(tr("ui.brief.error", lang, msg=str(exc)))
            return
        bar.empty()
        name = file_name(flt)
        audit.log(con, str(getattr(user, "name", "") or "local"), "briefing", f"{name} (dashboard)")
        ss[held_key] = {"sig": sig, "name": name, "data": data}
    held = ss.get(held_key)
    if held and held["sig"] == sig:
        st.download_button(t("ui.brief.download", lang, name=held["name"]), held["data"], file_name=held["name"],
                           mime="application/pdf", key=f"{key}_download", on_click="ignore", type="primary")


def _build(con: duckdb.DuckDBPyConnection, flt: Filter, **kwargs) -> bytes:
    return build_briefing_pdf(con, flt, **kwargs)
