"""The page's side of the reload-proof session (``data.websessions``, routes in ``ui.routes``).

After a login, :func:`after_login` records a session in the store and queues its one-time
code; :func:`send_pending` draws a tiny component whose script posts the code to
``/bw/session`` (the answer sets the HttpOnly cookie: this page's scripts never see the
token). At logout or expiry :func:`clear_cookie` queues a ``DELETE`` that clears it.
:func:`resume` reads the cookie of a reloaded page (``st.context.cookies``, from the
WebSocket handshake) and gives the account back while the session is within the idle limit.
"""
from __future__ import annotations

import logging
import time

import duckdb
import streamlit as st

from core.errors import BorderwatchError
from data import websessions

log = logging.getLogger("borderwatch.websession")

SID_KEY = "auth_web_sid"          # this session's row in web_sessions
TOUCHED_KEY = "auth_web_touched"  # time.time() of the last write of last_seen
PENDING_KEY = "auth_web_pending"  # {"op": "begin"|"end", "code": ..., "n": ...} for the next run's component
TRIED_KEY = "auth_web_tried"      # the cookie of this connection was looked at (once per connection)

_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.op) return;
  const sent = (window.__bwSessionOps = window.__bwSessionOps || new Set());
  const id = data.op + ':' + data.n;
  if (sent.has(id)) return;
  sent.add(id);
  fetch('/bw/session', { method: data.op === 'begin' ? 'POST' : 'DELETE', body: data.code || null,
                         headers: { 'X-Borderwatch': '1' }, credentials: 'same-origin', cache: 'no-store' })
    .catch(() => {});
}
"""
_COMPONENT: list = []


def _component():
    if not _COMPONENT:
        import streamlit.components.v2 as v2

        _COMPONENT.append(v2.component("borderwatch.session_cookie", js=_JS))
    return _COMPONENT[0]


def cookie_name() -> str:
    from ui.routes import cookie_name as name

    return name()


def after_login(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Start the stored session of a fresh login and queue its code for the browser."""
    try:
        session_id, code = websessions.begin(con, name)
    except BorderwatchError:
        log.exception("reload session not started")
        return
    except Exception:  # noqa: BLE001 -- the login stands without the reload cookie
        log.exception("reload session not started")
        return
    ss = st.session_state
    ss[SID_KEY] = session_id
    ss[TOUCHED_KEY] = time.time()
    ss[PENDING_KEY] = {"op": "begin", "code": code, "n": session_id}


def clear_cookie() -> None:
    """Queue the request that clears the cookie (after logout or expiry; the row is gone already)."""
    st.session_state[PENDING_KEY] = {"op": "end", "code": "", "n": f"{time.time():.6f}"}


def end(con: duckdb.DuckDBPyConnection) -> None:
    """Delete this session's row (logout, expiry, account gone)."""
    try:
        websessions.end(con, st.session_state.get(SID_KEY))
    except Exception:  # noqa: BLE001 -- the row would expire with idle time anyway
        log.exception("reload session not ended")


def touch(con: duckdb.DuckDBPyConnection) -> None:
    """Write ``last_seen`` of this session at most every :data:`data.websessions.TOUCH_SECONDS`."""
    ss = st.session_state
    sid = ss.get(SID_KEY)
    now = time.time()
    if sid and now - float(ss.get(TOUCHED_KEY, 0.0)) >= websessions.TOUCH_SECONDS:
        ss[TOUCHED_KEY] = now
        try:
            websessions.touch(con, sid)
        except Exception:  # noqa: BLE001 -- a missed touch only shortens what a reload keeps
            log.exception("reload session not touched")


def resume(con: duckdb.DuckDBPyConnection, idle_minutes: float):
    """The stored session of this page's cookie (once per connection): a ``Resumed`` or ``None``."""
    ss = st.session_state
    if ss.get(TRIED_KEY):
        return None
    ss[TRIED_KEY] = True
    try:
        token = st.context.cookies.get(cookie_name())
    except Exception:  # noqa: BLE001 -- no request context (tests without a server)
        return None
    if not token:
        return None
    found = websessions.resume(con, token, idle_minutes=idle_minutes)
    if found is not None and found.state == "ok":
        ss[SID_KEY] = found.session_id
        ss[TOUCHED_KEY] = time.time()
    elif found is None:
        clear_cookie()                   # a cookie the store no longer knows: drop it
    return found


def send_pending() -> None:
    """Draw the component that carries a queued cookie request.

    Drawn on every run, in the sidebar, with or without a request: an element that came and went
    in the main area would shift the elements after it, and Streamlit would rebuild the map.
    """
    op = st.session_state.pop(PENDING_KEY, None) or {}
    with st.sidebar:
        _component()(key="bw_session_cookie", data=op, height=0)
