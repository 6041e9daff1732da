"""The referrals audit's findings: cancelling while the person is placed, the consent withdrawal path, forms
posted empty, discharge errors, and the demo's dates."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from amparo.cases import services as cases
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.referrals import services, shelter_services
from amparo.referrals.models import Placement, Referral, ReferralStatus
from tests.conftest import login, make_person

from .test_shelters import _accepted_shelter_referral, _admit

STILL_PLACED = (
    "The person is still in the shelter: the referral can be cancelled once the shelter records the discharge."
)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_sender_cannot_cancel_while_the_person_is_in_the_shelter(world, shelter, english) -> None:
    referral = _accepted_shelter_referral(world)
    placement = _admit(world, shelter, referral)
    with pytest.raises(ValidationFailed) as exc:
        services.referral_cancel(actor=world.actor("caseworker"), referral_id=referral.pk)
    assert exc.value.errors == {"status": [STILL_PLACED]}
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.closed_at is None

    sender = login(Client(), world.user("caseworker"))
    page = sender.get(f"/referrals/{referral.pk}/").content.decode()
    assert f"/referrals/{referral.pk}/cancel/" not in page  # no button, and the page says why
    assert 'id="cancel-unavailable"' in page and STILL_PLACED in page
    response = sender.post(f"/referrals/{referral.pk}/cancel/")  # a stale page's button: refused, explained
    assert response.status_code == 302 and _messages(response) == [STILL_PLACED]
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED

    shelter_services.placement_discharge(
        actor=world.actor("shelter_staff", "other"), placement_id=placement.pk, destination="family"
    )
    page = sender.get(f"/referrals/{referral.pk}/").content.decode()
    assert f"/referrals/{referral.pk}/cancel/" in page and 'id="cancel-unavailable"' not in page
    services.referral_cancel(actor=world.actor("caseworker"), referral_id=referral.pk)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CANCELLED


@pytest.mark.django_db
def test_consent_withdrawal_while_placed_ends_only_consent_based_referrals_and_the_stay_goes_on(world, shelter) -> None:
    caseworker = world.actor("caseworker")
    staff = world.actor("shelter_staff", "other")
    # A minor referred under the court order: a consent withdrawn later does not touch that referral.
    by_order = _accepted_shelter_referral(world)
    _admit(world, shelter, by_order)
    consent = cases.consent_record(
        actor=caseworker,
        case_id=by_order.case_id,
        scopes=["referral"],
        referral_services=["shelter"],
        given_by="guardian",
        giver_name="Madre",
        given_on=timezone.localdate(),
    )
    cases.consent_withdraw(actor=caseworker, consent_id=consent.pk, reason="La madre retira su consentimiento")
    assert Referral.objects.get(pk=by_order.pk).status == ReferralStatus.ACCEPTED

    # A minor referred on the guardian's consent: the withdrawal takes effect at once (it cannot be refused),
    # the referral ends, and the placement under its court order stays until the shelter records the discharge.
    person = make_person(caseworker, given="Rosa", surnames="Tzul", age_min=13, age_max=14, gender="Feminine")
    case = cases.case_open(actor=caseworker, person_id=person.pk)
    consent = cases.consent_record(
        actor=caseworker,
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["shelter"],
        given_by="guardian",
        giver_name="Tía",
        given_on=timezone.localdate(),
    )
    by_consent = services.referral_send(
        actor=caseworker,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="shelter",
        legal_basis="consent",
        shared_sections=["identity"],
    )
    services.referral_respond(actor=staff, referral_id=by_consent.pk, accept=True)
    shelter.beds.filter(category="girls").update(beds=2)
    placement = _admit(world, shelter, by_consent)
    cases.consent_withdraw(actor=caseworker, consent_id=consent.pk, reason="La tía retira su consentimiento")
    assert Referral.objects.get(pk=by_consent.pk).status == ReferralStatus.ENDED
    assert Placement.objects.get(pk=placement.pk).discharged_at is None
    client = login(Client(), world.user("shelter_staff", "other"))
    page = client.get(f"/referrals/shelters/{shelter.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert case.number in content and "Rosa" not in content  # the stay and its order, not the identity
    response = client.post(f"/referrals/placements/{placement.pk}/discharge/", {"destination": "family"})
    assert response.status_code == 302
    assert Placement.objects.get(pk=placement.pk).discharged_at is not None


@pytest.mark.django_db
def test_an_empty_post_shows_what_is_missing(world, shelter, english) -> None:
    actor = world.actor("caseworker")
    case = cases.case_open(actor=actor, person_id=make_person(actor).pk)
    response = login(Client(), world.user("caseworker")).post(f"/referrals/new/{case.pk}/", {})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"service_type", "to_org", "legal_basis", "shared_sections"} <= set(errors)
    page = response.content.decode()
    assert "Please correct the fields marked below. Nothing was saved." in page
    assert "This field is required." in page
    assert not Referral.objects.filter(case=case).exists()

    referral = _accepted_shelter_referral(world)  # the admission form, posted empty, says the same
    response = login(Client(), world.user("shelter_staff", "other")).post(f"/referrals/{referral.pk}/admit/", {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_discharge_errors_go_back_to_the_shelter_page(world, shelter, english) -> None:
    placement = _admit(world, shelter, _accepted_shelter_referral(world))
    client = login(Client(), world.user("shelter_staff", "other"))
    url = f"/referrals/placements/{placement.pk}/discharge/"
    page = f"/referrals/shelters/{shelter.pk}/"
    for destination, message in (("", "Choose where the person goes."), ("family", "Discharged.")):
        response = client.post(url, {"destination": destination}, follow=True)
        assert response.redirect_chain == [(page, 302)] and response.status_code == 200
        assert [str(m) for m in response.context["messages"]] == [message]
    response = client.post(url, {"destination": "family"}, follow=True)  # twice: refused, on the shelter's page
    assert response.redirect_chain == [(page, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Already discharged."]
    # Another institution's placement does not exist for this user, whatever is posted.
    other = login(Client(), world.user("shelter_staff"))
    assert other.post(url, {"destination": "family"}).status_code == 404
    assert other.post(url, {"destination": ""}).status_code == 404
    with pytest.raises(NotFound):
        shelter_services.placement_discharge(
            actor=world.actor("shelter_staff"), placement_id=placement.pk, destination="family"
        )


@pytest.mark.django_db
def test_demo_referral_and_placement_dates_follow_one_another_and_none_is_in_the_future() -> None:
    call_command("demo_data", persons=200, seed=7, verbosity=0)
    now = timezone.now()
    referrals = list(Referral.objects.select_related("case"))
    assert len(referrals) > 10
    for r in referrals:
        assert r.sent_at <= now
        assert r.sent_at >= r.case.opened_at
        if r.responded_at:
            assert r.sent_at <= r.responded_at <= now
        if r.closed_at:
            assert (r.responded_at or r.sent_at) <= r.closed_at <= now
    # Not everything "sent today": the demo spans months.
    assert min(r.sent_at for r in referrals) < now - datetime.timedelta(days=30)
    placements = list(Placement.objects.filter(referral__in=referrals).select_related("referral"))
    assert placements
    for p in placements:
        assert p.referral.sent_at <= p.admitted_at <= now
        if p.discharged_at:
            assert p.admitted_at <= p.discharged_at <= now
    # A closed case has no referral still awaiting an answer or accepted (closing it would be refused).
    assert not Referral.objects.filter(case__status="closed", status__in=["sent", "accepted"]).exists()
