"""Editing for editors: an incident placed by a click on the map, and village status decisions.

Both forms go through the importer (``data.importers.read_source`` → ``commit``) with a
one-row file, so a typed incident meets exactly the rules of an imported one (vocabularies,
dates, the distance to the belt, stations) and is written in ONE transaction with its
``import_log`` row; then an audit entry is appended. A village status change adds a row to
``village_status`` (history kept; the current status is the latest decision). A decision
with the same village, status and date as a stored one is refused, never overwritten.

Roles are checked here on the server (``core.roles.require``), not only by hiding the tab.
"""
from __future__ import annotations

import csv
import datetime as dt
import tempfile
import uuid
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

from core import roles
from core.errors import BorderwatchError, InputError, ValidationError
from core.i18n import fmt_date, t
from core.vocab import ARTICLES, DRUGS, VILLAGE_STATUSES, label
from data import audit
from data.filters import Filter
from data.importers import commit, read_source
from data.village_rules import review_date_reason
from layers import mapbuild
from ui import auth, cache, widgets
from ui.context import Ctx
from ui.text import md, tr

_NO_INCIDENTS = Filter(date_from=dt.date(2999, 1, 1), date_to=dt.date(2999, 1, 1))  # reference layers only
_EDIT_LAYERS = ["belt", "border", "trails", "crossings", "villages"]
INCIDENT_FIELDS = ["id", "occurred_at", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
                   "description", "lat", "lon"]
STATUS_FIELDS = ["village_id", "status", "decided_on", "decision_ref", "review_due", "note"]


def render(ctx: Ctx) -> None:
    """The editing page: incident entry and village status, each for the roles that hold it."""
    lang = ctx.lang
    shown = False
    if ctx.can(roles.INCIDENT_ENTRY):
        st.subheader(t("auth.edit.incident", lang))
        auth.fragment(incident_entry, need=roles.INCIDENT_ENTRY, cursor=cache.cursor, touch=True)(ctx)
        shown = True
    if ctx.can(roles.VILLAGE_STATUS):
        st.subheader(t("auth.edit.status", lang))
        village_status_form(ctx)
        shown = True
    if not shown:
        st.error(tr("auth.denied", lang, user=ctx.user_name, role=getattr(ctx.user, "role", "?"),
                   what=t("auth.cap.incident_entry", lang), need=t("auth.role.editor", lang)))


# -- writing through the importer --------------------------------------------------------

def write_rows(con, layer: str, rows: list[dict], columns: list[str], *, who: str, source_name: str,
               lang: str) -> int:
    """Validate and write ``rows`` into ``layer`` through the importer, in one transaction.

    Returns the rows written; raises :class:`~core.errors.ValidationError` with every
    problem (nothing written) when a value is refused.
    """
    with tempfile.TemporaryDirectory(prefix="bw-edit-") as tmp:
        path = Path(tmp) / "entry.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
        mapping = {c: c for c in columns}
        src = read_source(path, layer=layer, mapping=mapping, lang=lang, name=source_name)
        result = commit(con, src, who=who, lang=lang, rejects_csv=Path(tmp) / "rejects.csv")
    return result.rows_written


def add_incident(con, values: dict, *, who: str, lang: str = "vi") -> str:
    """Write one incident typed by an editor; returns its id. Audited as ``incident_add``."""
    row = dict(values)
    row["id"] = (str(row.get("id") or "").strip() or
                 f"NT-{dt.date.today():%Y%m%d}-{uuid.uuid4().hex[:6].upper()}")
    written = write_rows(con, "incidents", [row], INCIDENT_FIELDS, who=who,
                         source_name=t("auth.edit.source_incident", lang), lang=lang)
    if written == 0:
        raise BorderwatchError(t("auth.edit.already", lang, id=row["id"]))
    audit.log(con, who, "incident_add", f"incidents: {row['id']}", written)
    return row["id"]


def change_village_status(con, values: dict, *, who: str, lang: str = "vi") -> None:
    """Record a status decision for a village (a new history row). Audited as ``village_status``."""
    if not str(values.get("decision_ref") or "").strip():
        raise BorderwatchError(t("auth.edit.need_ref", lang))
    decided = values.get("decided_on")
    if isinstance(decided, dt.date) and decided > dt.date.today():
        raise BorderwatchError(t("auth.edit.future", lang))
    if (reason := review_date_reason(decided, values.get("review_due"), lang)) is not None:
        raise BorderwatchError(f'{t("auth.edit.review_due", lang)}: {reason}')
    written = write_rows(con, "village_status", [values], STATUS_FIELDS, who=who,
                         source_name=t("auth.edit.source_status", lang), lang=lang)
    if written == 0:
        raise BorderwatchError(t("auth.edit.status_same", lang))
    audit.log(con, who, "village_status",
              f"{values['village_id']}: {values['status']} ({values['decision_ref']}, {values['decided_on']})", written)


