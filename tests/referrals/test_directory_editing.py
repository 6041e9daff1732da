"""The service directory: each institution edits its own offers (directory.manage); search in the database."""

from __future__ import annotations

import pytest
from django.test import Client

from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.referrals import directory_services
from amparo.referrals.directory_services import OfferInput
from amparo.referrals.models import ServiceOffer
from amparo.referrals.selectors import directory_search
from tests.conftest import login


@pytest.mark.django_db
def test_supervisor_adds_an_offer_for_the_own_institution_and_it_is_audited(world) -> None:
    offer = directory_services.offer_create(
        actor=world.actor("supervisor"),
        data=OfferInput(
            service_type="income",
            description="Capital semilla para mujeres",
            min_age=18,
            sexes=["Feminine"],
            departments=["01", "03"],
            phone="2222-0000",
            email="ingresos@example.org",
            opening_hours="Lunes a viernes",
        ),
    )
    assert offer.organization == world.home and offer.is_active
    event = AuditEvent.objects.get(action="directory.offer_created")
    assert event.details == {"service": "income"}
    assert offer in directory_search(service_type="income", department="03", age=30, gender="Feminine")


@pytest.mark.django_db
def test_bad_offer_is_refused_and_nothing_is_saved(world) -> None:
    before = ServiceOffer.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        directory_services.offer_create(
            actor=world.actor("administrator"),
            data=OfferInput(
                service_type="legal",  # Casa Alianza lists it already
                min_age=18,
                max_age=12,
                sexes=["Robot"],
                nationalities=["XX"],
                departments=["99"],
                email="not-an-address",
            ),
        )
    assert set(exc.value.errors) == {"service_type", "max_age", "sexes", "nationalities", "departments", "email"}
    assert ServiceOffer.objects.count() == before


@pytest.mark.django_db
def test_only_own_offers_and_only_with_the_permission(world) -> None:
    own = ServiceOffer.objects.get(organization=world.home, service_type="legal")
    foreign = ServiceOffer.objects.get(organization=world.other, service_type="shelter")
    data = OfferInput(service_type="shelter", description="Cambiado")
    with pytest.raises(NotFound):
        directory_services.offer_update(actor=world.actor("supervisor"), offer_id=foreign.pk, data=data)
    with pytest.raises(NotFound):
        directory_services.offer_set_active(actor=world.actor("administrator"), offer_id=foreign.pk, active=False)
    with pytest.raises(PermissionDenied):
        directory_services.offer_update(actor=world.actor("caseworker"), offer_id=own.pk, data=data)
    with pytest.raises(PermissionDenied):
        directory_services.offer_create(actor=world.actor("shelter_staff"), data=OfferInput(service_type="medical"))
    foreign.refresh_from_db()
    assert foreign.description != "Cambiado" and foreign.is_active


@pytest.mark.django_db
def test_edit_and_deactivate_through_the_screens(world) -> None:
    offer = ServiceOffer.objects.get(organization=world.home, service_type="legal")
    client = login(Client(), world.user("supervisor"))
    page = client.get("/referrals/directory/manage/").content.decode()
    assert f"/referrals/directory/manage/{offer.pk}/" in page
    assert "Hogares de protección" not in page  # SBS's offers are not listed for editing
    response = client.post(
        f"/referrals/directory/manage/{offer.pk}/",
        {
            "service_type": "legal",
            "description": "Acompañamiento como querellante",
            "min_age": "0",
            "max_age": "25",
            "departments": ["01"],
            "phone": "2200-1111",
            "opening_hours": "24/7",
        },
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.max_age == 25 and offer.departments == ["01"] and offer.phone == "2200-1111"
    event = AuditEvent.objects.get(action="directory.offer_updated")
    assert "Acompañamiento" not in str(event.details) and "max_age" in event.details["fields"]
    # Errors come back on the form, nothing saved.
    response = client.post(
        f"/referrals/directory/manage/{offer.pk}/", {"service_type": "legal", "min_age": "30", "max_age": "20"}
    )
    assert response.status_code == 400
    offer.refresh_from_db()
    assert offer.max_age == 25
    assert client.post(f"/referrals/directory/manage/{offer.pk}/active/", {"active": "0"}).status_code == 302
    offer.refresh_from_db()
    assert not offer.is_active
    assert offer not in directory_search(service_type="legal")
    table = client.get("/referrals/directory/?service_type=legal").content.decode().split("<tbody>")[1]
    assert world.home.name not in table and "Programa legal" not in table
    client.post(f"/referrals/directory/manage/{offer.pk}/active/", {"active": "1"})
    offer.refresh_from_db()
    assert offer.is_active
    # Another institution's offer: 404, for the screens too.
    foreign = ServiceOffer.objects.get(organization=world.other, service_type="shelter")
    assert client.get(f"/referrals/directory/manage/{foreign.pk}/").status_code == 404
    assert client.post(f"/referrals/directory/manage/{foreign.pk}/active/", {"active": "0"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


@pytest.mark.django_db
def test_directory_search_filters_in_the_database(world, django_assert_num_queries) -> None:
    ServiceOffer.objects.all().delete()
    a = ServiceOffer.objects.create(organization=world.home, service_type="shelter", departments=["01", "03"])
    b = ServiceOffer.objects.create(
        organization=world.other, service_type="shelter", sexes=["TransgenderFeminine"], min_age=18
    )
    c = ServiceOffer.objects.create(
        organization=world.other, service_type="legal", nationalities=["HN", "SV"], max_age=17
    )
    with django_assert_num_queries(1):  # one query: no filtering in Python
        rows = list(directory_search(department="03", gender="Feminine"))
    assert rows == [a, c] or set(rows) == {a, c}  # "Feminine" is not "TransgenderFeminine"
    assert set(directory_search(department="05")) == {b, c}
    assert set(directory_search(age=17)) == {a, c}
    assert set(directory_search(age=30)) == {a, b}
    assert set(directory_search(nationality="SV")) == {a, b, c}
    assert set(directory_search(nationality="GT")) == {a, b}
    assert set(directory_search(gender="TransgenderFeminine", service_type="shelter")) == {a, b}


@pytest.mark.django_db
def test_the_directory_shows_eligibility_by_nationality_and_how_to_contact(world, english) -> None:
    directory_services.offer_create(
        actor=world.actor("supervisor"),
        data=OfferInput(service_type="income", nationalities=["HN"], phone="2222-0000", email="ingresos@example.org"),
    )
    page = login(Client(), world.user("caseworker", "other")).get("/referrals/directory/?service_type=income")
    html = page.content.decode()
    assert "Honduras" in html and "2222-0000" in html and "ingresos@example.org" in html


@pytest.mark.django_db
def test_the_manage_page_links_to_the_directory_only_for_those_who_may_open_it(world) -> None:
    """An administrator (directory.manage, no case.view) would follow the link to a 403."""
    admin = login(Client(), world.user("administrator"))
    assert admin.get("/referrals/directory/").status_code == 403
    assert 'href="/referrals/directory/"' not in admin.get("/referrals/directory/manage/").content.decode()
    supervisor = login(Client(), world.user("supervisor"))
    assert 'href="/referrals/directory/"' in supervisor.get("/referrals/directory/manage/").content.decode()
