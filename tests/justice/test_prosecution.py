"""Charges under catalog articles, verdicts and sentences, checked against the penalty calculator."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from amparo.accounts.roles import Role
from amparo.cases.services import case_open
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.justice import prosecution_services as prosecution
from amparo.justice import services
from amparo.justice.models import Charge, Sentence
from amparo.law.calculator import format_term
from amparo.law.selectors import article_by_ref
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_2008(world):
    """A 2008 case (the seed's year): complaint and investigation in 2008."""
    prosecutor = world.actor(Role.PROSECUTOR)
    complaint = services.complaint_create(
        prosecutor, received_on=datetime.date(2008, 6, 1), source="walk_in", summary="Bar en Escuintla"
    )
    investigation = services.investigation_open(
        prosecutor, summary="Bar", opened_on=datetime.date(2008, 6, 3), complaint_ids=[complaint.pk]
    )
    suspect = services.suspect_add(
        prosecutor,
        investigation_id=investigation.pk,
        person_id=make_person(prosecutor, "Mario", "Gómez").pk,
        role_in_process="Exploiter",
    )
    return investigation, suspect


def _charge(world, investigation, suspect, ref, offence, **kw):
    return prosecution.charge_file(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        suspect_id=suspect.pk,
        article_id=article_by_ref(ref).pk,
        offence_date=offence,
        filed_on=kw.pop("filed_on", datetime.date(2008, 8, 1)),
        **kw,
    )


def test_a_charge_takes_the_version_in_force_on_the_offence_date(world, file_2008):
    investigation, suspect = file_2008
    charge = _charge(world, investigation, suspect, "penal-code:194", datetime.date(2008, 5, 1), victim_age=15)
    assert charge.version.possibly_in_force(datetime.date(2008, 5, 1))
    outcome = prosecution.charge_outcome(charge)
    # 6-12 years, +1/3 for a minor victim: 8 to 16 years
    assert (outcome.prison.low.days, outcome.prison.high.days) == (8 * 365, 16 * 365)


def test_a_charge_under_an_article_not_in_force_on_the_offence_date_is_refused(world, file_2008):
    investigation, suspect = file_2008
    with pytest.raises(ValidationFailed) as exc:
        _charge(world, investigation, suspect, "penal-code:202 Ter", datetime.date(2008, 5, 1))
    assert "offence_date" in exc.value.errors
    assert not Charge.objects.exists()


def test_bad_charge_input(world, file_2008):
    investigation, suspect = file_2008
    with pytest.raises(ValidationFailed) as exc:
        _charge(
            world,
            investigation,
            suspect,
            "penal-code:194",
            datetime.date(2008, 5, 1),
            filed_on=datetime.date(2008, 4, 1),
            circumstances=["made_up"],
        )
    assert set(exc.value.errors) == {"filed_on", "circumstances"}


@pytest.fixture
def conviction(world, file_2008):
    investigation, suspect = file_2008
    charge = _charge(world, investigation, suspect, "penal-code:194", datetime.date(2008, 5, 1), victim_age=15)
    verdict = prosecution.verdict_record(
        world.actor(Role.PROSECUTOR),
        charge_id=charge.pk,
        outcome="convicted",
        date=datetime.date(2009, 2, 1),
        court="T",
    )
    return charge, verdict


def test_a_sentence_inside_the_range_needs_no_reason(world, conviction):
    _charge, verdict = conviction
    sentence = prosecution.sentence_record(world.actor(Role.PROSECUTOR), verdict_id=verdict.pk, years=10, months=6)
    assert sentence.within_range is True and sentence.prison_days_total == 10 * 365 + 180


def test_a_sentence_outside_the_range_needs_a_reason(world, conviction):
    _charge, verdict = conviction
    actor = world.actor(Role.PROSECUTOR)
    with pytest.raises(ValidationFailed) as exc:
        prosecution.sentence_record(actor, verdict_id=verdict.pk, years=5)
    assert "reason" in exc.value.errors
    assert not Sentence.objects.exists()
    sentence = prosecution.sentence_record(actor, verdict_id=verdict.pk, years=5, reason="Cooperation reduction")
    assert sentence.within_range is False


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"years": -1}, "years"),
        ({"years": 250}, "years"),
        ({"months": 14}, "months"),
        ({"days": 45}, "days"),
        ({"years": 10, "fine": Decimal("-5")}, "fine"),
        ({"years": 10, "reparation": Decimal("5000")}, "reparation_case"),
    ],
)
def test_negative_or_absurd_sentences_are_refused(world, conviction, kwargs, field):
    _charge, verdict = conviction
    with pytest.raises(ValidationFailed) as exc:
        prosecution.sentence_record(world.actor(Role.PROSECUTOR), verdict_id=verdict.pk, **kwargs)
    assert field in exc.value.errors
    assert not Sentence.objects.exists()


def test_reparation_to_a_victim_as_third_party_plaintiff(world, conviction):
    charge, verdict = conviction
    prosecutor = world.actor(Role.PROSECUTOR)
    case = case_open(actor=prosecutor, person_id=make_person(prosecutor, "Ana", "Coc").pk)
    services.victim_link(prosecutor, investigation_id=charge.investigation_id, case_id=case.pk)
    sentence = prosecution.sentence_record(
        prosecutor, verdict_id=verdict.pk, years=9, reparation=Decimal("25000"), reparation_case_id=case.pk
    )
    assert sentence.reparation_case == case


def test_acquittal_has_no_sentence_and_other_institutions_get_404(world, file_2008):
    investigation, suspect = file_2008
    charge = _charge(world, investigation, suspect, "penal-code:194", datetime.date(2008, 5, 1))
    verdict = prosecution.verdict_record(
        world.actor(Role.PROSECUTOR),
        charge_id=charge.pk,
        outcome="acquitted",
        date=datetime.date(2009, 1, 1),
        court="T",
    )
    with pytest.raises(ValidationFailed):
        prosecution.sentence_record(world.actor(Role.PROSECUTOR), verdict_id=verdict.pk, years=8)
    with pytest.raises(NotFound):
        prosecution.verdict_record(
            world.actor(Role.PROSECUTOR, "other"),
            charge_id=charge.pk,
            outcome="convicted",
            date=datetime.date(2009, 1, 1),
            court="T",
        )


def test_the_charge_screen_shows_the_penalty_range(world, file_2008, client):
    investigation, suspect = file_2008
    login(client, world.user(Role.PROSECUTOR))
    response = client.post(
        f"/justice/{investigation.pk}/charges/new/",
        {
            "suspect": str(suspect.pk),
            "article": str(article_by_ref("penal-code:194").pk),
            "offence_date": "2008-05-01",
            "filed_on": "2008-08-01",
            "victim_age": "15",
            "circumstances": ["physical_harm"],
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    charge = Charge.objects.get()
    page = client.get(f"/justice/charges/{charge.pk}/").content.decode()
    # 6-12 years; +1/3 (minor) +2/3 (physical harm) of the base, added: 12 to 24 years
    expected = f"{format_term(12 * 365)} – {format_term(24 * 365)}"  # in the page's language
    assert expected in page
    refused = client.post(
        f"/justice/{investigation.pk}/charges/new/",
        {
            "suspect": str(suspect.pk),
            "article": str(article_by_ref("penal-code:202 Ter").pk),
            "offence_date": "2008-05-01",
            "filed_on": "2008-08-01",
        },
    )
    assert refused.status_code == 400
    assert Charge.objects.count() == 1
