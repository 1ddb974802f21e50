"""The admin page: accounts, the audit log, backup and restore.

``render(ctx)`` draws it; every section checks the role itself (``core.roles.require``),
so the page refuses a non-admin even if a tab were shown by mistake. Tables go through
``st.dataframe`` (text, never HTML), so a hostile name or file name is shown as typed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from core import roles
from core.errors import BorderwatchError
from core.i18n import fmt_date, t
from data import audit, backup, users
from ui import cache, widgets
from ui.context import Ctx
from ui.text import md, tr


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    if not ctx.can(roles.USERS):
        st.error(tr("auth.denied", lang, user=ctx.user_name, role=getattr(ctx.user, "role", "?"),
                   what=t("auth.cap.users", lang), need=t("auth.role.admin", lang)))
        return
    users_tab, audit_tab, backup_tab = st.tabs([t("auth.admin.users", lang), t("auth.admin.audit", lang),
                                                t("auth.admin.backup", lang)])
    with users_tab:
        _users(ctx)
    with audit_tab:
        _audit(ctx)
    with backup_tab:
        _backup(ctx)


def _con(ctx: Ctx):
    return cache.cursor(ctx.path)


def _done(key: str, lang: str, **fields) -> None:
    st.session_state["admin_msg"] = tr(key, lang, **fields)


def _show_message() -> None:
    msg = st.session_state.pop("admin_msg", None)
    if msg:
        st.success(msg)


# -- accounts -----------------------------------------------------------------------------

def _users(ctx: Ctx) -> None:
    lang, con = ctx.lang, _con(ctx)
    roles.require(ctx.user, roles.USERS, lang)
    _show_message()
    df = users.list_users(con)
    table = pd.DataFrame({
        t("auth.col.name", lang): df["name"],
        t("auth.col.role", lang): [t(f"auth.role.{r}", lang) for r in df["role"]],
        t("auth.col.state", lang): [_state(r, lang) for r in df.itertuples()],
        t("auth.col.last_login", lang): [fmt_date(v, lang) if pd.notna(v) else "" for v in df["last_login"]],
    })
    st.dataframe(table, hide_index=True, key="admin_users_table")
    left, right = st.columns(2)
    with left, widgets.form("admin_add_user", clear_on_submit=True):
        st.subheader(t("auth.admin.add", lang))
        name = st.text_input(t("auth.col.name", lang), key="admin_new_name", max_chars=32)
        role = widgets.selectbox(t("auth.col.role", lang), roles.ROLES, key="admin_new_role", lang=lang,
                                 format_func=lambda r: t(f"auth.role.{r}", lang))
        pw1 = st.text_input(t("auth.login.password", lang), type="password", key="admin_new_pw1", max_chars=256)
        pw2 = st.text_input(t("auth.admin.password_again", lang), type="password", key="admin_new_pw2",
                            max_chars=256)
        if st.form_submit_button(t("auth.admin.add", lang)):
            _act(lambda: _add(con, ctx, name, role, pw1, pw2), lang)
    with right, widgets.form("admin_change_user", clear_on_submit=True):
        st.subheader(t("auth.admin.change", lang))
        names = list(df["name"])
        who = widgets.selectbox(t("auth.col.name", lang), names, key="admin_pick_user", lang=lang)
        action = widgets.selectbox(t("auth.admin.action", lang), list(_CHANGES), key="admin_pick_action", lang=lang,
                                   format_func=lambda a: t(f"auth.admin.do.{a}", lang))
        new_role = widgets.selectbox(t("auth.admin.new_role", lang), roles.ROLES, key="admin_pick_role", lang=lang,
                                     format_func=lambda r: t(f"auth.role.{r}", lang))
        pw = st.text_input(t("auth.admin.new_password", lang), type="password", key="admin_pick_pw", max_chars=256)
        if st.form_submit_button(t("auth.admin.apply", lang)) and who:
            if _act(lambda: _CHANGES[action](con, who, new_role, pw, ctx.user_name, lang), lang):
                _done("auth.admin.changed", lang, name=who)
                st.rerun()


def _state(row, lang: str) -> str:
    text = t("auth.state.active", lang) if row.active else t("auth.state.disabled", lang)
    if pd.notna(row.locked_until) and pd.Timestamp(row.locked_until) > pd.Timestamp(dt.datetime.now()):
        text += " · " + t("auth.state.locked", lang)
    return text


def _add(con: duckdb.DuckDBPyConnection, ctx: Ctx, name: str, role: str, pw1: str, pw2: str) -> None:
    if pw1 != pw2:
        raise BorderwatchError(t("auth.cli.password_mismatch", ctx.lang))
    user = users.create_user(con, name, role, pw1, who=ctx.user_name, lang=ctx.lang)
    _done("auth.cli.user_added", ctx.lang, name=user.name, role=t(f"auth.role.{role}", ctx.lang))
    st.rerun()


_CHANGES = {
    "disable": lambda con, n, r, pw, who, lang: users.set_active(con, n, False, who=who, lang=lang),
    "enable": lambda con, n, r, pw, who, lang: users.set_active(con, n, True, who=who, lang=lang),
    "unlock": lambda con, n, r, pw, who, lang: users.unlock(con, n, who=who, lang=lang),
    "role": lambda con, n, r, pw, who, lang: users.set_role(con, n, r, who=who, lang=lang),
    "passwd": lambda con, n, r, pw, who, lang: users.set_password(con, n, pw, who=who, lang=lang),
}


def _act(fn, lang: str) -> bool:
    """Run an account change; a refusal is shown where the form is and the rest of the page still draws
    (the other form stays). True when done."""
    try:
        fn()
    except BorderwatchError as exc:
        st.error(md(exc))
        return False
    return True


# -- audit --------------------------------------------------------------------------------

def _audit(ctx: Ctx) -> None:
    lang, con = ctx.lang, _con(ctx)
    roles.require(ctx.user, roles.AUDIT, lang)
    check = audit.verify(con)
    if check.ok:
        st.success(t("auth.audit.chain_ok", lang, n=check.entries, id="", reason=""))
    else:
        st.error(tr("auth.audit.chain_broken", lang, n=check.entries, id=check.bad_id, reason=check.reason))
    c1, c2, c3 = st.columns(3)
    action = widgets.selectbox(t("auth.col.action", lang), ["", *audit.ACTIONS], key="audit_action", lang=lang,
                               where=c1, format_func=lambda a: t(f"auth.action.{a}", lang) if a else t("ui.all", lang))
    who = widgets.text(t("auth.col.who", lang), key="audit_who", where=c2, max_chars=64)
    limit = c3.number_input(t("auth.admin.limit", lang), 10, 100_000, 500, step=100, key="audit_limit")
    df = audit.entries(con, who=who.strip().lower() or None, action=action or None, limit=int(limit))
    st.dataframe(audit_table(df, lang), hide_index=True, key="audit_table")


def audit_table(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit frame with translated headers and action labels (plain text)."""
    when = "%d/%m/%Y %H:%M:%S" if lang == "vi" else "%Y-%m-%d %H:%M:%S"
    return pd.DataFrame({
        "#": df["id"],
        t("auth.col.when", lang): [pd.Timestamp(v).strftime(when) for v in df["at_time"]],
        t("auth.col.who", lang): df["who"],
        t("auth.col.action", lang): [t(f"auth.action.{a}", lang) for a in df["action"]],
        t("auth.col.what", lang): df["what"],
        t("auth.col.rows", lang): df["n_rows"],
    })


