"""What a step records (its note, the reason it did not apply, its evidence file) is need-to-know: the case
team, the institution responsible for the step (or that recorded it) and the parties the protocol names
for that step's records see it; the other parties see only that the step was done, when and by whom."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound
from amparo.repatriation import selectors
from amparo.repatriation.models import Repatriation, RepatriationStep
from tests.conftest import login

from .helpers import case_for, complete, current_code, member, start

INTERVIEW_NOTE = "Pasaporte vencido n.º 77123; vive con su tía en Tapachula"
ASSESSMENT_NOTE = "Informe del interés superior: riesgo alto en el hogar"


@pytest.fixture
def minor_at_family_assessment(world: Any, settings: Any, tmp_path: Any) -> Repatriation:
    """A child returning from Mexico: the consulate interviewed her (with a file), PGN assessed her best
    interest (with a file); now SBS (the other institution) assesses the family."""
    settings.AMPARO_ATTACHMENTS_DIR = tmp_path
    consul = member("consulado-tapachula", "consular_officer")
    pgn = member("pgn", "pgn_attorney")
    repatriation = start(world, case_for(world, minor=True))
    complete(consul, repatriation, "consular_interview", note=INTERVIEW_NOTE, file_name="acta.txt", file_data=b"Acta")
    complete(consul, repatriation, "travel_document", note="Documento de viaje n.º 5521")
    complete(member("minex", "consular_officer"), repatriation, "minex_coordination")
    complete(pgn, repatriation, "best_interest", note=ASSESSMENT_NOTE, file_name="informe.txt", file_data=b"Informe")
    assert current_code(repatriation) == "family_assessment"
    return repatriation


def _step(repatriation: Repatriation, code: str) -> RepatriationStep:
    return repatriation.steps.get(code=code)


def _file_url(repatriation: Repatriation, code: str) -> str:
    return f"/repatriations/{repatriation.pk}/files/{_step(repatriation, code).pk}/"


def _client(user: Any) -> Client:
    return login(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def _notes(actor: Any, repatriation: Repatriation) -> dict[str, str | None]:
    view = selectors.repatriation_get_for_view(actor=actor, repatriation_id=repatriation.pk)
    return {row.step.code: row.step.note for row in view.steps if row.step.done_at}


@pytest.mark.django_db
def test_each_party_sees_the_records_it_needs(world, minor_at_family_assessment) -> None:
    repatriation = minor_at_family_assessment
    team = world.actor("caseworker")
    assert _notes(team, repatriation) == {
        "consular_interview": INTERVIEW_NOTE,
        "travel_document": "Documento de viaje n.º 5521",
        "minex_coordination": "Hecho según el protocolo",
        "best_interest": ASSESSMENT_NOTE,
    }
    # SBS assesses the family: it reads PGN's best-interest assessment and the accompaniment notice, not the
    # consular interview or the travel document.
    sbs = world.actor("caseworker", "other")
    assert _notes(sbs, repatriation) == {
        "consular_interview": None,
        "travel_document": None,
        "minex_coordination": "Hecho según el protocolo",
        "best_interest": ASSESSMENT_NOTE,
    }
    # DGM checks the travel document at the border; it does not read the child's assessment.
    dgm = member("dgm")
    notes = _notes(dgm, repatriation)
    assert notes["travel_document"] == "Documento de viaje n.º 5521"
    assert notes["consular_interview"] is None and notes["best_interest"] is None
    # The consulate sees its own records, not PGN's assessment.
    consul = member("consulado-tapachula", "consular_officer", "consul-2")
    notes = _notes(consul, repatriation)
    assert notes["consular_interview"] == INTERVIEW_NOTE and notes["best_interest"] is None
    # The Ombudsman takes part (monitoring) and reads none of it.
    pdh = member("pdh")
    assert set(_notes(pdh, repatriation).values()) <= {None}


@pytest.mark.django_db
def test_the_screen_and_the_api_withhold_what_a_party_does_not_need(world, minor_at_family_assessment) -> None:
    repatriation = minor_at_family_assessment
    sbs = _client(world.user("caseworker", "other"))
    page = sbs.get(f"/repatriations/{repatriation.pk}/").content.decode()
    assert ASSESSMENT_NOTE in page and _file_url(repatriation, "best_interest") in page
    assert "77123" not in page and _file_url(repatriation, "consular_interview") not in page
    assert "acta.txt" not in page
    assert "seen only by the case team and the institutions that need it" in page
    steps = {s["code"]: s for s in sbs.get(f"/api/v1/repatriations/{repatriation.pk}/").json()["steps"]}
    assert steps["consular_interview"]["note"] is None and steps["consular_interview"]["records_visible"] is False
    assert steps["consular_interview"]["evidence"] == ["identity_verified", "wish_to_return"]  # that it was done
    assert steps["consular_interview"]["done_by_org"] == "consulado-tapachula"
    assert steps["best_interest"]["note"] == ASSESSMENT_NOTE and steps["best_interest"]["records_visible"] is True
    team_page = _client(world.user("caseworker")).get(f"/repatriations/{repatriation.pk}/").content.decode()
    assert "77123" in team_page and ASSESSMENT_NOTE in team_page
    assert _file_url(repatriation, "consular_interview") in team_page
    assert "seen only by the case team" not in team_page


@pytest.mark.django_db
def test_evidence_files_download_only_for_those_who_need_them(world, minor_at_family_assessment) -> None:
    repatriation = minor_at_family_assessment
    interview, assessment = _file_url(repatriation, "consular_interview"), _file_url(repatriation, "best_interest")
    allowed = [
        (world.user("caseworker"), interview, b"Acta"),  # the case team: everything
        (world.user("supervisor"), assessment, b"Informe"),
        (member("consulado-tapachula", "consular_officer", "consul-2").user, interview, b"Acta"),  # its own
        (member("pgn", "pgn_attorney", "pgn-2").user, assessment, b"Informe"),  # its own
        (world.user("caseworker", "other"), assessment, b"Informe"),  # SBS assesses the family next
        (member("minex", "consular_officer", "minex-2").user, interview, b"Acta"),  # MINEX coordinates the return
    ]
    for user, url, content in allowed:
        response = _client(user).get(url)
        assert response.status_code == 200 and response.content == content, (user.username, url)
    downloads = AuditEvent.objects.filter(action="repatriation.attachment_downloaded").count()
    assert downloads == len(allowed)
    denied = [
        (world.user("caseworker", "other"), interview),  # a party, but not of the consular interview
        (member("dgm").user, interview),
        (member("dgm", username="dgm-2").user, assessment),
        (member("consulado-tapachula", "consular_officer", "consul-3").user, assessment),
        (member("pdh").user, assessment),
        (world.user("shelter_staff", "other"), interview),
    ]
    for user, url in denied:
        assert _client(user).get(url).status_code == 404, (user.username, url)
    assert AuditEvent.objects.filter(action="repatriation.attachment_downloaded").count() == downloads
    with pytest.raises(NotFound):
        selectors.step_attachment(
            actor=world.actor("caseworker", "other"),
            repatriation_id=repatriation.pk,
            step_id=_step(repatriation, "consular_interview").pk,
        )
