"""The law app in the authorization matrix.

The catalog is public law, the same for every institution: no object belongs to one, so there is no
cross-institution denial to show; both institutions get the same answer, and the role table decides
(browse: every signed-in user; calculator: the roles with law.calculate). Anonymous users are refused
(test_anonymous_is_refused).
"""

from __future__ import annotations

from amparo.accounts.roles import Perm
from tests.matrix import Case, by_perm, everyone

CALCULATION = {
    "offence_date": "2008-06-01",
    "judgment_date": "2010-05-01",
    "articles": ["penal-code:194"],
    "victim_age": 15,
    "circumstances": ["physical_harm"],
}

CASES = [
    Case("law:catalog", "get", lambda o: "/law/", everyone()),
    Case(
        "law:calculator",
        "get",
        lambda o: (
            "/law/calculator/?offence_date=2008-06-01&articles=penal-code%3A194&victim_age=15&combination=additive"
        ),
        by_perm(Perm.LAW_CALCULATE),
    ),
    Case("api:law_catalog", "get", lambda o: "/api/v1/law/catalog/", everyone()),
    Case("api:law_calculate", "post", lambda o: "/api/v1/law/calculate/", by_perm(Perm.LAW_CALCULATE), CALCULATION),
]
