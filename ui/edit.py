"""Editing for editors: an incident placed by a click on the map, and village status decisions.

Both forms go through the importer (``data.importers.read_source`` → ``commit``) with a
one-row file, so a typed incident meets exactly the rules of an imported one (vocabularies,
dates, the distance to the belt, stations) and is written in ONE transaction with its
``import_log`` row; then an audit entry is appended. A village status change adds a row to
``village_status`` (history kept; the current status is the latest decision). A decision
with the same village, status and date as a stored one is refused, never overwritten.

The incident form takes the position as decimal degrees or DMS (Vietnamese letters too:
``16°36'50,6"B``, the importer's :func:`data.importers.coords.parse_degrees`) or as VN-2000
x/y (EPSG:9212), or from a click on the map, and previews the point live: its WGS 84 and
VN-2000 coordinates, and its side of the border (:mod:`geo.border` through
:mod:`data.border_side`, the rule of every import). A point on the Lao side more than 2 km
from the stored line is refused before saving, the distance in the message, unless the editor
ticks "outside Vietnam" (a joint operation; capability ``cross_border``, audited as
``outside_vietnam``). Problems name the fields as the form does ("Tội danh: thiếu giá trị
bắt buộc").

Roles are checked here on the server (``core.roles.require``), not only by hiding the tab.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import tempfile
import uuid
from pathlib import Path

import duckdb
import folium
import streamlit as st
from streamlit_folium import st_folium

from core import roles
from core.errors import BorderwatchError, InputError, ValidationError
from core.i18n import fmt_date, fmt_num, t
from core.vocab import ARTICLES, DRUGS, VILLAGE_STATUSES, label
from data import audit, queries
from data.border_side import BORDER_TOLERANCE_M, border_context
from data.exporters.vi_csv import header
from data.filters import Filter
from data.importers import commit, coords, log_outside, read_source
from data.importers.values import BadValue
from data.village_rules import review_date_reason
from layers import mapbuild
from ui import auth, cache, widgets
from ui.context import Ctx
from ui.text import md, tr

_NO_INCIDENTS = Filter(date_from=dt.date(2999, 1, 1), date_to=dt.date(2999, 1, 1))  # reference layers only
_EDIT_LAYERS = ("belt", "border", "trails", "crossings", "villages")
INCIDENT_FIELDS = ["id", "occurred_at", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
                   "description", "outside_vietnam", "lat", "lon"]
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

def write_rows(con: duckdb.DuckDBPyConnection, layer: str, rows: list[dict], columns: list[str], *, who: str,
               source_name: str,
               lang: str, user=None):
    """Validate and write ``rows`` into ``layer`` through the importer, in one transaction.

    Returns the :class:`~data.importers.ImportResult`; raises :class:`~core.errors.ValidationError`
    with every problem (nothing written) when a value is refused. ``user`` decides whether an
    incident may be flagged ``outside_vietnam`` (:data:`core.roles.CROSS_BORDER`).
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
        result = commit(con, src, who=who, lang=lang, rejects_csv=Path(tmp) / "rejects.csv", user=user)
    return result


def add_incident(con: duckdb.DuckDBPyConnection, values: dict, *, who: str, lang: str = "vi", user=None) -> str:
    """Write one incident typed by an editor; returns its id. Audited as ``incident_add``, and as
    ``outside_vietnam`` when flagged so (which needs ``user`` to hold :data:`core.roles.CROSS_BORDER`)."""
    row = dict(values)
    row["id"] = (str(row.get("id") or "").strip() or
                 f"NT-{dt.date.today():%Y%m%d}-{uuid.uuid4().hex[:6].upper()}")
    row["outside_vietnam"] = "true" if row.get("outside_vietnam") else ""
    result = write_rows(con, "incidents", [row], INCIDENT_FIELDS, who=who,
                        source_name=t("auth.edit.source_incident", lang), lang=lang,
                        user=user)
    if result.rows_written == 0:
        raise BorderwatchError(t("auth.edit.already", lang, id=row["id"]))
    audit.log(con, who, "incident_add", f"incidents: {row['id']}", result.rows_written)
    log_outside(con, who, result)
    return row["id"]


