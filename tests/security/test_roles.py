"""The permission table: what each role can and cannot do, and the refusal it gets."""
from __future__ import annotations

import pandas as pd
import pytest

from core import roles
from core.errors import AccessDenied
from core.roles import User

EXPECTED = {
    "viewer": {"map", "aggregates"},
    "analyst": {"map", "aggregates", "incident_details", "export", "briefing"},
    "editor": {"map", "aggregates", "incident_details", "export", "briefing", "import", "incident_entry",
               "village_status", "cross_border"},
    "admin": {"map", "aggregates", "incident_details", "export", "briefing", "import", "incident_entry",
              "village_status", "cross_border", "users", "audit", "backup"},
}


@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_holds_exactly_its_capabilities(role):
    user = User("x", role)
    assert set(roles.capabilities(user)) == EXPECTED[role]
    for cap in roles.CAPABILITIES:
        assert roles.can(user, cap) == (cap in EXPECTED[role])


def test_require_refuses_with_exit_code_3_and_names_the_missing_role():
    with pytest.raises(AccessDenied) as err:
        roles.require(User("lan", "viewer"), roles.EXPORT, "en")
    assert err.value.exit_code == 3
    assert "lan" in str(err.value) and "Analyst" in str(err.value)
    roles.require(User("lan", "analyst"), roles.EXPORT, "en")  # no exception


def test_unknown_role_and_capability_are_refused():
    with pytest.raises(ValueError):
        User("x", "superuser")
    with pytest.raises(ValueError):
        roles.can(User("x", "admin"), "launch_missiles")
    assert not roles.can(object(), roles.MAP)  # no role at all: nothing


def test_redact_removes_personal_fields_for_viewers_only():
    df = pd.DataFrame({"id": ["a"], "description": ["tên đối tượng"], "persons": [2], "article": ["250"]})
    viewer = roles.redact(User("v", "viewer"), "incidents", df)
    assert list(viewer.columns) == ["id", "article"]
    assert list(roles.redact(User("a", "analyst"), "incidents", df).columns) == list(df.columns)
    assert list(df.columns) == ["id", "description", "persons", "article"]  # input untouched


def test_settings_read_environment_at_call_time(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_SESSION_IDLE_MIN", "2")
    assert roles.settings().session_idle_minutes == 2
    monkeypatch.delenv("BORDERWATCH_SESSION_IDLE_MIN")
    assert roles.settings().session_idle_minutes == 30
