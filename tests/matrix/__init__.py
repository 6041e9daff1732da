"""The authorization matrix's vocabulary, and its extensions by app.

tests/test_authorization_matrix.py holds the core screens. Each app that adds screens puts a module here
(tests/matrix/<app>.py) with `CASES: list[Case]` and, when its URLs need objects, `def objects(world, base)
-> dict` returning them (base holds the core objects: person, case, referral...). Every module is picked
up automatically, so the "every URL is in the matrix" check covers it too.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from amparo.accounts.roles import Perm, Role, role_has


@dataclass
class Case:
    name: str  # URL pattern name (namespace:name)
    method: str
    url: Callable[[dict[str, Any]], str]
    expect: Callable[[str, str], int]  # (role, where) -> status
    data: dict[str, Any] | str | None = None


def by_perm(perm: str, ok: int = 200) -> Callable[[str, str], int]:
    return lambda role, where: ok if role_has(role, perm) else 403


def own_object(perm: str, ok: int = 200) -> Callable[[str, str], int]:
    """An object of the home institution: allowed at home, 404 (no existence leak) elsewhere."""
    return lambda role, where: (ok if where == "home" else 404) if role_has(role, perm) else 403


def everyone(status: int = 200) -> Callable[[str, str], int]:
    return lambda role, where: status


def case_team(perm: str, ok: int = 200) -> Callable[[str, str], int]:
    """A case of the home institution owned by the home caseworker: the owner and the institution's
    supervisors get in; everybody else gets 404 (no existence leak), or 403 without the permission."""

    def expect(role: str, where: str) -> int:
        if not role_has(role, perm):
            return 403
        on_team = where == "home" and (role == Role.CASEWORKER or role_has(role, Perm.CASE_SUPERVISE))
        return ok if on_team else 404

    return expect


def case_supervisor(role: str, where: str) -> int:
    if not role_has(role, Perm.CASE_SUPERVISE):
        return 403
    return 200 if where == "home" else 404


def referral_party(ok: int = 200, receiver_ok: int | None = None) -> Callable[[str, str], int]:
    """The referral goes from the home case (team: home caseworker, home supervisors) to the other institution,
    whose roles that receive referrals see its shared sections; anybody else gets 404."""

    def expect(role: str, where: str) -> int:
        if where == "home" and (role == Role.CASEWORKER or role_has(role, Perm.CASE_SUPERVISE)):
            return ok
        if where == "other" and role_has(role, Perm.REFERRAL_RECEIVE):
            return ok if receiver_ok is None else receiver_ok
        return 404

    return expect


def receiver_action(role: str, where: str) -> int:
    if not role_has(role, Perm.REFERRAL_RECEIVE):
        return 403
    return 302 if where == "other" else 404


def shelter_staff(ok: int) -> Callable[[str, str], int]:
    """The shelter belongs to the other institution: its roles that admit get in; others with the right, 404."""
    return lambda role, where: (ok if where == "other" else 404) if role_has(role, Perm.SHELTER_ADMIT) else 403


def any_of(*perms: str) -> Callable[[str, str], int]:
    return lambda role, where: 200 if any(role_has(role, p) for p in perms) else 403


def extension_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]