def _problems(exc: BorderwatchError) -> None:
    if isinstance(exc, ValidationError) and exc.problems:
        st.error("\n".join(f"- {md(p.column or '')}: {md(p.reason)}" for p in exc.problems[:20]))
    else:
        st.error(md(str(exc)))


# -- incident entry -----------------------------------------------------------------------

def _edit_map(con, lang: str):
    return mapbuild.build_map(con, _NO_INCIDENTS, lang=lang, layers=_EDIT_LAYERS, asset_base="/app/static")


def _take_click(value) -> None:
    ss = st.session_state
    click = (value or {}).get("last_clicked") if isinstance(value, dict) else None
    if click and click != ss.get("edit_click_seen"):
        ss["edit_click_seen"] = click
        ss["edit_lat"] = round(float(click["lat"]), 6)
        ss["edit_lon"] = round(float(click["lng"]), 6)


def incident_entry(ctx: Ctx) -> None:
    """Click the map to place the incident, fill the form, save (a fragment: a click reruns only this)."""
    lang = ctx.lang
    roles.require(ctx.user, roles.INCIDENT_ENTRY, lang)
    con = cache.cursor(ctx.path)
    ss = st.session_state
    msg = ss.pop("edit_saved", None)
    if msg:
        st.success(msg)
    st.caption(t("auth.edit.click_hint", lang))
    marker = folium.FeatureGroup(name="edit_point")
    if ss.get("edit_lat") is not None and ss.get("edit_lon") is not None:
        folium.CircleMarker([ss["edit_lat"], ss["edit_lon"]], radius=9, color="#D55E00", weight=3,
                            fill=True, fill_opacity=0.4).add_to(marker)
    m = _edit_map(con, lang)
    # st_folium draws the map before its final width is known, so the map's own fit to the belt lands off
    # centre; its centre and zoom are given explicitly (the belt's centre, the zoom that holds it).
    value = st_folium(m, key="edit_map", height=420, returned_objects=["last_clicked"],
                      feature_group_to_add=marker, use_container_width=True, center=tuple(m.location),
                      zoom=int(m.options.get("zoom", 9)))
    _take_click(value)
    stations = dict(con.execute("SELECT id, name FROM stations ORDER BY name").fetchall())
    ss.setdefault("edit_date_text", widgets.date_text(dt.date.today(), lang))
    ss.setdefault("edit_time_text", "08:00")
    with widgets.form("edit_incident_form"):
        c1, c2 = st.columns(2)
        c1.number_input(t("auth.edit.lat", lang), key="edit_lat", value=None, format="%.6f",
                        min_value=-90.0, max_value=90.0)
        c2.number_input(t("auth.edit.lon", lang), key="edit_lon", value=None, format="%.6f",
                        min_value=-180.0, max_value=180.0)
        widgets.date_field(t("auth.edit.date", lang), key="edit_date_text", lang=lang, where=c1, in_form=True)
        c2.text_input(t("auth.edit.time", lang), key="edit_time_text", max_chars=5, placeholder="HH:MM")
        widgets.selectbox(t("ui.articles", lang), list(ARTICLES), key="edit_article", lang=lang, where=c1, index=None,
                          format_func=lambda a: f"{a} – {label('article', a, lang)}")
        widgets.selectbox(t("ui.drugs", lang), list(DRUGS), key="edit_drug", lang=lang, where=c2, index=None,
                          format_func=lambda d: label("drug", d, lang))
        c1.number_input(t("auth.edit.quantity", lang), key="edit_qty", value=None, min_value=0.0, step=1.0)
        c2.number_input(t("auth.edit.tablets", lang), key="edit_tablets", value=None, min_value=0, step=1)
        c1.number_input(t("auth.edit.persons", lang), key="edit_persons", value=None, min_value=0, step=1)
        widgets.selectbox(t("ui.stations", lang), list(stations), key="edit_station", lang=lang, where=c2, index=None,
                          format_func=lambda s: stations.get(s, s))
        st.text_input(t("auth.edit.id", lang), key="edit_id", max_chars=64, help=t("auth.edit.id_help", lang))
        st.text_area(t("auth.edit.description", lang), key="edit_description", max_chars=4000)
        submitted = st.form_submit_button(t("auth.edit.save", lang), type="primary")
    if not submitted:
        return
    roles.require(ctx.user, roles.INCIDENT_ENTRY, lang)
    if ss.get("edit_lat") is None or ss.get("edit_lon") is None:
        st.error(t("auth.edit.need_point", lang))
        return
    try:
        day = widgets.parse_date(ss.get("edit_date_text"), lang, label=t("auth.edit.date", lang))
        hour = widgets.parse_time(ss.get("edit_time_text"), lang, label=t("auth.edit.time", lang))
        if day is None:
            raise InputError(t("ui.date.need", lang, label=t("auth.edit.date", lang)))
        if day > dt.date.today():
            raise InputError(t("ui.date.future", lang, label=t("auth.edit.date", lang)))
    except InputError as exc:
        st.error(md(str(exc)))
        return
    when = dt.datetime.combine(day, hour or dt.time(0, 0))
    values = {"id": ss.get("edit_id"), "occurred_at": when.isoformat(timespec="minutes"),
              "article": ss.get("edit_article"), "drug": ss.get("edit_drug"), "quantity_g": ss.get("edit_qty"),
              "tablets": ss.get("edit_tablets"), "persons": ss.get("edit_persons"),
              "station_id": ss.get("edit_station"), "description": ss.get("edit_description") or None,
              "lat": ss["edit_lat"], "lon": ss["edit_lon"]}
    try:
        new_id = add_incident(con, values, who=ctx.user_name, lang=lang)
    except BorderwatchError as exc:
        _problems(exc)
        return
    ss["edit_saved"] = tr("auth.edit.saved", lang, id=new_id)
    for key in ("edit_id", "edit_description", "edit_qty", "edit_tablets", "edit_persons"):
        ss.pop(key, None)
    st.rerun(scope="app")


