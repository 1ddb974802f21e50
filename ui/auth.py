"""The login gate: nothing of the store is drawn before a valid login.

``user = ui.auth.gate(con)`` at the top of the page returns the logged-in
:class:`~core.roles.User` (and draws the account box with the logout button in the
sidebar), or shows the login form and stops the script with ``st.stop()``.

Per session, ``st.session_state`` holds the account name and role (server side; the
browser cannot change it) and the time of the last interaction. Every run re-reads the
account from the store, so a disabled account or a changed role takes effect at the next
click, and a session idle for longer than ``session_idle_minutes``
(:func:`core.roles.settings`) is logged out. Fragment reruns (the map's month player runs
one every two seconds) pass the same check through :func:`fragment`, which re-reads the
account before each run and sends a logged-out or demoted session back to the full page;
a timer-driven rerun does not count as an interaction (it never extends the session). At
logout and expiry the session's prepared downloads and temporary folders are dropped
(:mod:`ui.leftovers`). A store with no accounts gets its first
admin here (``data.users.ensure_admin``): the password comes from
``BORDERWATCH_ADMIN_PASSWORD`` or is generated and printed once to the server terminal.
The gate also starts the backup agent that serves ``borderwatch backup/restore`` while
the app holds the store (``data.backup.start_agent``).
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import os
import sys
import time

import duckdb
import streamlit as st

from core import roles
from core.errors import BorderwatchError
from core.i18n import LANGS, t
from core.roles import User, settings
from data import audit, backup, users
from ui import keys, leftovers, websession, widgets
from ui.text import tr

log = logging.getLogger("borderwatch.auth")

USER_KEY = "auth_user"          # {"name": ..., "role": ...}
SEEN_KEY = "auth_last_seen"     # time.time() of the last run of this session
NOTICE_KEY = "auth_notice"      # a message for the login page (expired, logged out)
FAILED_KEY = "auth_failed"      # the message of the last failed login, shown above the form


_KEPT = ("lang", websession.TRIED_KEY)      # what a logout leaves in the session


def _lang() -> str:
    value = st.session_state.get("lang")
    return value if value in LANGS else "vi"


def login_session(user: User) -> None:
    """Mark this session as logged in as ``user`` (also used by tests to start a session of a role)."""
    st.session_state[USER_KEY] = {"name": user.name, "role": user.role}
    st.session_state[SEEN_KEY] = time.time()


def _clear_session(notice: str | None = None, *, con=None) -> None:
    """Forget everything of this session except the language (the next user starts clean).

    With ``con`` the stored reload session ends too and the browser is told to drop its cookie.
    """
    if con is not None:
        websession.end(con)
    leftovers.drop_session()
    ss = st.session_state
    for key in list(ss.keys()):
        if key in _KEPT:
            continue
        try:
            del ss[key]
        except Exception:  # noqa: BLE001 -- a widget key Streamlit refuses to drop now
            pass
    if notice:
        ss[NOTICE_KEY] = notice
    if con is not None:
        websession.clear_cookie()


def touch() -> None:
    """Count an interaction that reruns only a fragment (a widget callback) as activity."""
    if st.session_state.get(USER_KEY):
        st.session_state[SEEN_KEY] = time.time()


def current_user(con: duckdb.DuckDBPyConnection, *, touch: bool = True) -> User | None:
    """The session's user if still logged in, active and not idle too long; else ``None``.

    ``touch=False`` (fragment reruns) checks without counting the run as an interaction.
    """
    ss = st.session_state
    info = ss.get(USER_KEY)
    if not info:
        return None
    now = time.time()
    if now - float(ss.get(SEEN_KEY, 0.0)) > settings().session_idle_minutes * 60:
        _safe_log(con, info.get("name", "?"), "session_expired")
        _clear_session("auth.login.expired", con=con)
        return None
    user = users.get_user(con, info.get("name", ""))
    if user is None:            # disabled or removed since the login
        _clear_session("auth.login.gone", con=con)
        return None
    ss[USER_KEY] = {"name": user.name, "role": user.role}
    if touch:
        ss[SEEN_KEY] = now
        websession.touch(con)
    return user


def _resume(con: duckdb.DuckDBPyConnection) -> User | None:
    """After a reload (F5): the account of the browser's session cookie, if that session is still live."""
    found = websession.resume(con, settings().session_idle_minutes)
    if found is None:
        return None
    if found.state != "ok":
        _safe_log(con, found.name, "session_expired", "reload")
        st.session_state[NOTICE_KEY] = "auth.login.expired"
        websession.clear_cookie()
        return None
    user = users.get_user(con, found.name)
    if user is None:
        websession.end(con)
        websession.clear_cookie()
        return None
    login_session(user)
    _safe_log(con, user.name, "session_resume")
    return user


