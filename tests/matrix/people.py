"""The persons API's POST search in the authorization matrix.

A search answers 200 to every role that may search, in any institution: what differs across institutions
is what it finds. The home institution's person (built by the matrix, "Valeria Jiménez López") is found by
the home roles that may search and by nobody of the other institution: that cross-institution denial is
test_person_search_post_is_scoped_to_the_institution in tests/test_authorization_matrix.py (it needs the
matrix's objects), and tests/people/test_person_search_api.py.
"""

from __future__ import annotations

from amparo.accounts.roles import Perm
from tests.matrix import Case, by_perm

CASES = [
    Case(
        "api:person_search",
        "post",
        lambda o: "/api/v1/persons/search/",
        by_perm(Perm.PERSON_SEARCH),
        {"name": "Valeria"},
    ),
]
