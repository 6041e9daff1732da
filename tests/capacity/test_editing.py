"""Fixes from the second audit: editing trainings and participants, the plan's year box and its forms' ids."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from amparo.audit.models import AuditEvent
from amparo.capacity import services
from amparo.capacity.models import Participant, Training
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from tests.conftest import login

pytestmark = pytest.mark.django_db

D = datetime.date

BASE = services.TrainingInput(
    title="Trata de personas: marco legal",
    start_date=D(2011, 5, 2),
    end_date=D(2011, 5, 3),
    topics=["legal_framework"],
    target_groups=["judges"],
    planned_participants=30,
)


def _training(actor) -> Training:
    return services.training_create(actor=actor, data=BASE)


def _participant(actor, training: Training, **kwargs) -> Participant:
    data = {"role": "police", "institution_other": "PNC", "name": "Agente Pérez", "pre_score": 40, "post_score": 70}
    data.update(kwargs)
    return services.participant_add(actor=actor, training_id=training.pk, data=services.ParticipantInput(**data))


def _raw_names() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM capacity_participant")
        return str(cursor.fetchall())


def _details() -> str:
    return str(list(AuditEvent.objects.values_list("details", flat=True)))


# --- the services ---


def test_training_update_changes_the_training_and_audits_the_fields(world) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    data = replace(BASE, title="Marco legal (2.ª edición)", planned_participants=45, co_organizer_ids=[world.other.pk])
    services.training_update(actor=sup, training_id=training.pk, data=data)
    training.refresh_from_db()
    assert training.title == "Marco legal (2.ª edición)" and training.planned_participants == 45
    assert list(training.co_organizers.all()) == [world.other]
    event = AuditEvent.objects.get(action="training.updated")
    assert event.target_id == str(training.pk)
    assert sorted(event.details["fields"]) == ["co_organizers", "planned_participants", "title"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"end_date": D(2011, 4, 1)}, "end_date"),
        ({"end_date": D(2013, 1, 1)}, "end_date"),
        ({"topics": []}, "topics"),
        ({"target_groups": ["astronauts"]}, "target_groups"),
        ({"department": "99"}, "department"),
        ({"planned_participants": -1}, "planned_participants"),
        ({"co_organizer_ids": [999_999]}, "co_organizers"),
    ],
)
def test_training_update_has_the_rules_of_creation_and_saves_nothing_on_bad_input(world, changes, field) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    with pytest.raises(ValidationFailed) as exc:
        services.training_update(actor=sup, training_id=training.pk, data=replace(BASE, **changes))
    assert field in exc.value.errors
    training.refresh_from_db()
    assert (training.title, training.end_date) == (BASE.title, BASE.end_date)
    assert training.topics == ["legal_framework"] and training.planned_participants == 30
    assert not AuditEvent.objects.filter(action="training.updated").exists()


def test_a_training_with_participants_cannot_move_into_the_future(world) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    _participant(sup, training)
    later = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationFailed) as exc:
        services.training_update(
            actor=sup, training_id=training.pk, data=replace(BASE, start_date=later, end_date=later)
        )
    assert exc.value.errors["start_date"] == [
        "Participants are already recorded: the training cannot start after today."
    ]
    training.refresh_from_db()
    assert training.start_date == BASE.start_date


def test_only_the_organizing_institutions_managers_edit(world) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    participant = _participant(sup, training)
    data = services.ParticipantInput(role="judges", institution_other="OJ")
    for actor, error in (
        (world.actor("supervisor", "other"), NotFound),
        (world.actor("statistician"), PermissionDenied),
    ):
        with pytest.raises(error):
            services.training_update(actor=actor, training_id=training.pk, data=replace(BASE, title="X"))
        with pytest.raises(error):
            services.participant_update(actor=actor, training_id=training.pk, participant_id=participant.pk, data=data)
    # a participant reached through another training of the institution is not found either
    second = _training(sup)
    with pytest.raises(NotFound):
        services.participant_update(actor=sup, training_id=second.pk, participant_id=participant.pk, data=data)
    training.refresh_from_db()
    participant.refresh_from_db()
    assert training.title == BASE.title and participant.role == "police"


def test_participant_update_keeps_the_name_encrypted_and_out_of_the_audit(world) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    participant = _participant(sup, training)
    data = services.ParticipantInput(
        role="judges", sex="F", institution_id=world.other.pk, name="Jueza Xiloj", pre_score=50, post_score=90
    )
    services.participant_update(actor=sup, training_id=training.pk, participant_id=participant.pk, data=data)
    participant = Participant.objects.get(pk=participant.pk)
    assert (participant.role, participant.sex, participant.institution, participant.name) == (
        "judges",
        "F",
        world.other,
        "Jueza Xiloj",
    )
    assert (participant.pre_score, participant.post_score) == (50, 90)
    assert "Xiloj" not in _raw_names() and "Pérez" not in _raw_names()
    assert "Xiloj" not in _details() and "Pérez" not in _details()
    event = AuditEvent.objects.get(action="training.participant_updated")
    assert sorted(event.details["fields"]) == [
        "institution",
        "institution_other",
        "name",
        "post_score",
        "pre_score",
        "role",
        "sex",
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "astronauts"}, "role"),
        ({"sex": "X"}, "sex"),
        ({"institution_other": " "}, "institution"),
        ({"institution_id": 999_999}, "institution"),
        ({"pre_score": 101}, "pre_score"),
        ({"attended": False, "post_score": 80}, "post_score"),
    ],
)
def test_participant_update_has_the_rules_of_adding(world, kwargs, field) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    participant = _participant(sup, training)
    data = {"role": "police", "institution_other": "PNC", **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.participant_update(
            actor=sup, training_id=training.pk, participant_id=participant.pk, data=services.ParticipantInput(**data)
        )
    assert field in exc.value.errors
    participant.refresh_from_db()
    assert (participant.role, participant.post_score, participant.name) == ("police", 70, "Agente Pérez")


def test_removing_a_participant_twice_says_so(world, client) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    participant = _participant(sup, training)
    login(client, world.user("supervisor"))
    url = f"/capacity/trainings/{training.pk}/participants/{participant.pk}/remove/"
    assert "Participant removed." in client.post(url, follow=True).content.decode()
    again = client.post(url, follow=True)
    assert again.redirect_chain == [(f"/capacity/trainings/{training.pk}/", 302)]
    assert "This participant had already been removed." in again.content.decode()
    assert AuditEvent.objects.filter(action="training.participant_removed").count() == 1
    other = login(client.__class__(), world.user("supervisor", "other"))
    assert other.post(url).status_code == 404


# --- the screens ---


def test_edit_screens(world, client) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    participant = _participant(sup, training)
    login(client, world.user("supervisor"))
    detail = client.get(f"/capacity/trainings/{training.pk}/").content.decode()
    assert f"/capacity/trainings/{training.pk}/edit/" in detail
    assert f"/capacity/trainings/{training.pk}/participants/{participant.pk}/edit/" in detail

    page = client.get(f"/capacity/trainings/{training.pk}/edit/")
    assert page.status_code == 200 and page.context["form"]["title"].value() == BASE.title
    # the dates are shown in the format a date input reads (a localized 02/05/2011 shows an empty box)
    assert 'type="date" name="start_date" value="2011-05-02"' in page.content.decode()
    bad = client.post(
        f"/capacity/trainings/{training.pk}/edit/",
        {
            "title": "Nuevo",
            "start_date": "2011-05-02",
            "end_date": "2011-04-01",
            "planned_participants": "30",
            "topics": ["legal_framework"],
            "target_groups": ["judges"],
        },
    )
    assert bad.status_code == 400 and "The end date is before the start date." in bad.content.decode()
    good = client.post(
        f"/capacity/trainings/{training.pk}/edit/",
        {
            "title": "Nuevo",
            "start_date": "2011-05-02",
            "end_date": "2011-05-04",
            "planned_participants": "30",
            "topics": ["legal_framework", "minors"],
            "target_groups": ["judges"],
        },
    )
    assert good.status_code == 302
    training.refresh_from_db()
    assert training.title == "Nuevo" and training.topics == ["legal_framework", "minors"]

    url = f"/capacity/trainings/{training.pk}/participants/{participant.pk}/edit/"
    views_before = AuditEvent.objects.filter(action="training.participants_view").count()
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"]["name"].value() == "Agente Pérez"
    assert AuditEvent.objects.filter(action="training.participants_view").count() == views_before + 1
    bad = client.post(url, {"role": "judges", "sex": "F", "institution_other": "OJ", "post_score": "80"})
    assert bad.status_code == 400 and "Someone who did not attend has no post-test score." in bad.content.decode()
    good = client.post(
        url, {"role": "judges", "sex": "F", "institution_other": "OJ", "attended": "on", "name": "", "pre_score": "55"}
    )
    assert good.status_code == 302
    participant.refresh_from_db()
    assert (participant.role, participant.name, participant.pre_score, participant.post_score) == (
        "judges",
        None,
        55,
        None,
    )
    assert "Pérez" not in _details()


def test_edit_screens_refuse_other_institutions_and_non_managers(world, client) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    participant = _participant(sup, training)
    urls = [
        f"/capacity/trainings/{training.pk}/edit/",
        f"/capacity/trainings/{training.pk}/participants/{participant.pk}/edit/",
    ]
    other = login(client, world.user("supervisor", "other"))
    for url in urls:
        assert other.get(url).status_code == 404
        assert other.post(url, {"title": "X", "role": "judges", "institution_other": "OJ"}).status_code == 404
    statistician = login(client.__class__(), world.user("statistician"))
    assert all(statistician.get(url).status_code == 403 for url in urls)
    training.refresh_from_db()
    participant.refresh_from_db()
    assert training.title == BASE.title and participant.role == "police"
    assert "Pérez" not in other.get(f"/capacity/trainings/{training.pk}/").content.decode()


# --- the plan page ---


def _plan_with_two_manual_indicators(world):
    stat = world.actor("statistician")
    action = services.plan_action_create(
        actor=stat, code="3.1", title="Informar", axis="coordination", responsible_ids=[world.home.pk]
    )
    for name in ("Informes", "Reuniones"):
        services.indicator_create(actor=stat, action_id=action.pk, name=name, source="Informe anual")


def test_the_year_box_shows_the_year_the_plan_shows(world, client) -> None:
    login(client, world.user("supervisor"))
    this_year = timezone.localdate().year
    page = client.get("/capacity/plan/")
    assert page.context["year"] == this_year and page.context["form"]["year"].value() == this_year
    assert re.search(rf'name="year" value="{this_year}"[^>]*id="id_year"', page.content.decode())
    assert client.get("/capacity/plan/", {"year": ""}).context["form"]["year"].value() == this_year
    assert client.get("/capacity/plan/", {"year": "2011"}).context["form"]["year"].value() == 2011
    wrong = client.get("/capacity/plan/", {"year": "1800"})
    assert wrong.context["form"].errors["year"] and wrong.context["year"] == this_year


def test_each_progress_form_of_the_plan_has_its_own_ids(world, client) -> None:
    _plan_with_two_manual_indicators(world)
    login(client, world.user("supervisor"))
    body = client.get("/capacity/plan/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', body)
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert duplicates == []
    labels = re.findall(r'<label for="(id_progress_[^"]+)"', body)
    assert len(labels) == 6 and all(f'id="{target}"' in body for target in labels)  # year, value, note x 2
    # the forms still post the plain field names
    assert body.count('name="note"') == 2


def test_large_plan_figures_are_grouped_in_the_users_language(world, client) -> None:
    stat = world.actor("statistician")
    action = services.plan_action_create(
        actor=stat, code="4.1", title="Prevenir", axis="prevention", responsible_ids=[world.home.pk]
    )
    this_year = timezone.localdate().year
    services.indicator_create(
        actor=stat,
        action_id=action.pk,
        name="Alcance",
        source="Campañas",
        baseline=Decimal("125000"),
        baseline_year=this_year - 1,
        targets={this_year: Decimal("930000")},
    )
    login(client, world.user("supervisor"))
    spanish = client.get("/capacity/plan/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "930\xa0000" in spanish and "125\xa0000" in spanish and "930000" not in spanish
    english = client.get("/capacity/plan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "930,000" in english and "125,000" in english
