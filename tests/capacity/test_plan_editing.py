"""Editing the national plan: actions, indicators, yearly targets, progress entries. Services re-check the
permission, audit in the same transaction, refuse bad input with nothing saved; screens for the right roles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from amparo.audit.models import AuditEvent
from amparo.capacity import services
from amparo.capacity.models import Indicator, IndicatorTarget, PlanAction, ProgressEntry
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: Any) -> dict[str, Any]:
    stat = world.actor("statistician")
    action = services.plan_action_create(
        actor=stat, code="2.1", title="Capacitar jueces", axis="prosecution", responsible_ids=[world.home.pk]
    )
    other_action = services.plan_action_create(
        actor=stat, code="3.1", title="Campañas", axis="prevention", responsible_ids=[world.other.pk]
    )
    manual = services.indicator_create(
        actor=stat, action_id=action.pk, name="Protocolos", source="Informe OJ", targets={2011: Decimal(3)}
    )
    return {"stat": stat, "action": action, "other_action": other_action, "manual": manual}


def test_action_update_changes_everything_and_is_audited(world: Any, plan: dict[str, Any]) -> None:
    action = services.plan_action_update(
        actor=plan["stat"],
        action_id=plan["action"].pk,
        code="2.2",
        title="Capacitar jueces y fiscales",
        axis="coordination",
        responsible_ids=[world.home.pk, world.other.pk],
    )
    action.refresh_from_db()
    assert (action.code, action.title, action.axis) == ("2.2", "Capacitar jueces y fiscales", "coordination")
    assert set(action.responsible.values_list("pk", flat=True)) == {world.home.pk, world.other.pk}
    event = AuditEvent.objects.filter(action="plan.action_updated").get()
    assert event.details["fields"] == ["code", "title", "axis", "responsible"]
    assert "Capacitar" not in str(event.details)


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"code": " "}, "code"),
        ({"code": "3.1"}, "code"),  # the other action's code
        ({"title": ""}, "title"),
        ({"axis": "nowhere"}, "axis"),
        ({"responsible_ids": []}, "responsible"),
        ({"responsible_ids": [999999]}, "responsible"),
    ],
)
def test_bad_action_edit_saves_nothing(world: Any, plan: dict[str, Any], changes: dict[str, Any], field: str) -> None:
    data: dict[str, Any] = {
        "code": "2.1",
        "title": "Nuevo título",
        "axis": "prosecution",
        "responsible_ids": [world.home.pk, world.other.pk],
        **changes,
    }
    with pytest.raises(ValidationFailed) as exc:
        services.plan_action_update(actor=plan["stat"], action_id=plan["action"].pk, **data)
    assert field in exc.value.errors
    action = PlanAction.objects.get(pk=plan["action"].pk)
    assert action.title == "Capacitar jueces" and list(action.responsible.all()) == [world.home]
    assert not AuditEvent.objects.filter(action="plan.action_updated").exists()


def test_only_the_plan_manager_edits(world: Any, plan: dict[str, Any]) -> None:
    sup = world.actor("supervisor")
    with pytest.raises(PermissionDenied):
        services.plan_action_update(
            actor=sup, action_id=plan["action"].pk, code="9", title="x", axis="prevention", responsible_ids=[1]
        )
    with pytest.raises(PermissionDenied):
        services.indicator_update(actor=sup, indicator_id=plan["manual"].pk, name="x", source="y")
    with pytest.raises(PermissionDenied):
        services.target_set(actor=sup, indicator_id=plan["manual"].pk, year=2012, value=Decimal(1))
    with pytest.raises(NotFound):
        services.indicator_update(actor=plan["stat"], indicator_id=999999, name="x", source="y")


def test_indicator_update_and_its_rules(world: Any, plan: dict[str, Any]) -> None:
    stat, manual = plan["stat"], plan["manual"]
    services.indicator_update(
        actor=stat,
        indicator_id=manual.pk,
        name="Protocolos aprobados",
        unit="protocolos",
        source="Informe anual OJ",
        baseline=Decimal(1),
        baseline_year=2010,
    )
    manual.refresh_from_db()
    assert (manual.name, manual.unit, manual.baseline, manual.baseline_year) == (
        "Protocolos aprobados",
        "protocolos",
        Decimal(1),
        2010,
    )
    assert AuditEvent.objects.filter(action="plan.indicator_updated").count() == 1
    for bad, field in (
        ({"name": " ", "source": "x"}, "name"),
        ({"name": "x", "source": ""}, "source"),  # a manual indicator needs its source
        ({"name": "x", "computed": "nonsense"}, "computed"),
        ({"name": "x", "source": "x", "baseline": Decimal(4)}, "baseline_year"),  # a baseline without its year
        ({"name": "x", "source": "x", "baseline": Decimal(4), "baseline_year": 1890}, "baseline_year"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.indicator_update(actor=stat, indicator_id=manual.pk, **bad)
        assert field in exc.value.errors
    services.progress_add(actor=world.actor("supervisor"), indicator_id=manual.pk, year=2011, value=Decimal(2), note="")
    with pytest.raises(ValidationFailed) as exc:  # values entered by hand: it cannot become computed
        services.indicator_update(actor=stat, indicator_id=manual.pk, name="x", computed="judges_trained")
    assert "computed" in exc.value.errors
    manual.refresh_from_db()
    assert manual.name == "Protocolos aprobados" and manual.computed == ""


def test_targets_set_replace_and_remove(plan: dict[str, Any]) -> None:
    stat, manual = plan["stat"], plan["manual"]
    services.target_set(actor=stat, indicator_id=manual.pk, year=2012, value=Decimal(5))
    services.target_set(actor=stat, indicator_id=manual.pk, year=2011, value=Decimal(4))  # replaces 3
    assert dict(manual.targets.values_list("year", "value")) == {2011: Decimal(4), 2012: Decimal(5)}
    for year, value, field in ((1999, Decimal(1), "year"), (2013, Decimal(-1), "value")):
        with pytest.raises(ValidationFailed) as exc:
            services.target_set(actor=stat, indicator_id=manual.pk, year=year, value=value)
        assert field in exc.value.errors
    assert IndicatorTarget.objects.filter(indicator=manual).count() == 2
    services.target_remove(actor=stat, indicator_id=manual.pk, year=2011)
    services.target_remove(actor=stat, indicator_id=manual.pk, year=2011)  # a second click does nothing
    assert list(manual.targets.values_list("year", flat=True)) == [2012]
    assert AuditEvent.objects.filter(action="plan.target_removed").count() == 1
    assert AuditEvent.objects.filter(action="plan.target_set").count() == 2


def test_progress_entry_corrected_only_by_its_institution(world: Any, plan: dict[str, Any]) -> None:
    sup = world.actor("supervisor")
    entry = services.progress_add(actor=sup, indicator_id=plan["manual"].pk, year=2011, value=Decimal(2), note="")
    services.progress_update(actor=sup, entry_id=entry.pk, year=2012, value=Decimal(3), note="Tres protocolos")
    entry.refresh_from_db()
    assert (entry.year, entry.value, entry.note) == (2012, Decimal(3), "Tres protocolos")
    event = AuditEvent.objects.filter(action="plan.progress_updated").get()
    assert "protocolos" not in str(event.details)
    with pytest.raises(NotFound):  # another institution's entry does not exist for it
        services.progress_update(
            actor=world.actor("supervisor", "other"), entry_id=entry.pk, year=2012, value=None, note="x"
        )
    for year, value, note, field in ((1990, Decimal(1), "", "year"), (2012, None, " ", "note")):
        with pytest.raises(ValidationFailed) as exc:
            services.progress_update(actor=sup, entry_id=entry.pk, year=year, value=value, note=note)
        assert field in exc.value.errors
    entry.refresh_from_db()
    assert (entry.year, entry.value) == (2012, Decimal(3))


def test_plan_screens(world: Any, plan: dict[str, Any], client: Any) -> None:
    login(client, world.user("statistician"))
    page = client.get("/capacity/plan/?year=2011").content.decode()
    assert f"/capacity/plan/actions/{plan['action'].pk}/edit/" in page
    assert f"/capacity/plan/indicators/{plan['manual'].pk}/edit/" in page
    url = f"/capacity/plan/actions/{plan['action'].pk}/edit/"
    assert 'value="Capacitar jueces"' in client.get(url).content.decode()
    bad = client.post(url, {"code": "3.1", "title": "x", "axis": "prevention", "responsible": [world.home.pk]})
    assert bad.status_code == 400 and "An action with this code exists." in bad.content.decode()
    ok = client.post(url, {"code": "2.1", "title": "Jueces", "axis": "prevention", "responsible": [world.home.pk]})
    assert ok.status_code == 302 and PlanAction.objects.get(pk=plan["action"].pk).title == "Jueces"
    ind_url = f"/capacity/plan/indicators/{plan['manual'].pk}/edit/"
    bad = client.post(ind_url, {"name": "Protocolos", "source": "", "computed": ""})
    assert bad.status_code == 400 and "needs its source" in bad.content.decode()
    ok = client.post(ind_url, {"name": "Protocolos firmados", "source": "OJ", "computed": ""})
    assert ok.status_code == 302 and Indicator.objects.get(pk=plan["manual"].pk).name == "Protocolos firmados"
    target_url = f"/capacity/plan/indicators/{plan['manual'].pk}/targets/"
    bad = client.post(target_url, {"year": "2012", "value": "-3"})
    assert bad.status_code == 400 and not IndicatorTarget.objects.filter(year=2012).exists()
    assert client.post(target_url, {"year": "2012", "value": "7"}).status_code == 302
    assert IndicatorTarget.objects.get(indicator=plan["manual"], year=2012).value == Decimal(7)
    assert client.post(f"{target_url}2012/remove/").status_code == 302
    assert not IndicatorTarget.objects.filter(year=2012).exists()


def test_progress_screen(world: Any, plan: dict[str, Any], client: Any) -> None:
    sup = world.actor("supervisor")
    entry = services.progress_add(actor=sup, indicator_id=plan["manual"].pk, year=2011, value=None, note="Avance")
    login(client, world.user("supervisor"))
    assert f"/capacity/plan/progress/{entry.pk}/edit/" in client.get("/capacity/plan/?year=2011").content.decode()
    url = f"/capacity/plan/progress/{entry.pk}/edit/"
    bad = client.post(url, {"year": "2011", "value": "", "note": ""})
    assert bad.status_code == 400 and "Give a value or describe the progress." in bad.content.decode()
    assert client.post(url, {"year": "2011", "value": "", "note": "Avance corregido"}).status_code == 302
    assert ProgressEntry.objects.get(pk=entry.pk).note == "Avance corregido"
    login(client, world.user("supervisor", "other"))
    assert client.get(url).status_code == 404
