"""Issue 12 items 3 and 4: parallel logins cannot get more password checks than the lockout allows,
and an unknown name answers exactly like an existing one (message and pause).

Threads run the real :func:`data.users.verify` on their own cursors of one store, as the
sessions of ``borderwatch serve`` do; the browser version is in ``test_browser_session.py``.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from seclib import PASSWORD

from data import audit, users


def _at_once(sec_con, attempts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Run ``verify(name, password)`` for every attempt in its own thread, all released together.

    Returns one ``(outcome, password)`` per attempt: ``ok``, ``invalid`` or ``locked``.
    """
    gate = threading.Barrier(len(attempts))
    out: list[tuple[str, str]] = []
    guard = threading.Lock()

    def one(name: str, password: str) -> None:
        cur = sec_con.cursor()
        gate.wait()
        try:
            users.verify(cur, name, password, lang="en", sleep=lambda s: None)
            result = "ok"
        except users.LoginFailed as exc:
            result = exc.reason
        finally:
            cur.close()
        with guard:
            out.append((result, password))

    threads = [threading.Thread(target=one, args=a) for a in attempts]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(out) == len(attempts)
    return out


def _checks(sec_con, name: str) -> int:
    """Failed attempts whose password was checked (audit: not refused as already locked)."""
    log = audit.entries(sec_con, who=name, action="login_failed", limit=1000)
    return int((log["what"] != "locked").sum())


def _locked_until(sec_con, name: str):
    row = sec_con.execute("SELECT locked_until FROM login_failures WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def test_twelve_wrong_logins_at_once_get_five_password_checks_and_lock(sec_con):
    out = _at_once(sec_con, [("u_editor", f"wrong-{i}-password") for i in range(12)])
    reasons = sorted(r for r, _ in out)
    assert reasons.count("invalid") == 4 and reasons.count("locked") == 8       # the 5th locks, 7 refused
    assert _checks(sec_con, "u_editor") == 5
    assert _locked_until(sec_con, "u_editor") > dt.datetime.now()
    failures = sec_con.execute("SELECT failures FROM login_failures WHERE name = 'u_editor'").fetchone()[0]
    assert failures == 12                                                        # no count lost
    with pytest.raises(users.LoginFailed) as err:                                # the right one now: locked
        users.verify(sec_con, "u_editor", PASSWORD, sleep=lambda s: None)
    assert err.value.reason == "locked"


def test_eleven_wrong_and_the_right_one_at_once(sec_con):
    attempts = [("u_viewer", f"wrong-{i}-password") for i in range(11)]
    attempts.insert(6, ("u_viewer", PASSWORD))
    out = _at_once(sec_con, attempts)
    right = next(r for r, p in out if p == PASSWORD)
    wrong = [r for r, p in out if p != PASSWORD]
    checks = _checks(sec_con, "u_viewer")
    assert right in ("ok", "locked")
    if right == "locked":           # the right one came after the fifth failure: five checks in all
        assert checks == 5
    else:                           # it came among the first five: at most 4 before it and 5 after it
        assert checks <= 9
    assert wrong.count("invalid") + wrong.count("locked") == 11 and wrong.count("invalid") < 11
    assert _locked_until(sec_con, "u_viewer") > dt.datetime.now()              # 7+ failures remain: locked


def _answers(sec_con, name: str, n: int) -> list[tuple[str, str, float]]:
    out = []
    for i in range(n):
        pauses: list[float] = []
        with pytest.raises(users.LoginFailed) as err:
            users.verify(sec_con, name, f"guess-{i}-password", lang="en", sleep=pauses.append)
        text = str(err.value)
        out.append((err.value.reason, text, sum(pauses)))
    return out


def test_an_unknown_name_answers_like_an_existing_one(sec_con, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_LOGIN_DELAY_S", "0.2")
    known = _answers(sec_con, "u_analyst", 7)
    unknown = _answers(sec_con, "nobody-here", 7)
    assert [a[0] for a in known] == ["invalid"] * 4 + ["locked"] * 3
    assert unknown == known                      # same reasons, same words (incl. "locked until HH:MM"), same pauses
    assert [a[2] for a in unknown] == [0.2, 0.4, 0.8, 1.6, 1.6, 1.6, 1.6]
    assert "Wrong account name or password." == unknown[0][1]


def test_a_success_forgives_only_the_failures_before_it(sec_con):
    for i in range(3):
        with pytest.raises(users.LoginFailed):
            users.verify(sec_con, "u_viewer", f"bad-{i}-password", sleep=lambda s: None)
    assert users.verify(sec_con, "u_viewer", PASSWORD, sleep=lambda s: None).name == "u_viewer"
    assert sec_con.execute("SELECT failures FROM login_failures WHERE name = 'u_viewer'").fetchone()[0] == 0
    # the admin page and `borderwatch users list` read the counters through list_users
    row = users.list_users(sec_con).set_index("name").loc["u_viewer"]
    assert row["failures"] == 0 and row["locked_until"] is None or str(row["locked_until"]) == "NaT"