def change_village_status(con: duckdb.DuckDBPyConnection, values: dict, *, who: str, lang: str = "vi") -> None:
    """Record a status decision for a village (a new history row). Audited as ``village_status``."""
    if not str(values.get("decision_ref") or "").strip():
        raise BorderwatchError(t("auth.edit.need_ref", lang))
    decided = values.get("decided_on")
    if isinstance(decided, dt.date) and decided > dt.date.today():
        raise BorderwatchError(t("auth.edit.future", lang))
    if (reason := review_date_reason(decided, values.get("review_due"), lang)) is not None:
        raise BorderwatchError(f'{t("auth.edit.review_due", lang)}: {reason}')
    written = write_rows(con, "village_status", [values], STATUS_FIELDS, who=who,
                         source_name=t("auth.edit.source_status", lang), lang=lang).rows_written
    if written == 0:
        raise BorderwatchError(t("auth.edit.status_same", lang))
    audit.log(con, who, "village_status",
              f"{values['village_id']}: {values['status']} ({values['decision_ref']}, {values['decided_on']})", written)


def field_name(column: str | None, lang: str, layer: str = "incidents") -> str:
    """The form's name for an importer column: ``article`` → "Tội danh", ``lat/lon`` → "Vị trí"."""
    if not column:
        return ""
    if column in ("lat/lon", "lon/lat", "lat", "lon", "geometry"):
        return t("field.position", lang)
    return header(column, lang, layer)


def _problems(exc: BorderwatchError, lang: str = "vi", layer: str = "incidents") -> None:
    if isinstance(exc, ValidationError) and exc.problems:
        lines = []
        for p in exc.problems[:20]:
            column = getattr(p, "column", None)       # a form's problems are Problems, with a column when known
            lines.append(f"- {md(field_name(column, lang, layer))}: {md(p.reason)}" if column else f"- {md(p.reason)}")
        st.error("\n".join(lines))
    else:
        st.error(md(str(exc)))


# -- incident entry -----------------------------------------------------------------------

def _edit_map(con: duckdb.DuckDBPyConnection, lang: str):
    return mapbuild.build_map(con, _NO_INCIDENTS, lang=lang, view=mapbuild.MapView(layers=_EDIT_LAYERS))


def _take_click(value) -> bool:
    """A new click on the map becomes the typed position (degrees, 6 decimals); True when it moved."""
    ss = st.session_state
    click = (value or {}).get("last_clicked") if isinstance(value, dict) else None
    if click and click != ss.get("edit_click_seen"):
        ss["edit_click_seen"] = click
        ss["edit_mode"] = "deg"
        ss["edit_lat"] = f'{float(click["lat"]):.6f}'
        ss["edit_lon"] = f'{float(click["lng"]):.6f}'
        return True
    return False


def typed_position(ss, lang: str) -> tuple[tuple[float, float] | None, str | None]:
    """``((lat, lon), None)`` from the typed coordinates, ``(None, None)`` when none are typed, or
    ``(None, message)`` naming the field that does not parse."""
    if ss.get("edit_mode", "deg") == "vn2000":
        a, b, names = ss.get("edit_x"), ss.get("edit_y"), {"x": "entry.x", "y": "entry.y"}
    else:
        a, b, names = ss.get("edit_lat"), ss.get("edit_lon"), {"lat": "entry.lat", "lon": "entry.lon"}
    if not str(a or "").strip() or not str(b or "").strip():
        return None, None
    try:
        if ss.get("edit_mode", "deg") == "vn2000":
            x, y = coords.parse_metres(a, axis="x"), coords.parse_metres(b, axis="y")
            lat, lon = coords.vn2000_to_wgs84(x, y)
            if not (math.isfinite(lat) and math.isfinite(lon)) or coords.check_lat_lon(lat, lon):
                raise BadValue("import.lat_range", axis="y", value=lat)
            return (round(lat, 6), round(lon, 6)), None
        return coords.parse_position(a, b), None
    except BadValue as exc:
        axis = exc.fields.get("axis") or next(iter(names))
        fields = {k: v for k, v in exc.fields.items() if k != "axis"}
        return None, t("entry.bad_coord", lang, field=t(names.get(axis, next(iter(names.values()))), lang),
                       reason=t(exc.key, lang, **fields))


def border_check(con: duckdb.DuckDBPyConnection, point: tuple[float, float] | None):
    """``(side, km)`` of a point (:func:`data.border_side` rule), or None without a point or a stored border."""
    if point is None:
        return None
    ctx = border_context(con)
    if ctx is None:
        return None
    sides = ctx.sides([point[1]], [point[0]])
    return str(sides["side"].iloc[0]), float(sides["distance_m"].iloc[0]) / 1000


def _km(value: float, lang: str, decimals: int = 1) -> str:
    """Kilometres in the user's number format (vi: 40,3)."""
    return fmt_num(value, lang, decimals=decimals)


def _lao(check) -> bool:
    return check is not None and check[0] == "lao" and check[1] * 1000 > BORDER_TOLERANCE_M


