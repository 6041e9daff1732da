"""Who is acting: a user through one membership, or the system (a command, a job)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .roles import role_has

if TYPE_CHECKING:
    from .models import Membership, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    membership: Membership | None
    system: str = ""  # e.g. "cli:demo-data" when no user acts
    request_id: str = ""

    @classmethod
    def for_system(cls, name: str) -> Actor:
        return cls(user=None, membership=None, system=name)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user else None

    @property
    def username(self) -> str:
        return self.user.get_username() if self.user else self.system

    @property
    def organization_id(self) -> int | None:
        return self.membership.organization_id if self.membership else None

    @property
    def org_pk(self) -> int:
        """For queries: the institution's id, or 0 (matches nothing: deny by default)."""
        return self.membership.organization_id if self.membership else 0

    @property
    def user_pk(self) -> int:
        return self.user.pk if self.user else 0

    @property
    def role(self) -> str:
        return self.membership.role if self.membership else ""

    def has(self, perm: str) -> bool:
        return bool(
            self.user
            and self.user.is_active
            and self.membership
            and self.membership.is_active
            and role_has(self.membership.role, perm)
        )
