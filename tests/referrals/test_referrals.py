from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from amparo.accounts.decorators import REAUTH_SESSION_KEY
from amparo.audit.models import AuditEvent
from amparo.cases import services as cases
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.referrals import services
from amparo.referrals.models import ReferralStatus, ServiceOffer
from tests.conftest import login, make_person

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _sbs_serves_adults_too(world) -> None:
    """The seed directory has SBS's psychological care for children only; these tests refer adults there."""
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)


def _case(world, **person):
    actor = world.actor("caseworker")
    p = make_person(actor, **person)
    return cases.case_open(actor=actor, person_id=p.pk)


def _adult(world):
    return _case(world, date_of_birth=TODAY.replace(year=TODAY.year - 24))


def _minor(world):
    return _case(world, age_min=14, age_max=15)


def _consent(world, case, services_=("psychological",)):
    return cases.consent_record(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        scopes=["referral"],
        referral_services=list(services_),
        given_by="guardian" if case.minor_protocol else "person",
        giver_name="Madre",
        given_on=TODAY,
    )


def _send(world, case, **kwargs):
    params = {
        "to_org_id": world.other.pk,
        "service_type": "psychological",
        "legal_basis": "consent",
        "shared_sections": ["identity"],
    }
    params.update(kwargs)
    return services.referral_send(actor=world.actor(kwargs.pop("role", "caseworker")), case_id=case.pk, **params)


