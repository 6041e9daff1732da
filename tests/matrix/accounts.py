"""Accounts screens added after the core matrix: a user's own password.

Changing one's password concerns one's own account only (no object of an institution): every signed-in
user gets the form, whatever the institution or role; anonymous users are sent to sign in
(test_anonymous_is_refused).
"""

from __future__ import annotations

from tests.matrix import Case, everyone

CASES = [
    Case("accounts:password_change", "get", lambda o: "/accounts/security/password/", everyone()),
]