def fragment(fn, *, need: str, cursor, run_every: float | None = None, touch: bool = False):
    """``st.fragment(fn)`` whose every run first passes the gate.

    ``fn(ctx, *args)`` gets ``ctx`` with the user re-read from the store; a session that
    expired, an account disabled or one that lost capability ``need`` reruns the whole page
    instead (which shows the login form). ``cursor(path)`` gives the store cursor.
    """
    @functools.wraps(fn)
    def guarded(ctx, *args, **kwargs):
        try:
            user = current_user(cursor(ctx.path), touch=touch)
        except BorderwatchError:
            user = None
        if user is None or not roles.can(user, need):
            st.rerun(scope="app")
        return fn(dataclasses.replace(ctx, user=user), *args, **kwargs)

    return st.fragment(guarded, run_every=run_every)


def _safe_log(con: duckdb.DuckDBPyConnection, who: str, action: str, what: str = "") -> None:
    try:
        audit.log(con, who, action, what)
    except BorderwatchError:
        log.exception("audit entry not written")


def _first_admin(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the first admin when the store has no account at all; True when created now."""
    if users.has_accounts(con):
        return False
    made = users.ensure_admin(con, password=os.environ.get("BORDERWATCH_ADMIN_PASSWORD") or None)
    if made and made[1]:  # shown once on the server's terminal, never in the page or a file
        print(t("auth.cli.admin_generated", None, name=made[0], password=made[1]), file=sys.stderr, flush=True)
    return bool(made)


def _start_agent(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure the backup agent runs (checked once per session; the agent itself is once per process)."""
    if st.session_state.get("_auth_agent"):
        return
    try:
        backup.start_agent(con, on_change=st.cache_data.clear)
        st.session_state["_auth_agent"] = True
    except Exception:  # noqa: BLE001 -- the page works without the agent; the CLI then says so
        log.exception("backup agent not started")


def _logout(con: duckdb.DuckDBPyConnection, name: str) -> None:
    _safe_log(con, name, "logout")
    _clear_session("auth.login.logged_out", con=con)


def account_box(con: duckdb.DuckDBPyConnection, user: User, lang: str) -> None:
    """The sidebar box: who is logged in, the role, and the logout button."""
    box = st.sidebar.container(border=True)
    box.markdown(tr("auth.session.who", lang, name=user.name, role=t(f"auth.role.{user.role}", lang)))
    box.button(t("auth.logout", lang), key="auth_logout", on_click=_logout, args=(con, user.name),
               width="stretch")


def login_form(con: duckdb.DuckDBPyConnection, lang: str) -> None:
    """The login page: title, notices, the form; sets the session on success and reruns."""
    ss = st.session_state
    st.title(t("auth.login.title", lang))
    st.caption(t("auth.login.intro", lang))
    if _first_admin(con):
        st.info(t("auth.login.first_admin", lang))
    notice = ss.pop(NOTICE_KEY, None)
    if notice:
        st.info(t(notice, lang, minutes=int(settings().session_idle_minutes)))
    failed = ss.pop(FAILED_KEY, None)
    if failed:
        st.error(failed)
    # Enter in a field does not submit (Streamlit's hint for that is English only): ui.keys adds it back.
    with widgets.form("auth_login", clear_on_submit=False):
        st.text_input(t("auth.login.name", lang), key="auth_name", max_chars=64, autocomplete="username")
        st.text_input(t("auth.login.password", lang), type="password", key="auth_password",
                      max_chars=256, autocomplete="current-password")
        st.form_submit_button(t("auth.login.submit", lang), type="primary", key="auth_submit",
                              on_click=_try_login, args=(con, lang))
    keys.enter_submits("auth_login", button="auth_submit")


def _try_login(con: duckdb.DuckDBPyConnection, lang: str) -> None:
    """The login button's callback: on success the session is logged in before the page runs; on failure
    the typed name stays, the password field is emptied and the reason shown."""
    ss = st.session_state
    try:
        user = users.verify(con, ss.get("auth_name") or "", ss.get("auth_password") or "", lang=lang)
    except users.LoginFailed as exc:       # our own text (a time at most): no user value in it
        ss[FAILED_KEY] = str(exc)
        ss["auth_password"] = ""
        return
    except BorderwatchError as exc:
        ss[FAILED_KEY] = tr("auth.login.error", lang, msg=str(exc))
        ss["auth_password"] = ""
        return
    ss.pop("auth_password", None)
    login_session(user)
    websession.after_login(con, user.name)


def gate(con: duckdb.DuckDBPyConnection, *, lang: str | None = None) -> User:
    """The logged-in user, or the login form and ``st.stop()``."""
    lang = lang or _lang()
    _start_agent(con)
    try:
        user = current_user(con) or _resume(con)
    except BorderwatchError as exc:
        st.error(tr("auth.login.error", lang, msg=str(exc)))
        st.stop()
    websession.send_pending()
    if user is not None:
        account_box(con, user, lang)
        return user
    try:
        login_form(con, lang)
    except BorderwatchError as exc:
        st.error(tr("auth.login.error", lang, msg=str(exc)))
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
