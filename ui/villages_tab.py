"""Villages tab: status, decision, dates, incidents nearby, alerts; one village's history."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.i18n import fmt_date, t
from core.roles import min_cell
from core.vocab import VILLAGE_STATUSES, label
from data.village_rules import review_overdue
from ui import cache, frames, widgets
from ui.context import Ctx
from ui.small import counts_column
from ui.text import tr


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    ss = st.session_state
    ss.setdefault("vil_radius", 3.0)
    vil = cache.villages(ctx.path, ctx.rev)
    if vil.empty:
        st.info(t("ui.vil.none", lang))
        return
    c1, c2, c3, c4, c5 = st.columns([2, 2, 1, 1.5, 1.5], vertical_alignment="bottom")
    widgets.multiselect(t("ui.vil.status", lang), list(VILLAGE_STATUSES), key="vil_status", lang=lang, where=c1,
                        format_func=lambda s: label("status", s, lang), persist_state="session")
    communes = sorted(set(vil["commune"].dropna()) | set(vil.get("commune_new", pd.Series(dtype=str)).dropna()))
    widgets.multiselect(t("ui.communes", lang), communes, key="vil_commune", lang=lang, where=c2,
                        persist_state="session")
    c3.number_input(t("ui.vil.radius", lang), min_value=0.5, max_value=20.0, step=0.5, key="vil_radius",
                    format="%.1f")
    c4.toggle(t("ui.vil.alerts_only", lang), key="vil_alerts_only")
    c5.toggle(t("ui.vil.overdue_only", lang), key="vil_overdue_only")
    with st.spinner(t("ui.working", lang)):
        exposure = cache.villages_alerts(ctx.path, ctx.rev, ctx.flt, float(ss["vil_radius"]))
    table = frames.village_table(vil, exposure, lang)
    today = dt.date.today()
    table["review_overdue"] = [review_overdue(d, today) for d in table["review_due"]]
    if ss.get("vil_status"):
        table = table[table["status"].isin(ss["vil_status"])]
    if ss.get("vil_commune"):
        chosen = set(ss["vil_commune"])
        table = table[table["commune"].isin(chosen) | table["commune_new"].isin(chosen)]
    if ss.get("vil_alerts_only"):
        table = table[table["alert"]]
    if ss.get("vil_overdue_only"):
        table = table[table["review_overdue"]]
    table = table.reset_index(drop=True)
    table["alert_text"] = [frames.alert_text(r, lang) for r in table["alert_reason"]]
    n_alert = int(table["alert"].sum())
    st.caption(t("ui.vil.summary", lang, n=len(table), alerts=n_alert))
    if n_alert:
        st.warning(t("ui.vil.alerts", lang, n=n_alert), icon=":material/notification_important:")
    n_overdue = int(table["review_overdue"].sum())
    if n_overdue:
        st.warning(t("ui.vil.overdue", lang, n=n_overdue, today=fmt_date(today, lang)), icon=":material/event_busy:")
    k = min_cell(ctx.user)
    if k > 1:                                   # viewers: small counts near a village as "< 3"
        table = table.assign(**{c: counts_column(table[c], k, lang) for c in ("incidents_within", "incidents_recent")})
    event = st.dataframe(
        frames.shown(table, lang, decimals={"incidents_within": 0, "incidents_recent": 0},
                     text=("name", "commune", "commune_new", "status_label", "decision_ref", "alert_text")),
        key="vil_table", on_select="rerun", selection_mode="single-row", hide_index=True,
        column_order=["alert", "name", "commune", "commune_new", "status_label", "decision_ref", "decided_on",
                      "review_due", "review_overdue", "incidents_within", "incidents_recent", "alert_text"],
        column_config=_columns(lang, ss["vil_radius"], k))
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if rows and rows[0] < len(table):
        _history(ctx, table.iloc[rows[0]])
    else:
        st.caption(t("ui.vil.pick", lang))


def _columns(lang: str, radius: float, k: int = 1) -> dict:
    cc = st.column_config
    number = (lambda label: cc.NumberColumn(label)) if k <= 1 else \
        (lambda label: cc.TextColumn(label, help=t("ui.small.note", lang, k=k)))
    date_fmt = "DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"
    return {
        "alert": cc.CheckboxColumn(t("ui.vil.col.alert", lang)),
        "name": cc.TextColumn(t("ui.vil.col.name", lang)),
        "commune": cc.TextColumn(t("ui.vil.col.commune_old", lang)),
        "commune_new": cc.TextColumn(t("ui.vil.col.commune_new", lang)),
        "status_label": cc.TextColumn(t("ui.vil.status", lang)),
        "decision_ref": cc.TextColumn(t("ui.vil.col.decision", lang)),
        "decided_on": cc.DateColumn(t("ui.vil.col.decided_on", lang), format=date_fmt),
        "review_due": cc.DateColumn(t("ui.vil.col.review_due", lang), format=date_fmt),
        "review_overdue": cc.CheckboxColumn(t("ui.vil.col.overdue", lang)),
        "incidents_within": number(t("ui.vil.col.within", lang, km=f"{radius:g}")),
        "incidents_recent": number(t("ui.vil.col.recent", lang)),
        "alert_text": cc.TextColumn(t("ui.vil.col.reason", lang), width="large"),
    }


def _history(ctx: Ctx, row: pd.Series) -> None:
    lang = ctx.lang
    st.subheader(tr("ui.vil.history", lang, name=row["name"]), anchor=False)
    hist = cache.village_history(ctx.path, ctx.rev, str(row["village_id"]))
    if hist.empty:
        st.caption(t("ui.vil.no_history", lang))
        return
    shown = pd.DataFrame({
        t("ui.vil.col.decided_on", lang): [fmt_date(d, lang) for d in hist["decided_on"]],
        t("ui.vil.status", lang): [label("status", s, lang) for s in hist["status"]],
        t("ui.vil.col.decision", lang): hist["decision_ref"].fillna(""),
        t("ui.vil.col.review_due", lang): [fmt_date(d, lang) if pd.notna(d) else "" for d in hist["review_due"]],
        t("ui.vil.col.note", lang): hist["note"].fillna("") if "note" in hist else "",
    })
    st.dataframe(shown, key="vil_history", hide_index=True)
