"""What every tab needs for one run, passed as one value (no module globals)."""
from __future__ import annotations

from dataclasses import dataclass, field

from core import roles
from data.filters import Filter


@dataclass(frozen=True)
class Ctx:
    path: str                 # store file (cache key)
    rev: tuple                # store revision (cache key)
    flt: Filter               # the sidebar filter
    lang: str                 # "vi" | "en"
    user: roles.User          # from ui.auth.gate, or core.roles.LOCAL_ADMIN
    facts: dict = field(default_factory=dict, hash=False, compare=False)

    def can(self, capability: str) -> bool:
        return roles.can(self.user, capability)

    @property
    def user_name(self) -> str:
        return self.user.name or "local"