# -- village status -----------------------------------------------------------------------

def village_status_form(ctx: Ctx, village_id: str | None = None) -> None:
    """Pick a village, record a decision (status, reference, date); its history is shown below."""
    lang = ctx.lang
    roles.require(ctx.user, roles.VILLAGE_STATUS, lang)
    con = cache.cursor(ctx.path)
    ss = st.session_state
    msg = ss.pop("status_saved", None)
    if msg:
        st.success(msg)
    villages = con.execute("SELECT id, name, commune FROM villages ORDER BY commune, name").fetchall()
    names = {v[0]: f"{v[1]} · {v[2]}" for v in villages}
    if village_id in names:
        ss["status_village"] = village_id
    widgets.search(t("ui.search.village", lang), key="status_search", lang=lang)
    shown = widgets.filter_options(list(names), ss.get("status_search"), lambda v: names.get(v, v),
                                   keep=[ss["status_village"]] if ss.get("status_village") else ())
    if not shown:
        st.caption(t("ui.search.no_village", lang))
    ss.setdefault("status_date_text", widgets.date_text(dt.date.today(), lang))
    with widgets.form("edit_status_form"):
        widgets.selectbox(t("auth.edit.village", lang), shown, key="status_village", lang=lang, index=None,
                          format_func=lambda v: names.get(v, v))
        c1, c2 = st.columns(2)
        widgets.selectbox(t("ui.vil.status", lang), list(VILLAGE_STATUSES), key="status_value", lang=lang, where=c1,
                          index=None, format_func=lambda s: label("status", s, lang))
        c2.text_input(t("auth.edit.decision_ref", lang), key="status_ref", max_chars=120)
        widgets.date_field(t("auth.edit.decided_on", lang), key="status_date_text", lang=lang, where=c1,
                           in_form=True)
        widgets.date_field(t("auth.edit.review_due", lang), key="status_review_text", lang=lang, where=c2,
                           in_form=True)
        st.text_area(t("auth.edit.note", lang), key="status_note", max_chars=2000)
        submitted = st.form_submit_button(t("auth.edit.save_status", lang), type="primary")
    if submitted:
        roles.require(ctx.user, roles.VILLAGE_STATUS, lang)
        if not ss.get("status_village") or not ss.get("status_value"):
            st.error(t("auth.edit.need_village", lang))
        else:
            try:
                decided = widgets.parse_date(ss.get("status_date_text"), lang, label=t("auth.edit.decided_on", lang))
                review = widgets.parse_date(ss.get("status_review_text"), lang, label=t("auth.edit.review_due", lang))
                if decided is None:
                    raise InputError(t("ui.date.need", lang, label=t("auth.edit.decided_on", lang)))
                values = {"village_id": ss["status_village"], "status": ss["status_value"],
                          "decided_on": decided, "decision_ref": (ss.get("status_ref") or "").strip(),
                          "review_due": review, "note": ss.get("status_note") or None}
                change_village_status(con, values, who=ctx.user_name, lang=lang)
            except BorderwatchError as exc:
                _problems(exc)
            else:
                ss["status_saved"] = tr("auth.edit.status_saved", lang, village=names[values["village_id"]])
                st.rerun(scope="app")
    chosen = ss.get("status_village")
    if chosen:
        hist = con.execute("SELECT decided_on, status, decision_ref, review_due, note FROM village_status "
                           "WHERE village_id = ? ORDER BY decided_on DESC", [chosen]).df()
        st.caption(tr("auth.edit.history", lang, village=names.get(chosen, chosen)))
        hist["decided_on"] = [fmt_date(v, lang) for v in hist["decided_on"]]
        hist["review_due"] = [fmt_date(v, lang) if v is not None and str(v) != "NaT" else "" for v in hist["review_due"]]
        hist["status"] = [label("status", s, lang) for s in hist["status"]]
        hist.columns = [t("auth.edit.decided_on", lang), t("ui.vil.status", lang), t("auth.edit.decision_ref", lang),
                        t("auth.edit.review_due", lang), t("auth.edit.note", lang)]
        st.dataframe(hist, hide_index=True, key="status_history")
