"""Screens and API of repatriations: the same services and checks, seen through HTTP."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from amparo.audit.models import AuditEvent
from amparo.referrals import services as referrals
from amparo.referrals.models import ServiceOffer
from amparo.repatriation.models import Repatriation, RepatriationStatus, RepatriationStep, StepState
from tests.conftest import login

from .helpers import case_for, complete, current_code, member, org, start


@pytest.fixture
def settings_files(settings, tmp_path):
    settings.AMPARO_ATTACHMENTS_DIR = tmp_path
    return settings


@pytest.mark.django_db
def test_start_from_the_case_page(world, client_for) -> None:
    case = case_for(world, minor=True)
    client = client_for("caseworker")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/repatriations/new/{case.pk}/" in page
    form = client.get(f"/repatriations/new/{case.pk}/")
    assert form.status_code == 200 and "best-interest assessment" in form.content.decode()
    bad = client.post(f"/repatriations/new/{case.pk}/", {"track": "national", "country": "MX"})
    assert bad.status_code == 400 and not Repatriation.objects.exists()
    response = client.post(
        f"/repatriations/new/{case.pk}/",
        {
            "track": "national",
            "country": "MX",
            "consulate": org("consulado-tapachula").pk,
            "receiving": org("sbs").pk,
        },
    )
    repatriation = Repatriation.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == f"/repatriations/{repatriation.pk}/"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/repatriations/{repatriation.pk}/" in page and f"/repatriations/new/{case.pk}/" not in page


@pytest.mark.django_db
def test_detail_shows_the_timeline_and_the_team_acts(world, client_for) -> None:
    repatriation = start(world, case_for(world, minor=False))
    client = client_for("caseworker")
    page = client.get(f"/repatriations/{repatriation.pk}/").content.decode()
    assert "Consular identification and interview" in page and "Consulado de Guatemala en Tapachula" in page
    assert f"/repatriations/{repatriation.pk}/steps/consular_interview/" in page
    assert f"/cases/{repatriation.case_id}/" in page  # the team reaches the case
    # Out of order on the screen: a clear message, nothing saved.
    response = client.post(
        f"/repatriations/{repatriation.pk}/steps/travel_document/",
        {"evidence": ["travel_document_issued"], "note": "Pasaporte"},
    )
    assert response.status_code == 400 and "comes first" in response.content.decode()
    assert repatriation.steps.get(code="travel_document").state == StepState.PENDING
    response = client.post(
        f"/repatriations/{repatriation.pk}/steps/consular_interview/",
        {"evidence": ["identity_verified", "wish_to_return"], "note": "Entrevista en el consulado"},
    )
    assert response.status_code == 302
    assert current_code(repatriation) == "travel_document"
    # Mandatory steps offer no "not applicable"; asking anyway is refused.
    response = client.post(f"/repatriations/{repatriation.pk}/steps/travel_document/not-applicable/", {"reason": "No"})
    assert response.status_code == 400 and "mandatory" in response.content.decode()


@pytest.mark.django_db
def test_a_participant_sees_steps_and_minimum_case_data_only(world, client_for) -> None:
    repatriation = start(world, case_for(world, minor=True, nationality="GT"))
    complete(world.actor("caseworker"), repatriation, "consular_interview", note="Nota del paso")
    consul = member("consulado-tapachula", "consular_officer")
    client = login(Client(HTTP_ACCEPT_LANGUAGE="en"), consul.user)
    page = client.get(f"/repatriations/{repatriation.pk}/").content.decode()
    case = repatriation.case
    assert case.number in page and "Nota del paso" in page and "Guatemala" in page
    assert case.person.given_names not in page and case.person.surnames not in page
    assert f"/cases/{case.pk}/" not in page
    assert client.get(f"/cases/{case.pk}/").status_code == 404  # no access to the case itself
    data = client.get(f"/api/v1/repatriations/{repatriation.pk}/").json()
    assert set(data) >= {"case_number", "age_group", "nationality", "steps"}
    assert "person" not in str(data) and case.person.given_names not in str(data)
    assert AuditEvent.objects.filter(
        action="repatriation.view_as_participant", target_id=str(repatriation.pk), actor_id=consul.user.pk
    ).exists()


@pytest.mark.django_db
def test_a_participant_with_a_referral_reaches_the_shared_sections(world, client_for) -> None:
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    case = case_for(world, minor=True)
    repatriation = start(world, case, receiving="sbs")
    referral = referrals.referral_send(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="court_order",
        order_reference="Juzgado 1",
        shared_sections=["identity"],
    )
    page = client_for("caseworker", "other").get(f"/repatriations/{repatriation.pk}/").content.decode()
    assert f"/referrals/{referral.pk}/" in page


@pytest.mark.django_db
def test_hand_over_screen_is_for_the_receiving_side(world, client_for) -> None:
    repatriation = start(world, case_for(world, minor=False), receiving="sbs")
    while current_code(repatriation) != "handover":
        complete(world.actor("caseworker"), repatriation, current_code(repatriation))
    assert client_for("caseworker").get(f"/repatriations/{repatriation.pk}/handover/").status_code == 403
    sbs = client_for("shelter_staff", "other")
    page = sbs.get(f"/repatriations/{repatriation.pk}/").content.decode()
    assert f"/repatriations/{repatriation.pk}/handover/" in page
    response = sbs.post(
        f"/repatriations/{repatriation.pk}/handover/",
        {"destination": "family", "evidence": ["handover_record"], "note": "Recibida en el puerto"},
    )
    assert response.status_code == 302
    assert Repatriation.objects.get(pk=repatriation.pk).status == RepatriationStatus.COMPLETED


@pytest.mark.django_db
def test_evidence_file_is_encrypted_and_downloadable_by_the_parties(world, settings_files) -> None:
    consul = member("consulado-tapachula", "consular_officer")
    repatriation = start(world, case_for(world, minor=False))
    client = login(Client(HTTP_ACCEPT_LANGUAGE="en"), consul.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("acta.txt", b"Acta de entrevista consular", content_type="text/plain")
    response = client.post(
        f"/repatriations/{repatriation.pk}/steps/consular_interview/",
        {"evidence": ["identity_verified", "wish_to_return"], "note": "Entrevista", "file": upload},
    )
    assert response.status_code == 302
    step = RepatriationStep.objects.get(repatriation=repatriation, code="consular_interview")
    assert step.attachment is not None and step.attachment.case_id == repatriation.case_id
    stored = (settings_files.AMPARO_ATTACHMENTS_DIR / f"{step.attachment.pk}.bin").read_bytes()
    assert b"Acta de entrevista" not in stored
    download = client.get(f"/repatriations/{repatriation.pk}/files/{step.pk}/")
    assert download.status_code == 200 and download.content == b"Acta de entrevista consular"
    other = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.user("caseworker", "other"))
    assert other.get(f"/repatriations/{repatriation.pk}/files/{step.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="repatriation.attachment_downloaded").count() == 1
    bad = SimpleUploadedFile("acta.pdf", b"no es un pdf", content_type="application/pdf")
    response = client.post(
        f"/repatriations/{repatriation.pk}/steps/travel_document/",
        {"evidence": ["travel_document_issued"], "note": "Pasaporte", "file": bad},
    )
    assert response.status_code == 400 and current_code(repatriation) == "travel_document"


@pytest.mark.django_db
def test_list_shows_own_and_participating_repatriations_with_overdue(world, client_for) -> None:
    own = start(world, case_for(world, minor=True))
    RepatriationStep.objects.filter(repatriation=own, state="current").update(
        due_date=datetime.date.today() - datetime.timedelta(days=3)
    )
    page = client_for("caseworker").get("/repatriations/").content.decode()
    assert own.case.number in page and "Overdue" in page and "Case team" in page
    # SBS takes part in minors' repatriations: it lists it as a participant.
    sbs_page = client_for("caseworker", "other").get("/repatriations/").content.decode()
    assert own.case.number in sbs_page and "Participating institution" in sbs_page
    assert "?overdue=on" not in page
    filtered = client_for("caseworker").get("/repatriations/?overdue=on").content.decode()
    assert own.case.number in filtered


@pytest.mark.django_db
def test_api_list_detail_and_complete(world, client_for) -> None:
    repatriation = start(world, case_for(world, minor=False))
    client = client_for("caseworker")
    listing = client.get("/api/v1/repatriations/").json()
    assert listing["results"][0]["id"] == str(repatriation.pk)
    assert listing["results"][0]["current_step"] == "consular_interview"
    assert listing["results"][0]["current_responsible"] == "consulado-tapachula"
    url = f"/api/v1/repatriations/{repatriation.pk}/steps/"
    out_of_order = client.post(
        url + "travel_document/complete/",
        {"evidence": ["travel_document_issued"], "note": "x"},
        content_type="application/json",
    )
    assert out_of_order.status_code == 400
    assert "comes first" in str(out_of_order.json())
    done = client.post(
        url + "consular_interview/complete/",
        {"evidence": ["identity_verified", "wish_to_return"], "note": "Entrevista"},
        content_type="application/json",
    )
    assert done.status_code == 200
    steps = {s["code"]: s for s in done.json()["steps"]}
    assert steps["consular_interview"]["state"] == "done"
    assert steps["travel_document"]["state"] == "current" and steps["travel_document"]["due_is_estimate"] is False
    assert steps["handover"]["state"] == "pending" and steps["handover"]["due_is_estimate"] is True
    other = client_for("caseworker", "other")
    assert other.get(f"/api/v1/repatriations/{repatriation.pk}/").status_code == 404
    assert other.post(url + "travel_document/complete/", {}, content_type="application/json").status_code == 404
    assert client_for("statistician").get("/api/v1/repatriations/").status_code == 403


@pytest.mark.django_db
def test_api_parties_are_keyed_by_role_code_in_every_language(world, client_for) -> None:
    """An API client reads the parties by a stable key, not by a label that changes with the language."""
    repatriation = start(world, case_for(world, minor=False))
    url = f"/api/v1/repatriations/{repatriation.pk}/"
    english = client_for("caseworker").get(url).json()["parties"]
    spanish = client_for("caseworker").get(url, HTTP_ACCEPT_LANGUAGE="es").json()["parties"]
    assert english == spanish
    assert english["consulate"] == org("consulado-tapachula").name
    assert english["receiving"] == org("sobrevivientes").name
    assert set(english) == set(repatriation.parties.values_list("role", flat=True))
