"""Fixes from the second audit: a bad filter is named, a report of one institution holds its narratives
only, the HTCDS import refuses impossible opening dates, the shelter beds are told by category."""

from __future__ import annotations

import datetime
import io
import time

import pytest
from django.utils import timezone

from amparo.accounts.decorators import REAUTH_SESSION_KEY
from amparo.cases.models import Case
from amparo.referrals.models import Placement, Shelter, ShelterBeds
from amparo.stats import exports
from amparo.stats.aggregates import Filters, Period
from amparo.stats.report import build_report
from amparo.stats.services import narrative_save
from tests.conftest import login

from .helpers import at, victim

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = Period(D(2011, 4, 1), D(2012, 3, 31))
QUERY = "start=2011-04-01&end=2012-03-31"


def _reauth(client) -> None:
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()
    session.save()


@pytest.mark.parametrize(
    ("bad", "label"),
    [("department=XX", "Department"), ("institution=999999", "Institution"), ("institution=abc", "Institution")],
)
def test_an_unknown_filter_is_named_in_the_400(world, client, bad, label) -> None:
    login(client, world.user("statistician"))
    _reauth(client)
    for url in (
        "/stats/charts/victims_year.csv",
        "/stats/exports/ctdc.csv",
        "/stats/exports/unodc.csv",
        "/stats/exports/sdg.csv",
        "/stats/report/export.pdf",
        "/stats/report/export.docx",
    ):
        response = client.get(f"{url}?{QUERY}&{bad}")
        body = response.content.decode()
        assert response.status_code == 400, url
        assert "period" not in body.lower(), (url, body)
        assert body.startswith(f"{label}: Select a valid choice."), (url, body)
    api = client.get(f"/api/v1/stats/charts/victims_year/?{QUERY}&{bad}")
    assert api.status_code == 400
    error = api.json()["error"]
    assert error["message"].startswith(f"{label}: Select a valid choice."), error
    assert list(error["fields"]) == [label.lower()]


def test_an_unknown_filter_on_the_records_and_the_narrative_is_named(world, client) -> None:
    login(client, world.user("supervisor"))
    for url in ("/stats/records/victims_year/", "/stats/report/narratives/prevention/"):
        response = client.get(f"{url}?{QUERY}&department=XX")
        assert response.status_code == 400, url
        assert response.content.decode().startswith("Department: Select a valid choice."), url


def test_a_bad_period_is_still_named(world, client) -> None:
    login(client, world.user("statistician"))
    response = client.get("/stats/charts/victims_year.csv?start=2012-04-01&end=2011-04-01")
    assert response.status_code == 400
    assert response.content.decode() == "To: The end of the period is before its start."


