"""Fixes from the second audit: amounts of money grouped on the charge page; the lead is not a choice on the
team page (they are always on the team)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from amparo.accounts.roles import Role
from amparo.cases.services import case_open
from amparo.justice import prosecution_services as prosecution
from amparo.justice import services
from amparo.justice.models import InvestigationMember
from amparo.law.selectors import article_by_ref
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db


def test_fines_and_reparations_are_grouped_in_spanish_and_english(world) -> None:
    prosecutor = world.actor(Role.PROSECUTOR)
    complaint = services.complaint_create(
        prosecutor, received_on=datetime.date(2010, 6, 1), source="walk_in", summary="Bar en Escuintla"
    )
    investigation = services.investigation_open(
        prosecutor, summary="Bar", opened_on=datetime.date(2010, 6, 3), complaint_ids=[complaint.pk]
    )
    suspect = services.suspect_add(
        prosecutor,
        investigation_id=investigation.pk,
        person_id=make_person(prosecutor, "Mario", "Gómez").pk,
        role_in_process="Exploiter",
    )
    charge = prosecution.charge_file(
        prosecutor,
        investigation_id=investigation.pk,
        suspect_id=suspect.pk,
        article_id=article_by_ref("penal-code:202 Ter").pk,
        offence_date=datetime.date(2010, 5, 1),
        filed_on=datetime.date(2010, 8, 1),
    )
    verdict = prosecution.verdict_record(
        prosecutor, charge_id=charge.pk, outcome="convicted", date=datetime.date(2011, 2, 1), court="T"
    )
    case = case_open(actor=prosecutor, person_id=make_person(prosecutor, "Ana", "Coc").pk)
    services.victim_link(prosecutor, investigation_id=investigation.pk, case_id=case.pk)
    prosecution.sentence_record(
        prosecutor,
        verdict_id=verdict.pk,
        years=10,
        fine=Decimal("350000"),
        reparation=Decimal("1250000.5"),
        reparation_case_id=case.pk,
    )
    client = login(Client(), world.user(Role.PROSECUTOR))
    spanish = client.get(f"/justice/charges/{charge.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(f"/justice/charges/{charge.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Q300\xa0000,00 – Q500\xa0000,00" in spanish  # the computed range
    assert "Q350\xa0000,00" in spanish and "Q1\xa0250\xa0000,50" in spanish  # the sentence
    assert "Q300,000.00 – Q500,000.00" in english
    assert "Q350,000.00" in english and "Q1,250,000.50" in english
    assert "350000" not in spanish + english and "1250000" not in spanish + english


def test_the_team_page_does_not_offer_the_lead(world, investigation) -> None:
    lead = world.user(Role.PROSECUTOR)
    assert investigation.lead == lead
    client = login(Client(), lead)
    url = f"/justice/{investigation.pk}/team/"
    page = client.get(url)
    choices = {user.pk for user in page.context["team_formset"].forms[0].fields["user"].queryset}
    assert lead.pk not in choices and world.user(Role.INVESTIGATOR).pk in choices
    assert "The lead is always on the team, in their role: they are not in the list of members below." in (
        page.content.decode()
    )
    # posting the lead anyway is refused with the form's error, and the team is left as it was
    before = sorted(InvestigationMember.objects.filter(investigation=investigation).values_list("user_id", "team_role"))
    data = {
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "50",
        "team-0-user": str(lead.pk),
        "team-0-team_role": "assistant",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert refused.context["team_formset"].forms[0].errors["user"]
    after = sorted(InvestigationMember.objects.filter(investigation=investigation).values_list("user_id", "team_role"))
    assert after == before


def test_opening_an_investigation_does_not_offer_oneself_as_a_member(world) -> None:
    prosecutor = world.user(Role.PROSECUTOR)
    page = login(Client(), prosecutor).get("/justice/new/")
    choices = {user.pk for user in page.context["team_formset"].forms[0].fields["user"].queryset}
    assert prosecutor.pk not in choices and world.user(Role.INVESTIGATOR).pk in choices