def _assert_access_ended(client, referral) -> None:
    """The receiver keeps the referral's own record, with a clear notice, and none of the case."""
    response = client.get(f"/referrals/{referral.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="access-ended"' in page
    assert "Valeria" not in page and "Jiménez" not in page  # the shared identity is gone
    api = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert api["sections"] == {} and api["access_ended"] is True
    assert client.get(f"/referrals/{referral.pk}/admit/").status_code in (403, 404)


# --- legal basis ---


@pytest.mark.django_db
def test_referral_needs_a_consent_covering_the_service(world) -> None:
    case = _adult(world)
    with pytest.raises(ValidationFailed) as exc:
        _send(world, case)
    assert "legal_basis" in exc.value.errors
    _consent(world, case, services_=("legal",))
    with pytest.raises(ValidationFailed):  # consent for another service
        _send(world, case)
    consent = _consent(world, case)
    referral = _send(world, case)
    assert referral.consent == consent and referral.status == ReferralStatus.SENT


@pytest.mark.django_db
def test_protection_orders_are_a_basis_only_for_minors(world) -> None:
    adult, minor = _adult(world), _minor(world)
    with pytest.raises(ValidationFailed) as exc:
        _send(world, adult, legal_basis="court_order", order_reference="Juzgado 1")
    assert "legal_basis" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        _send(world, minor, legal_basis="court_order", service_type="shelter")
    assert "order_reference" in exc.value.errors
    referral = _send(
        world,
        minor,
        legal_basis="court_order",
        service_type="shelter",
        order_reference="Juzgado de Niñez, expediente 01-2026-88",
    )
    assert referral.order_reference.startswith("Juzgado")


@pytest.mark.django_db
def test_override_only_by_a_supervisor_with_a_reason_and_audited(world) -> None:
    case = _adult(world)
    with pytest.raises(ValidationFailed) as exc:
        _send(world, case, legal_basis="override", override_reason="Riesgo inminente")
    assert "legal_basis" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.referral_send(
            actor=world.actor("supervisor"),
            case_id=case.pk,
            to_org_id=world.other.pk,
            service_type="psychological",
            legal_basis="override",
            shared_sections=["identity"],
        )
    assert "override_reason" in exc.value.errors
    referral = services.referral_send(
        actor=world.actor("supervisor"),
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="override",
        shared_sections=["identity"],
        override_reason="Riesgo inminente",
    )
    assert AuditEvent.objects.filter(action="referral.override", target_id=str(referral.pk)).exists()


@pytest.mark.django_db
def test_receiver_must_offer_the_service_and_sender_must_see_the_case(world) -> None:
    case = _adult(world)
    _consent(world, case, services_=("repatriation",))
    with pytest.raises(ValidationFailed) as exc:  # SBS offers no repatriation
        _send(world, case, service_type="repatriation")
    assert "to_org" in exc.value.errors
    with pytest.raises(NotFound):
        services.referral_send(
            actor=world.actor("caseworker", "other"),
            case_id=case.pk,
            to_org_id=world.home.pk,
            service_type="psychological",
            legal_basis="consent",
            shared_sections=["identity"],
        )
    with pytest.raises(PermissionDenied):
        services.referral_send(
            actor=world.actor("statistician"),
            case_id=case.pk,
            to_org_id=world.other.pk,
            service_type="psychological",
            legal_basis="consent",
            shared_sections=["identity"],
        )


# --- minimum necessary sharing and the life of the access ---


@pytest.mark.django_db
def test_receiver_sees_only_shared_sections_everywhere(world, settings, tmp_path) -> None:
    settings.AMPARO_ATTACHMENTS_DIR = tmp_path
    case = _adult(world)
    owner = world.actor("caseworker")
    cases.note_add(actor=owner, case_id=case.pk, body="Nota confidencial Zxq")
    attachment = cases.attachment_add(actor=owner, case_id=case.pk, filename="acta.txt", data=b"Acta Zxq")
    _consent(world, case)
    referral = _send(world, case)
    receiver = login(Client(), world.user("caseworker", "other"))
    page = receiver.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200 and "Valeria" in page.content.decode()
    assert "Zxq" not in page.content.decode() and "acta.txt" not in page.content.decode()
    api = receiver.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert set(api["sections"]) == {"identity"} and "Zxq" not in str(api)
    assert receiver.get(f"/referrals/{referral.pk}/attachments/{attachment.pk}/").status_code == 404
    assert receiver.get(f"/cases/{case.pk}/").status_code == 404
    assert receiver.get(f"/cases/attachments/{attachment.pk}/").status_code == 404
    assert receiver.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert receiver.get(f"/persons/{case.person_id}/").status_code == 404
    # Shared attachments are reachable, through the referral only (a new referral, the first one closed:
    # one open referral per service and institution).
    services.referral_cancel(actor=owner, referral_id=referral.pk)
    shared = _send(world, case, shared_sections=["identity", "attachments", "notes"])
    assert receiver.get(f"/referrals/{shared.pk}/attachments/{attachment.pk}/").content == b"Acta Zxq"
    assert "Zxq" in receiver.get(f"/referrals/{shared.pk}/").content.decode()
    # A third institution sees nothing.
    from amparo.organizations.models import Organization
    from tests.factories import MembershipFactory, TOTPDeviceFactory

    third = MembershipFactory(organization=Organization.objects.get(code="pgn"), role="caseworker").user
    TOTPDeviceFactory(user=third)
    assert login(Client(), third).get(f"/referrals/{referral.pk}/").status_code == 404


@pytest.mark.django_db
def test_answer_outcome_and_end_of_access(world) -> None:
    case = _adult(world)
    _consent(world, case)
    referral = _send(world, case)
    receiver_actor = world.actor("caseworker", "other")
    with pytest.raises(ValidationFailed):  # declining needs a reason
        services.referral_respond(actor=receiver_actor, referral_id=referral.pk, accept=False)
    with pytest.raises(NotFound):  # the sender cannot answer its own referral
        services.referral_respond(actor=world.actor("caseworker"), referral_id=referral.pk, accept=True)
    services.referral_respond(actor=receiver_actor, referral_id=referral.pk, accept=True)
    services.referral_complete(actor=receiver_actor, referral_id=referral.pk, outcome="Terapia iniciada; 8 sesiones")
    receiver = login(Client(), world.user("caseworker", "other"))
    _assert_access_ended(receiver, referral)  # access to the case ended with the referral
    assert "Terapia iniciada" in receiver.get(f"/referrals/{referral.pk}/").content.decode()  # its own outcome
    sender = login(Client(), world.user("caseworker"))
    page = sender.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Terapia iniciada" in page and "Valeria" in page


@pytest.mark.django_db
def test_consent_withdrawal_ends_the_receivers_access_at_once(world) -> None:
    case = _adult(world)
    consent = _consent(world, case)
    referral = _send(world, case)
    services.referral_respond(actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=True)
    receiver = login(Client(), world.user("caseworker", "other"))
    assert receiver.get(f"/referrals/{referral.pk}/").status_code == 200
    cases.consent_withdraw(actor=world.actor("caseworker"), consent_id=consent.pk, reason="Ya no desea")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENDED
    _assert_access_ended(receiver, referral)


@pytest.mark.django_db
def test_sender_cancels_and_receiver_loses_access(world) -> None:
    case = _adult(world)
    _consent(world, case)
    referral = _send(world, case)
    services.referral_cancel(actor=world.actor("caseworker"), referral_id=referral.pk)
    _assert_access_ended(login(Client(), world.user("caseworker", "other")), referral)


@pytest.mark.django_db
def test_referral_form_pdf_needs_reauthentication_and_is_audited(world) -> None:
    case = _adult(world)
    _consent(world, case)
    referral = _send(world, case)
    client = login(Client(), world.user("caseworker"))
    assert client.get(f"/referrals/{referral.pk}/pdf/").status_code == 302  # to re-authentication
    session = client.session
    session[REAUTH_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    pdf = client.get(f"/referrals/{referral.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="referral.pdf_exported").exists()


@pytest.mark.django_db
def test_send_form_refuses_bad_input_with_clear_errors(world) -> None:
    case = _adult(world)
    client = login(Client(), world.user("caseworker"))
    response = client.post(
        f"/referrals/new/{case.pk}/",
        {
            "service_type": "psychological",
            "to_org": world.other.pk,
            "legal_basis": "consent",
            "shared_sections": ["identity"],
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["legal_basis"]
    from amparo.referrals.models import Referral

    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_directory_search(world) -> None:
    client = login(Client(), world.user("caseworker"))
    page = client.get("/referrals/directory/", {"service_type": "shelter", "age": 15})
    names = {o.organization.code for o in page.context["offers"]}
    assert {"sbs", "casa-alianza"} <= names and "dgm" not in names  # DGM's shelter is for adults


@pytest.mark.django_db
def test_the_same_referral_cannot_be_open_twice(world) -> None:
    case = _adult(world)
    _consent(world, case)
    first = _send(world, case)
    with pytest.raises(ValidationFailed) as exc:
        _send(world, case)
    assert "to_org" in exc.value.errors
    services.referral_cancel(actor=world.actor("caseworker"), referral_id=first.pk)
    _send(world, case)  # once the first is closed, a new one may go


@pytest.mark.django_db
def test_the_directory_shows_labels_not_codes(world) -> None:
    offer = ServiceOffer.objects.filter(organization=world.other).first()
    assert offer is not None
    ServiceOffer.objects.filter(pk=offer.pk).update(
        min_age=18, max_age=None, sexes=["Feminine", "TransgenderFeminine"], departments=["01", "03"]
    )
    page = login(Client(), world.user("caseworker")).get("/referrals/directory/").content.decode()
    assert "Feminine, TransgenderFeminine" not in page and "18–+" not in page
    offer.refresh_from_db()
    assert offer.departments_display() == "Guatemala, Sacatepéquez"
    assert offer.ages_display() in page and offer.sexes_display() in page


@pytest.mark.django_db
def test_referral_form_pdf_names_the_nationalities(world, english) -> None:
    """The form prints what the screen shows: country names, not their codes."""
    import io

    import pypdf

    from amparo.referrals.pdf import referral_pdf
    from amparo.referrals.selectors import referral_get_for_view

    case = _case(world, date_of_birth=TODAY.replace(year=TODAY.year - 24), nationalities=["HN", "GT"])
    _consent(world, case)
    referral = _send(world, case)
    view = referral_get_for_view(actor=world.actor("caseworker"), referral_id=referral.pk)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(referral_pdf(view))).pages)
    assert "Honduras" in text and "Guatemala" in text
    assert "HN" not in text.replace("HONDURAS", "")
