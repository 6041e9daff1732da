"""Browser journey of duplicate review: a supervisor opens a possible duplicate of two records of her
institution, merges them, sees the cases follow the merged person, and undoes the merge. Also the
possible-duplicates panel while a caseworker types a name, and the run screen of an administrator."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation

from amparo.cases.services import case_open
from amparo.linkage.models import CandidatePair, LinkageRun, PairStatus, PersonMerge, RunStatus
from amparo.linkage.resolve import group_ids

from ..conftest import World, make_person
from .conftest import screenshot, sign_in_by_cookie

pytestmark = pytest.mark.browser


def _es(msgid: str) -> str:
    with translation.override("es"):
        return str(translation.gettext(msgid))


def test_reviewer_merges_two_records_and_undoes_it(world: World, page: Any, live_server: Any) -> None:
    worker = world.actor("caseworker")
    a = make_person(worker, "Ixchel", "Tuyuc Coc", date_of_birth=datetime.date(2007, 5, 2), phone="+502 5555 1234")
    b = make_person(worker, "Ishchel", "Tuyuk", documents=[], age_min=17, age_max=20, phone="5555-1234")
    case_b = case_open(actor=worker, person_id=b.pk)
    run = LinkageRun.objects.create(threshold=-1, status=RunStatus.SUCCEEDED, is_current=True)
    pair = CandidatePair.objects.create(
        run=run,
        left=a,
        right=b,
        left_org=world.home,
        right_org=world.home,
        match_weight=9.4,
        match_probability=0.998,
        evidence={
            "given_name": {"level": "phonetic", "weight": 6.2},
            "surnames": {"level": "first_similar", "weight": 5.0},
            "birth": {"level": "compatible", "weight": 1.1},
            "document": {"level": "missing", "weight": 0.0},
            "phone": {"level": "same", "weight": 7.9},
            "address": {"level": "similar", "weight": 3.1},
        },
    )
    supervisor = world.user("supervisor")
    sign_in_by_cookie(page, supervisor, live_server.url)
    page.goto("/linkage/review/")
    page.click(f"a[href='/linkage/review/{pair.pk}/']")
    page.wait_for_url(f"**/linkage/review/{pair.pk}/")
    assert "Ixchel Tuyuc Coc" in page.content() and "Ishchel Tuyuk" in page.content()
    rows = [r.split("\t") for r in page.inner_text("section[aria-labelledby=evidence-title] tbody").splitlines()]
    by_field = {r[0].strip(): r[1].strip() for r in rows}
    assert _es("same") in by_field[_es("Phone")] and _es("agrees") in by_field[_es("Phone")]
    assert by_field[_es("Address")].endswith(_es("similar"))
    screenshot(page, "linkage-pair")

    page.click("button[name=decision][value=confirm]")
    page.wait_for_selector(".messages li")
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.MERGED
    assert group_ids(a.pk) == {a.pk, b.pk}
    screenshot(page, "linkage-merged")

    page.goto(f"/persons/{a.pk}/")  # the case registered on the other record follows the merged person
    assert case_b.number in page.content()
    screenshot(page, "linkage-person-merged")

    page.goto(f"/linkage/review/{pair.pk}/")
    merge = PersonMerge.objects.get(pair=pair)
    page.click(f"form[action='/linkage/merges/{merge.pk}/undo/'] button")
    page.wait_for_selector(".messages li")
    assert group_ids(a.pk) == {a.pk} and group_ids(b.pk) == {b.pk}
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.UNMERGED
    page.goto(f"/persons/{a.pk}/")
    assert case_b.number not in page.content()
    screenshot(page, "linkage-undone")


def test_possible_duplicates_panel_while_typing(world: World, page: Any, live_server: Any) -> None:
    make_person(world.actor("caseworker"), "María José", "Coc Caal", date_of_birth=datetime.date(2008, 3, 4))
    sign_in_by_cookie(page, world.user("caseworker"), live_server.url)
    page.goto("/persons/new/")
    page.fill("#id_given_names", "Maria Jose")
    page.fill("#id_surnames", "Coc")
    page.wait_for_selector("#possible-duplicates a")
    assert "María José Coc Caal" in page.inner_text("#possible-duplicates")
    screenshot(page, "linkage-possible-duplicates")


def test_administrator_sees_a_run(world: World, page: Any, live_server: Any) -> None:
    LinkageRun.objects.create(
        threshold=-1,
        status=RunStatus.SUCCEEDED,
        is_current=True,
        record_count=1200,
        pair_count=85,
        cluster_count=70,
        progress=100,
        stage="done",
    )
    sign_in_by_cookie(page, world.user("administrator"), live_server.url)
    page.goto("/linkage/runs/")
    assert "1200" in page.content()
    screenshot(page, "linkage-runs")