# -- backup -------------------------------------------------------------------------------

def backups_dir(ctx: Ctx) -> Path:
    """``<store folder>/backups`` (0700, created on first use: data.backup.backups_dir)."""
    return backup.backups_dir(ctx.path, create=False)


def _backup(ctx: Ctx) -> None:
    lang, con = ctx.lang, _con(ctx)
    roles.require(ctx.user, roles.BACKUP, lang)
    folder = backups_dir(ctx)
    st.caption(tr("auth.admin.backup_help", lang, dir=str(folder)))
    if st.button(t("auth.admin.backup_now", lang), key="admin_backup", type="primary"):
        folder = backup.backups_dir(ctx.path)
        name = f"{Path(ctx.path).stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.duckdb"
        try:
            with st.spinner(t("ui.working", lang)):
                res = backup.backup(con, folder / name, who=ctx.user_name, lang=lang)
            st.success(tr("auth.backup.done", lang, file=res["file"], rows=sum(res["rows"].values())))
        except BorderwatchError as exc:
            st.error(md(exc))
    files = sorted(folder.glob("*.duckdb"), reverse=True) if folder.is_dir() else []
    if not files:
        st.info(t("auth.admin.no_backups", lang))
        return
    st.subheader(t("auth.admin.restore", lang))
    pick = widgets.selectbox(t("auth.admin.restore_from", lang), [f.name for f in files], key="admin_restore_file",
                             lang=lang)
    sure = st.checkbox(t("auth.admin.restore_confirm", lang), key="admin_restore_sure")
    if st.button(t("auth.admin.restore_now", lang), key="admin_restore", disabled=not sure):
        try:
            with st.spinner(t("ui.working", lang)):
                res = backup.restore(con, folder / pick, who=ctx.user_name, lang=lang)
            st.cache_data.clear()
            st.success(tr("auth.restore.done", lang, file=res["file"], rows=sum(res["rows"].values())))
            if res.get("safety_copy"):
                st.caption(tr("auth.restore.safety", lang, file=res["safety_copy"]))
        except BorderwatchError as exc:
            st.error(md(exc))
