"""Accounts: argon2id hashes only, verification, delay and lockout, disable, first admin."""
from __future__ import annotations

import datetime as dt

import pytest
from seclib import PASSWORD

from core.errors import InputError
from data import audit, users
from data.store import connect


def test_only_an_argon2id_hash_is_stored_never_the_password(sec_db):
    con = connect(sec_db)
    secret = "Một-mật-khẩu-rất-riêng-42"
    users.create_user(con, "hoa", "analyst", secret, who="test")
    stored = con.execute("SELECT pw_hash FROM users WHERE name = 'hoa'").fetchone()[0]
    assert stored.startswith("$argon2id$") and secret not in stored
    con.execute("CHECKPOINT")
    con.close()
    raw = sec_db.read_bytes()
    assert secret.encode("utf-8") not in raw
    wal = sec_db.with_name(sec_db.name + ".wal")
    assert not wal.exists() or secret.encode("utf-8") not in wal.read_bytes()


def test_verify_accepts_the_right_password_and_is_audited(sec_con):
    user = users.verify(sec_con, "U_Analyst ", PASSWORD)   # names are case- and space-insensitive
    assert (user.name, user.role) == ("u_analyst", "analyst")
    last = audit.entries(sec_con, limit=1).iloc[0]
    assert (last.who, last.action) == ("u_analyst", "login")
    assert sec_con.execute("SELECT last_login FROM users WHERE name = 'u_analyst'").fetchone()[0] is not None


def test_wrong_password_and_unknown_name_get_the_same_message(sec_con):
    with pytest.raises(users.LoginFailed) as a:
        users.verify(sec_con, "u_analyst", "wrong-password-1", lang="en")
    with pytest.raises(users.LoginFailed) as b:
        users.verify(sec_con, "nobody", "wrong-password-1", lang="en")
    assert str(a.value) == str(b.value) == "Wrong account name or password."
    assert a.value.exit_code == 3
    failed = audit.entries(sec_con, action="login_failed")
    assert set(failed["who"]) == {"u_analyst", "nobody"}
    assert not any(PASSWORD in str(w) or "wrong-password-1" in str(w) for w in failed["what"])


def test_delay_grows_after_each_failure(sec_con, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_LOGIN_DELAY_S", "0.5")
    pauses = []
    for _ in range(3):
        with pytest.raises(users.LoginFailed):
            users.verify(sec_con, "u_viewer", "nope-nope-nope", sleep=pauses.append)
    assert pauses == [0.5, 1.0, 2.0]


def test_five_failures_lock_the_account_even_for_the_right_password(sec_con):
    for i in range(5):
        with pytest.raises(users.LoginFailed) as err:
            users.verify(sec_con, "u_editor", f"bad-{i}-password", lang="en")
    assert err.value.reason == "locked"
    with pytest.raises(users.LoginFailed) as err:
        users.verify(sec_con, "u_editor", PASSWORD, lang="en")
    assert err.value.reason == "locked" and "locked" in str(err.value)
    until = sec_con.execute("SELECT locked_until FROM login_failures WHERE name = 'u_editor'").fetchone()[0]
    assert dt.timedelta(minutes=14) < until - dt.datetime.now() <= dt.timedelta(minutes=15)
    users.unlock(sec_con, "u_editor", who="u_admin")
    assert users.verify(sec_con, "u_editor", PASSWORD).role == "editor"


def test_lock_ends_after_lock_minutes(sec_con, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_MAX_LOGIN_FAILURES", "2")
    for _ in range(2):
        with pytest.raises(users.LoginFailed):
            users.verify(sec_con, "u_viewer", "bad-password-x")
    sec_con.execute("UPDATE login_failures SET locked_until = ? WHERE name = 'u_viewer'",
                    [dt.datetime.now() - dt.timedelta(seconds=1)])
    assert users.verify(sec_con, "u_viewer", PASSWORD).name == "u_viewer"


def test_a_success_resets_the_failure_count(sec_con):
    for _ in range(4):
        with pytest.raises(users.LoginFailed):
            users.verify(sec_con, "u_viewer", "bad-password-y")
    users.verify(sec_con, "u_viewer", PASSWORD)
    with pytest.raises(users.LoginFailed) as err:
        users.verify(sec_con, "u_viewer", "bad-password-z")
    assert err.value.reason == "invalid"


def test_disabled_account_cannot_log_in_and_last_admin_is_protected(sec_con):
    users.disable(sec_con, "u_viewer", who="u_admin")
    with pytest.raises(users.LoginFailed) as err:
        users.verify(sec_con, "u_viewer", PASSWORD)
    assert err.value.reason == "invalid"
    assert users.get_user(sec_con, "u_viewer") is None
    with pytest.raises(InputError):
        users.disable(sec_con, "u_admin", who="u_admin")
    with pytest.raises(InputError):
        users.set_role(sec_con, "u_admin", "viewer", who="u_admin")
    users.set_active(sec_con, "u_viewer", True, who="u_admin")
    assert users.verify(sec_con, "u_viewer", PASSWORD).name == "u_viewer"


def test_password_change_replaces_the_hash(sec_con):
    users.set_password(sec_con, "u_analyst", "a-brand-new-secret", who="u_admin")
    with pytest.raises(users.LoginFailed):
        users.verify(sec_con, "u_analyst", PASSWORD)
    assert users.verify(sec_con, "u_analyst", "a-brand-new-secret").name == "u_analyst"


@pytest.mark.parametrize("name,password", [("ab", "short"), ("lan", "lan"), ("x y", "long-enough-pass"),
                                           ("<script>", "long-enough-pass"), ("lan", "tab\there-password")])
def test_bad_names_and_passwords_are_refused(sec_con, name, password):
    with pytest.raises(InputError):
        users.create_user(sec_con, name, "viewer", password, who="t")
    assert not sec_con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]


def test_duplicate_and_unknown_role_are_refused(sec_con):
    with pytest.raises(InputError):
        users.create_user(sec_con, "u_viewer", "viewer", PASSWORD, who="t")
    with pytest.raises(InputError):
        users.create_user(sec_con, "newbie", "root", PASSWORD, who="t")


def test_ensure_admin_generates_once_then_does_nothing(empty_con):
    made = users.ensure_admin(empty_con)
    assert made is not None and made[0] == "admin" and len(made[1]) >= 16
    assert users.verify(empty_con, "admin", made[1]).role == "admin"
    assert users.ensure_admin(empty_con) is None
    stored = empty_con.execute("SELECT pw_hash FROM users").fetchone()[0]
    assert made[1] not in stored


def test_ensure_admin_uses_the_given_password(empty_con):
    assert users.ensure_admin(empty_con, password="from-the-environment") == ("admin", None)
    assert users.verify(empty_con, "admin", "from-the-environment").role == "admin"
