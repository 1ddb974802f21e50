"""Who may do what: roles, capabilities, the acting user, and the security settings.

Four roles, each a superset of the one before it:

==========  ====================================================================
viewer      the map and aggregates (counts, hexagons, charts); no free text or
            personal fields (``description``, ``persons``), no exact incident points
analyst     + incident details, exports, briefings
editor      + imports, incident entry, village status changes, cases flagged
            ``outside_vietnam`` (across the border)
admin       + accounts, the audit log, backup and restore
==========  ====================================================================

The table :data:`ROLE_CAPABILITIES` is the one place this is decided; the UI and the CLI
both ask :func:`can` / :func:`require`, so a hidden button is never the only guard.
A store with no accounts at all is *local single-user mode*: the CLI acts as
:data:`LOCAL_ADMIN` (see ``cli/_auth.py``).

Security settings (session idle time, lockout) live in :func:`settings`, read at call
time from the environment so tests and the load benchmark can shorten them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.errors import AccessDenied

if TYPE_CHECKING:
    import pandas as pd

# -- capabilities -------------------------------------------------------------------------
MAP = "map"                          # the map (aggregated incidents, reference layers)
AGGREGATES = "aggregates"            # counts, charts, hotspots, village exposure
INCIDENT_DETAILS = "incident_details"  # description, persons, exact points and popups
EXPORT = "export"
BRIEFING = "briefing"
IMPORT = "import"
INCIDENT_ENTRY = "incident_entry"
CROSS_BORDER = "cross_border"        # an incident flagged outside_vietnam (a joint operation across the border)
VILLAGE_STATUS = "village_status"
USERS = "users"
AUDIT = "audit"
BACKUP = "backup"

ROLES: tuple[str, ...] = ("viewer", "analyst", "editor", "admin")

_ADDED: dict[str, frozenset[str]] = {
    "viewer": frozenset({MAP, AGGREGATES}),
    "analyst": frozenset({INCIDENT_DETAILS, EXPORT, BRIEFING}),
    "editor": frozenset({IMPORT, INCIDENT_ENTRY, VILLAGE_STATUS, CROSS_BORDER}),
    "admin": frozenset({USERS, AUDIT, BACKUP}),
}


def _cumulative() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    acc: frozenset[str] = frozenset()
    for role in ROLES:
        acc = acc | _ADDED[role]
        table[role] = acc
    return table


#: role -> every capability it holds
ROLE_CAPABILITIES: dict[str, frozenset[str]] = _cumulative()
CAPABILITIES: frozenset[str] = ROLE_CAPABILITIES["admin"]

#: Columns a role without ``incident_details`` never receives, per table.
DETAIL_FIELDS: dict[str, tuple[str, ...]] = {"incidents": ("description", "persons")}


@dataclass(frozen=True)
class User:
    """The acting user. ``local`` marks local single-user mode (a store with no accounts)."""

    name: str
    role: str
    local: bool = False

    def __post_init__(self) -> None:
        """Refuse an unknown role, naming the valid ones."""
        if self.role not in ROLE_CAPABILITIES:
            raise ValueError(f"unknown role {self.role!r}; valid roles: {', '.join(ROLES)}")


LOCAL_ADMIN = User("local", "admin", local=True)


def capabilities(user: User | None) -> frozenset[str]:
    """Return the capabilities of ``user`` (any object with a ``role``); none for an unknown role."""
    return ROLE_CAPABILITIES.get(getattr(user, "role", None) or "", frozenset())


def can(user: User | None, capability: str) -> bool:
    """Tell whether ``user`` holds ``capability``.

    >>> can(User("lan", "analyst"), EXPORT), can(User("lan", "viewer"), EXPORT)
    (True, False)
    """
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}; valid: {', '.join(sorted(CAPABILITIES))}")
    return capability in capabilities(user)


def require(user: User | None, capability: str, lang: str | None = None) -> None:
    """Raise :class:`~core.errors.AccessDenied` (exit code 3) unless ``user`` holds ``capability``."""
    if can(user, capability):
        return
    from core.i18n import t

    role = getattr(user, "role", "?") or "?"
    raise AccessDenied(t("auth.denied", lang, user=getattr(user, "name", "?") or "?",
                         role=t(f"auth.role.{role}", lang) if role in ROLES else role,
                         what=t(f"auth.cap.{capability}", lang),
                         need=t(f"auth.role.{minimum_role(capability)}", lang)))


def minimum_role(capability: str) -> str:
    """Return the lowest role holding ``capability``.

    >>> minimum_role(IMPORT)
    'editor'
    """
    return next(r for r in ROLES if capability in ROLE_CAPABILITIES[r])


def min_cell(user: User | None) -> int:
    """Return the smallest number of incidents an aggregate shown to ``user`` may rest on (1: no limit).

    Users without ``incident_details`` (viewers) get :attr:`SecuritySettings.min_cell_size`.
    """
    return 1 if can(user, INCIDENT_DETAILS) else max(1, int(settings().min_cell_size))


def hidden_columns(user: User | None, table: str) -> tuple[str, ...]:
    """Columns of ``table`` that ``user`` must not receive."""
    return () if can(user, INCIDENT_DETAILS) else DETAIL_FIELDS.get(table, ())


def redact(user: User | None, table: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without the columns ``user`` may not see (a new frame; the input is untouched)."""
    drop = [c for c in hidden_columns(user, table) if c in df.columns]
    return df.drop(columns=drop) if drop else df


# -- settings -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SecuritySettings:
    """Login, session and disclosure limits; :func:`settings` applies the environment overrides."""

    session_idle_minutes: float = 30.0   # a session with no interaction for this long logs out
    max_failures: int = 5                # failed logins in a row before the account locks
    lock_minutes: float = 15.0           # how long a locked account stays locked
    failure_delay_seconds: float = 1.0   # pause after a failed login (doubles, capped at 8x)
    min_password_length: int = 10
    min_cell_size: int = 3               # viewers: aggregates of fewer incidents are shown as "< 3"


_ENV: dict[str, tuple[str, type[float] | type[int]]] = {
    "session_idle_minutes": ("BORDERWATCH_SESSION_IDLE_MIN", float),
    "max_failures": ("BORDERWATCH_MAX_LOGIN_FAILURES", int),
    "lock_minutes": ("BORDERWATCH_LOCK_MIN", float),
    "failure_delay_seconds": ("BORDERWATCH_LOGIN_DELAY_S", float),
    "min_cell_size": ("BORDERWATCH_MIN_CELL", int),
}


def settings() -> SecuritySettings:
    """Return the security settings, with environment overrides read now (not at import)."""
    values: dict[str, Any] = {}   # float or int, per _ENV
    for name, (var, kind) in _ENV.items():
        raw = os.environ.get(var)
        if raw:
            try:
                values[name] = kind(raw)
            except ValueError:
                pass
    return SecuritySettings(**values)