def _preview(point, check, flagged: bool, lang: str) -> None:
    """The point as it will be saved: WGS 84, VN-2000, its side of the border; the Lao-side warning."""
    x, y = coords.wgs84_to_vn2000(*point)
    text = t("entry.preview", lang, lat=point[0], lon=point[1], x=x, y=y)
    if check is not None:
        side, km = check
        key = ("entry.side.unknown" if side == "unknown" else "entry.side.near"
               if km * 1000 <= BORDER_TOLERANCE_M else "entry.side.vn" if side == "vn" else None)
        if key:
            text += " · " + t(key, lang, km=_km(km, lang))
    st.caption(md(text))
    if _lao(check):
        if flagged:
            st.info(t("entry.lao_flagged", lang, km=_km(check[1], lang)))
        else:
            st.warning(t("entry.lao_warning", lang, km=_km(check[1], lang), tol=_km(BORDER_TOLERANCE_M / 1000, lang, 0),
                         flag=t("field.outside_vietnam", lang)))


def incident_entry(ctx: Ctx) -> None:
    """Click the map or type the position (degrees, DMS, VN-2000 x/y), fill the form, save (a fragment:
    a click or a typed coordinate reruns only this, with a live preview of the point)."""
    lang = ctx.lang
    roles.require(ctx.user, roles.INCIDENT_ENTRY, lang)
    con = cache.cursor(ctx.path)
    ss = st.session_state
    msg = ss.pop("edit_saved", None)
    if msg:
        st.success(msg)
    st.caption(t("auth.edit.click_hint", lang))
    _entry_map(con, lang)
    _position_inputs(lang)
    may_flag = ctx.can(roles.CROSS_BORDER)
    if may_flag:
        st.checkbox(t("field.outside_vietnam", lang) + " — " + t("entry.flag_help", lang), key="edit_outside")
    flagged = may_flag and bool(ss.get("edit_outside"))
    point, bad = typed_position(ss, lang)
    check = border_check(con, point)
    if bad:
        st.error(md(bad))
    elif point is not None:
        _preview(point, check, flagged, lang)
    if not _incident_form(queries.station_names(con), lang):
        return
    roles.require(ctx.user, roles.INCIDENT_ENTRY, lang)
    if bad:
        return                                           # already said above, next to the coordinates
    if point is None:
        st.error(t("auth.edit.need_point", lang))
        return
    if _lao(check) and not flagged:                      # refused before saving, the distance in the message
        st.error(t("entry.refused_lao", lang, km=_km(check[1], lang), tol=_km(BORDER_TOLERANCE_M / 1000, lang, 0)))
        return
    _save_incident(ctx, con, point, flagged)


def _entry_map(con: duckdb.DuckDBPyConnection, lang: str) -> None:
    """The reference map with the typed point; a click on it becomes the typed position."""
    point, _ = typed_position(st.session_state, lang)
    marker = folium.FeatureGroup(name="edit_point")
    if point is not None:
        lao = _lao(border_check(con, point))
        folium.CircleMarker([point[0], point[1]], radius=9, color="#CC0000" if lao else "#D55E00", weight=3,
                            dash_array="4 3" if lao else None, fill=True, fill_opacity=0.4).add_to(marker)
    m = _edit_map(con, lang)
    # st_folium draws the map before its final width is known, so the map's own fit to the belt lands off
    # centre; its centre and zoom are given explicitly (the belt's centre, the zoom that holds it).
    value = st_folium(m, key="edit_map", height=420, returned_objects=["last_clicked"],
                      feature_group_to_add=marker, use_container_width=True, center=tuple(m.location),
                      zoom=int(m.options.get("zoom", 9)))
    if _take_click(value):
        st.rerun(scope="fragment")                       # draw the marker where the click was


def _position_inputs(lang: str) -> None:
    """Degrees (or DMS) or VN-2000 x/y, whichever mode is chosen."""
    ss = st.session_state
    st.radio(t("entry.coord_mode", lang), ["deg", "vn2000"], key="edit_mode", horizontal=True,
             format_func=lambda m: t(f"entry.mode.{m}", lang))
    c1, c2 = st.columns(2)
    # no help= tooltips: their button is labelled by the framework in English ("Help for …")
    if ss.get("edit_mode", "deg") == "vn2000":
        c1.text_input(t("entry.x", lang), key="edit_x", placeholder="537146,32")
        c2.text_input(t("entry.y", lang), key="edit_y", placeholder="1837549,74")
        st.caption(md(t("entry.xy_help", lang)))
    else:
        c1.text_input(t("entry.lat", lang), key="edit_lat", placeholder="16.614056 · 16°36'50,6\"B")
        c2.text_input(t("entry.lon", lang), key="edit_lon", placeholder="106.600833 · 106°36'03\"Đ")
        st.caption(md(t("entry.deg_help", lang)))


