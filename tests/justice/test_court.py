from __future__ import annotations

import datetime

import pytest

from amparo.accounts.roles import Role
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.justice import court_services, services
from amparo.justice.models import CourtEvent
from tests.conftest import make_person

from .conftest import LAST_YEAR, TODAY

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def suspect(world, investigation):
    prosecutor = world.actor(Role.PROSECUTOR)
    return services.suspect_add(
        prosecutor,
        investigation_id=investigation.pk,
        person_id=make_person(prosecutor, "Mario", "Gómez").pk,
        role_in_process="Exploiter",
    )


def add(world, investigation, kind, date, suspect=None):
    return court_services.court_event_add(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        kind=kind,
        date=date,
        court="Juzgado de Primera Instancia Penal",
        suspect_id=suspect.pk if suspect else None,
    )


def test_a_court_event_before_the_complaint_is_refused(world, investigation):
    with pytest.raises(ValidationFailed) as exc:
        add(world, investigation, "first_statement", LAST_YEAR - DAY)
    assert "before the complaint" in exc.value.errors["date"][0]
    assert not CourtEvent.objects.exists()


def test_stages_must_follow_their_order(world, investigation, suspect):
    add(world, investigation, "first_statement", LAST_YEAR + 10 * DAY, suspect)
    add(world, investigation, "indictment", LAST_YEAR + 100 * DAY, suspect)
    with pytest.raises(ValidationFailed) as exc:
        add(world, investigation, "trial", LAST_YEAR + 50 * DAY, suspect)
    assert "cannot come before" in exc.value.errors["date"][0]
    with pytest.raises(ValidationFailed):
        add(world, investigation, "first_statement", LAST_YEAR + 200 * DAY, suspect)
    add(world, investigation, "trial", LAST_YEAR + 200 * DAY, suspect)
    # a hearing can be scheduled ahead, within reason
    add(world, investigation, "verdict", TODAY + 30 * DAY, suspect)
    with pytest.raises(ValidationFailed):
        add(world, investigation, "appeal", TODAY + 5 * 366 * DAY, suspect)


def test_arrest_and_cooperation(world, investigation, suspect):
    prosecutor = world.actor(Role.PROSECUTOR)
    court_services.arrest_record(
        prosecutor, investigation_id=investigation.pk, suspect_id=suspect.pk, arrested_on=LAST_YEAR + 20 * DAY
    )
    with pytest.raises(ValidationFailed):
        court_services.arrest_record(
            prosecutor, investigation_id=investigation.pk, suspect_id=suspect.pk, arrested_on=TODAY + DAY
        )
    with pytest.raises(ValidationFailed) as exc:
        court_services.cooperation_add(
            prosecutor,
            investigation_id=investigation.pk,
            kind="extradition",
            direction="outgoing",
            country="GT",
            requested_on=TODAY,
        )
    assert set(exc.value.errors) == {"country", "suspect"}
    coop = court_services.cooperation_add(
        prosecutor,
        investigation_id=investigation.pk,
        kind="extradition",
        direction="outgoing",
        country="MX",
        requested_on=LAST_YEAR + 30 * DAY,
        suspect_id=suspect.pk,
    )
    court_services.cooperation_update(prosecutor, cooperation_id=coop.pk, status="granted", status_on=TODAY)
    with pytest.raises(ValidationFailed):
        court_services.cooperation_update(prosecutor, cooperation_id=coop.pk, status="requested", status_on=TODAY)
    with pytest.raises(NotFound):
        court_services.cooperation_update(
            world.actor(Role.PROSECUTOR, "other"), cooperation_id=coop.pk, status="executed", status_on=TODAY
        )