def test_the_filter_errors_are_translated(world, client) -> None:
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    login(client, world.user("statistician"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    with translation.override("es"):
        expected = gettext("%(filter)s: %(errors)s") % {
            "filter": gettext("Department"),
            "errors": gettext("Select a valid choice. %(value)s is not one of the available choices.")
            % {"value": "XX"},
        }
    assert expected.startswith("Departamento")
    response = client.get(f"/stats/charts/victims_year.csv?{QUERY}&department=XX")
    assert response.status_code == 400 and response.content.decode() == expected


@pytest.fixture
def narratives(world):
    narrative_save(actor=world.actor("supervisor"), period=PERIOD, section="best_practices", text="Mesa propia.")
    narrative_save(
        actor=world.actor("supervisor", "other"), period=PERIOD, section="best_practices", text="Albergue ajeno."
    )


def _narrative_texts(report) -> list[str]:
    return sorted(n.text for s in report.sections for n in s.narratives)


def test_a_report_of_one_institution_holds_its_narratives_only(world, narratives, client) -> None:
    assert _narrative_texts(build_report(Filters(PERIOD), threshold=11)) == ["Albergue ajeno.", "Mesa propia."]
    assert _narrative_texts(build_report(Filters(PERIOD, world.home.pk), threshold=11)) == ["Mesa propia."]
    assert _narrative_texts(build_report(Filters(PERIOD, world.other.pk), threshold=11)) == ["Albergue ajeno."]
    login(client, world.user("statistician"))
    page = client.get(f"/stats/report/?{QUERY}&institution={world.home.pk}").content.decode()
    assert "Mesa propia." in page and "Albergue ajeno." not in page
    everyone = client.get(f"/stats/report/?{QUERY}").content.decode()
    assert "Mesa propia." in everyone and "Albergue ajeno." in everyone
    _reauth(client)
    from docx import Document

    response = client.get(f"/stats/report/export.docx?{QUERY}&institution={world.other.pk}&lang=en")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Albergue ajeno." in text and "Mesa propia." not in text


def test_a_pdf_of_one_institution_holds_its_narratives_only(world, narratives) -> None:
    from pypdf import PdfReader

    from amparo.stats.report_export import report_pdf

    pdf = report_pdf(build_report(Filters(PERIOD, world.home.pk), threshold=11))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Mesa propia." in text and "Albergue ajeno." not in text


def test_htcds_import_refuses_an_opening_date_in_the_future_or_before_1900(world) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    good = {"prs_FirstName": "Rosa", "prs_Gender": "Feminine", "cas_OpenedDate": "2011-05-01"}
    future = {"prs_FirstName": "Luis", "prs_Gender": "Masculine", "cas_OpenedDate": tomorrow}
    ancient = {"prs_FirstName": "Eva", "prs_Gender": "Feminine", "cas_OpenedDate": "1899-12-31"}
    year_one = {"prs_FirstName": "Ana", "prs_Gender": "Feminine", "cas_OpenedDate": "0001-01-01"}
    before = Case.objects.count()
    with pytest.raises(exports.ImportFailed) as exc:
        exports.htcds_import(actor=world.actor("supervisor"), records=[good, future, ancient, year_one])
    assert sorted(exc.value.rows) == [2, 3, 4]
    assert exc.value.rows[2] == [f"cas_OpenedDate {tomorrow} is in the future."]
    assert exc.value.rows[3] == ["cas_OpenedDate 1899-12-31 is before 1900."]
    assert exc.value.rows[4] == ["cas_OpenedDate 0001-01-01 is before 1900."]
    assert Case.objects.count() == before
    # the limits themselves are dates a case may have been opened on
    today = {**good, "cas_OpenedDate": timezone.localdate().isoformat()}
    first = {**good, "cas_OpenedDate": "1900-01-01"}
    created = exports.htcds_import(actor=world.actor("supervisor"), records=[today, first])
    assert [timezone.localdate(c.opened_at) for c in created] == [timezone.localdate(), D(1900, 1, 1)]


def test_htcds_import_view_names_the_row_with_a_future_opening_date(world, client) -> None:
    login(client, world.user("supervisor"))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    upload = io.BytesIO(
        f"prs_FirstName,prs_Gender,cas_OpenedDate\nRosa,Feminine,2011-05-01\nLuis,Masculine,{tomorrow}\n".encode()
    )
    upload.name = "future.csv"
    before = Case.objects.count()
    response = client.post("/stats/exports/htcds/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400 and "nothing was imported" in body
    assert f'<tr><td>2</td><td><ul class="plain"><li>cas_OpenedDate {tomorrow} is in the future.' in body
    assert Case.objects.count() == before


def test_dashboard_shelter_beds_are_told_by_category(world, client) -> None:
    shelter = Shelter.objects.create(organization=world.other, name="Hogar", address="Calle 1")
    ShelterBeds.objects.create(shelter=shelter, category="girls", beds=75)
    ShelterBeds.objects.create(shelter=shelter, category="adult_women", beds=18)
    case = victim(world, opened=D(2011, 5, 1))
    placement = Placement.objects.create(
        shelter=shelter,
        category="girls",
        case=case,
        court="Juzgado",
        file_number="01-2011-1",
        order_date=D(2011, 5, 1),
        order_end=D(2011, 11, 1),
        admitted_by=world.user("shelter_staff", "other"),
    )
    Placement.objects.filter(pk=placement.pk).update(admitted_at=at(D(2011, 5, 2)))
    login(client, world.user("statistician"))
    page = client.get(f"/stats/?{QUERY}").content.decode()
    assert "Beds: Girls 75, Adult women 18 ·" in page