def _incident_form(stations: dict[str, str], lang: str) -> bool:
    """The incident's fields (date, time, article, drug, amounts, station, id, description); True when submitted."""
    ss = st.session_state
    ss.setdefault("edit_date_text", widgets.date_text(dt.date.today(), lang))
    ss.setdefault("edit_time_text", "08:00")
    with widgets.form("edit_incident_form"):
        c1, c2 = st.columns(2)
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
        return bool(st.form_submit_button(t("auth.edit.save", lang), type="primary"))


def _entry_time(lang: str) -> dt.datetime | None:
    """The typed date and time as one local time; None (the reason shown) when the date is missing or wrong."""
    ss = st.session_state
    try:
        day = widgets.parse_date(ss.get("edit_date_text"), lang, label=t("auth.edit.date", lang))
        hour = widgets.parse_time(ss.get("edit_time_text"), lang, label=t("auth.edit.time", lang))
        if day is None:
            raise InputError(t("ui.date.need", lang, label=t("auth.edit.date", lang)))
        if day > dt.date.today():
            raise InputError(t("ui.date.future", lang, label=t("auth.edit.date", lang)))
    except InputError as exc:
        st.error(md(str(exc)))
        return None
    return dt.datetime.combine(day, hour or dt.time(0, 0))


def _save_incident(ctx: Ctx, con: duckdb.DuckDBPyConnection, point: tuple[float, float], flagged: bool) -> None:
    """Write the form's incident through the importer; problems are shown by field, success reruns the app."""
    lang, ss = ctx.lang, st.session_state
    when = _entry_time(lang)
    if when is None:
        return
    values = {"id": ss.get("edit_id"), "occurred_at": when.isoformat(timespec="minutes"),
              "article": ss.get("edit_article"), "drug": ss.get("edit_drug"), "quantity_g": ss.get("edit_qty"),
              "tablets": ss.get("edit_tablets"), "persons": ss.get("edit_persons"),
              "station_id": ss.get("edit_station"), "description": ss.get("edit_description") or None,
              "outside_vietnam": flagged, "lat": point[0], "lon": point[1]}
    try:
        new_id = add_incident(con, values, who=ctx.user_name, lang=lang, user=ctx.user)
    except BorderwatchError as exc:
        _problems(exc, lang)
        return
    ss["edit_saved"] = tr("auth.edit.saved", lang, id=new_id)
    for key in ("edit_id", "edit_description", "edit_qty", "edit_tablets", "edit_persons", "edit_outside"):
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
    names = {vid: f"{name} · {commune}" for vid, name, commune in queries.village_choices(con)}
    if village_id in names:
        ss["status_village"] = village_id
    if _status_fields(names, lang):
        roles.require(ctx.user, roles.VILLAGE_STATUS, lang)
        _save_status(ctx, con, names)
    chosen = ss.get("status_village")
    if chosen:
        _status_history(con, chosen, names.get(chosen, chosen), lang)


def _status_fields(names: dict[str, str], lang: str) -> bool:
    """The village search and the decision's fields; True when submitted."""
    ss = st.session_state
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
        return bool(st.form_submit_button(t("auth.edit.save_status", lang), type="primary"))


def _save_status(ctx: Ctx, con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> None:
    """Record the typed decision; problems are shown by field, success reruns the app."""
    lang, ss = ctx.lang, st.session_state
    if not ss.get("status_village") or not ss.get("status_value"):
        st.error(t("auth.edit.need_village", lang))
        return
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
        _problems(exc, lang, "village_status")
    else:
        ss["status_saved"] = tr("auth.edit.status_saved", lang, village=names[values["village_id"]])
        st.rerun(scope="app")


def _status_history(con: duckdb.DuckDBPyConnection, village_id: str, name: str, lang: str) -> None:
    """The village's decisions, newest first, dates in the user's format."""
    hist = queries.village_decisions(con, village_id)
    st.caption(tr("auth.edit.history", lang, village=name))
    hist["decided_on"] = [fmt_date(v, lang) for v in hist["decided_on"]]
    hist["review_due"] = [fmt_date(v, lang) if v is not None and str(v) != "NaT" else ""
                          for v in hist["review_due"]]
    hist["status"] = [label("status", s, lang) for s in hist["status"]]
    hist.columns = [t("auth.edit.decided_on", lang), t("ui.vil.status", lang), t("auth.edit.decision_ref", lang),
                    t("auth.edit.review_due", lang), t("auth.edit.note", lang)]
    st.dataframe(hist, hide_index=True, key="status_history")
