"""Reload-proof sessions (data.websessions) and their routes (ui.routes), without a browser.

The store holds SHA-256 digests only; a code works once and for a minute; a session comes back
within the idle limit and is deleted after it; logout, a disabled account and a new password end
sessions. The routes want the ``X-Borderwatch`` header and set a Secure, HttpOnly, SameSite=Strict cookie.
"""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from _routes import call

from data import users, websessions


def _sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def _age(con, session_id: str, **delta) -> None:
    con.execute("UPDATE web_sessions SET last_seen = last_seen - ?, code_expires = code_expires - ? WHERE id = ?",
                [dt.timedelta(**delta), dt.timedelta(**delta), session_id])


def test_code_once_token_digest_only_and_idle_limit(empty_con):
    sid, code = websessions.begin(empty_con, "u1")
    token = websessions.redeem(empty_con, code)
    assert token and websessions.redeem(empty_con, code) is None                 # once
    row = empty_con.execute("SELECT * FROM web_sessions").fetchall()
    assert len(row) == 1
    flat = " ".join(str(v) for v in row[0])
    assert token not in flat and code not in flat and _sha(token) in flat         # digests only
    found = websessions.resume(empty_con, token, idle_minutes=30)
    assert (found.state, found.session_id, found.name) == ("ok", sid, "u1")
    assert websessions.resume(empty_con, "not-" + token, idle_minutes=30) is None
    _age(empty_con, sid, minutes=31)
    assert websessions.resume(empty_con, token, idle_minutes=30).state == "expired"
    assert websessions.resume(empty_con, token, idle_minutes=30) is None          # deleted at expiry


def test_a_late_code_is_refused(empty_con):
    sid, code = websessions.begin(empty_con, "u1")
    _age(empty_con, sid, seconds=websessions.CODE_SECONDS + 5)
    assert websessions.redeem(empty_con, code) is None


def test_logout_disable_and_new_password_end_sessions(empty_con):
    users.create_user(empty_con, "u2", "viewer", "correct-horse-battery-9", who="t")
    tokens = []
    for _ in range(3):
        _, code = websessions.begin(empty_con, "u2")
        tokens.append(websessions.redeem(empty_con, code))
    websessions.end_token(empty_con, tokens[0])
    assert websessions.resume(empty_con, tokens[0], idle_minutes=30) is None
    users.set_password(empty_con, "u2", "another-horse-battery-7", who="admin")
    assert websessions.resume(empty_con, tokens[1], idle_minutes=30) is None
    _, code = websessions.begin(empty_con, "u2")
    token = websessions.redeem(empty_con, code)
    users.set_active(empty_con, "u2", False, who="admin")
    assert websessions.resume(empty_con, token, idle_minutes=30) is None


@pytest.fixture()
def routes_on(demo_db, monkeypatch):
    """ui.routes on a demo store (the routes use the page's cached connection)."""
    monkeypatch.setenv("BORDERWATCH_DB", str(demo_db))
    from ui import cache, routes

    cache._connection.clear()
    yield routes, cache.cursor(cache.db_path())
    cache._connection.clear()


def test_routes_set_and_clear_the_cookie(routes_on):
    routes, con = routes_on
    _, code = websessions.begin(con, "u3")
    assert call(routes.session_begin, body=code.encode()).status_code == 403        # no X-Borderwatch header
    resp = call(routes.session_begin, body=code.encode(), headers={"X-Borderwatch": "1"})
    assert resp.status_code == 204
    cookie = resp.headers["set-cookie"]
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == routes.cookie_name()
    low = cookie.lower()
    assert "httponly" in low and "secure" in low and "samesite=strict" in low and "path=/" in low
    assert websessions.resume(con, value, idle_minutes=30).state == "ok"
    assert call(routes.session_begin, body=code.encode(), headers={"X-Borderwatch": "1"}).status_code == 403
    resp = call(routes.session_end, method="DELETE", headers={"X-Borderwatch": "1"}, cookies={name: value})
    assert resp.status_code == 204 and 'max-age=0' in resp.headers["set-cookie"].lower()
    assert websessions.resume(con, value, idle_minutes=30) is None


def test_code_redeemed_once_in_both_modes(any_empty):
    """Server mode has no UPDATE … RETURNING through the scanner: the code still works once, the token resumes."""
    from data.store import connect

    con = connect(any_empty)
    try:
        sid, code = websessions.begin(con, "u1")
        token = websessions.redeem(con, code)
        assert token and websessions.redeem(con, code) is None
        assert websessions.redeem(con, "not-a-code") is None
        back = websessions.resume(con, token, idle_minutes=30)
        assert back is not None and (back.state, back.session_id, back.name) == ("ok", sid, "u1")
        assert con.execute("SELECT token_hash FROM web_sessions WHERE id = ?", [sid]).fetchone()[0] == _sha(token)
    finally:
        con.close()
