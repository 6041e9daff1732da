from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from amparo.accounts.actor import Actor
from amparo.accounts.models import User
from amparo.audit.services import audit_verify
from amparo.cases.models import Case
from amparo.people.models import Person, PersonIndexToken
from amparo.people.selectors import person_search


@pytest.mark.django_db
def test_demo_data_is_reproducible_idempotent_and_realistic(settings) -> None:
    call_command("demo_data", persons=400, seed=11, verbosity=0)
    persons, cases = Person.objects.count(), Case.objects.count()
    # The hotline demo opens a few victim cases from calls (person and case through its services).
    from amparo.hotline.models import Call
    from amparo.justice.demo import DEMO_PERSONS  # suspects, a witness, persons found in a raid

    from_calls = Call.objects.filter(case__isnull=False).count()
    assert 0 < from_calls < 10
    assert persons == 400 + from_calls + DEMO_PERSONS and cases > 150
    # The statistics table is built, and holds every counted case: the demo's dashboard runs as in production.
    from amparo.stats import aggregates, facts
    from amparo.stats.models import CaseFact

    assert facts.in_use() and CaseFact.objects.count() == aggregates.counted_cases().count()
    call_command("demo_data", persons=400, seed=11, verbosity=0)  # again: nothing duplicated
    assert Person.objects.count() == persons and Case.objects.count() == cases
    assert set(Case.objects.values_list("status", flat=True)) == {
        "open",
        "identification",
        "assistance",
        "follow_up",
        "closed",
    }
    nationalities = Counter(p.nationalities[0] for p in Person.objects.all())
    assert nationalities.most_common(1)[0][0] == "GT" and {"SV", "HN", "NI"} <= set(nationalities)
    assert Counter(p.gender for p in Person.objects.all())["Feminine"] > persons * 0.6
    assert PersonIndexToken.objects.count() > persons * 4
    # Every demo account exists, and a caseworker finds her institution's persons by (misspelled) name.
    ana = User.objects.get(username="ana.caseworker")
    actor = Actor(user=ana, membership=ana.memberships.get())
    own = Person.objects.filter(owner_org_id=actor.org_pk).first()
    assert own is not None
    found = person_search(actor=actor, name=f"{own.given_names} {own.surnames}".lower())
    assert own.pk in [p.pk for p in found.persons]
    assert audit_verify().ok
