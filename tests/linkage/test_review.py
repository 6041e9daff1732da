from __future__ import annotations

import pytest
from django.test import Client

from amparo.audit.models import AuditEvent
from amparo.cases.models import Case as CaseModel
from amparo.cases.services import case_open
from amparo.core.exceptions import NotFound
from amparo.linkage import services
from amparo.linkage.models import CandidatePair, LinkageRun, PairStatus, PersonMerge, RunStatus
from amparo.linkage.resolve import canonical_id, group_ids
from amparo.people.models import IdentityDocument, Person
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db


def _pair(world, left, right) -> CandidatePair:
    run = LinkageRun.objects.filter(is_current=True).first() or LinkageRun.objects.create(
        threshold=6, status=RunStatus.SUCCEEDED, is_current=True
    )
    return CandidatePair.objects.create(
        run=run,
        left=left,
        right=right,
        left_org_id=left.owner_org_id,
        right_org_id=right.owner_org_id,
        match_weight=11.0,
        match_probability=0.99,
        evidence={"surnames": {"level": "first_exact", "weight": 5.1}},
    )


def _snapshot(person: Person) -> tuple:
    person = Person.objects.get(pk=person.pk)
    docs = sorted(str(d.number) for d in IdentityDocument.objects.filter(person=person))
    cases = sorted(str(c) for c in CaseModel.objects.filter(person=person).values_list("pk", flat=True))
    return (person.given_names, person.surnames, person.date_of_birth, person.version, docs, cases)


def test_merge_and_unmerge_round_trip_keeps_every_record(world) -> None:
    worker = world.actor("caseworker")
    a = make_person(worker, "María José", "Coc Caal")
    b = make_person(world.actor("caseworker", "other"), "Majo", "Coc", documents=[])
    case_a = case_open(actor=worker, person_id=a.pk)
    case_b = case_open(actor=world.actor("caseworker", "other"), person_id=b.pk)
    before = (_snapshot(a), _snapshot(b))
    pair = _pair(world, a, b)

    services.pair_decide(actor=world.actor("supervisor"), pair_id=pair.pk, decision="confirm")
    pair.refresh_from_db()
    assert pair.status == PairStatus.CONFIRMED  # across institutions: the other side must confirm too
    assert canonical_id(b.pk) == b.pk
    services.pair_decide(actor=world.actor("supervisor", "other"), pair_id=pair.pk, decision="confirm")
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    assert canonical_id(b.pk) == a.pk and group_ids(b.pk) == {a.pk, b.pk}

    # cases follow the merged person: both appear on the person's page, within what the viewer may see
    home = login(Client(), world.user("supervisor"))
    page = home.get(f"/persons/{a.pk}/").content.decode()
    assert case_a.number in page
    assert (_snapshot(a), _snapshot(b)) == before  # a merge changes no record

    merge = PersonMerge.objects.get(pair=pair, undone_at__isnull=True)
    services.merge_undo(actor=world.actor("supervisor", "other"), merge_id=merge.pk)
    assert canonical_id(b.pk) == b.pk and group_ids(a.pk) == {a.pk}
    assert (_snapshot(a), _snapshot(b)) == before
    assert CaseModel.objects.filter(pk__in=[case_a.pk, case_b.pk]).count() == 2
    pair.refresh_from_db()
    assert pair.status == PairStatus.UNMERGED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"linkage.pair.confirm", "linkage.merge.undo"} <= actions


def test_a_same_institution_pair_merges_on_one_confirmation_and_rejects(world) -> None:
    worker = world.actor("caseworker")
    a, b, c = (make_person(worker, "Ana", s) for s in ("Tzul", "Tsul", "Zul"))
    p1, p2 = _pair(world, a, b), _pair(world, a, c)
    assert services.pair_decide(actor=world.actor("supervisor"), pair_id=p1.pk, decision="confirm").status == "merged"
    assert services.pair_decide(actor=world.actor("supervisor"), pair_id=p2.pk, decision="reject").status == "rejected"
    assert group_ids(a.pk) == {a.pk, b.pk}


def test_reviewers_never_see_pairs_of_other_institutions(world) -> None:
    worker = world.actor("caseworker")
    pair = _pair(world, make_person(worker, "Ana", "Tzul"), make_person(worker, "Ana", "Tsul"))
    with pytest.raises(NotFound):
        services.pair_decide(actor=world.actor("supervisor", "other"), pair_id=pair.pk, decision="confirm")


def test_the_other_institutions_record_is_shown_without_identity(world) -> None:
    a = make_person(
        world.actor("caseworker"),
        "Valeria",
        "Jiménez López",
        phone="5555 1234",
        address="4a calle 2-10",
        residence_department="07",
        residence_municipality="0701",
    )
    b = make_person(
        world.actor("caseworker", "other"),
        "Secretina",
        "Oculta Reservada",
        phone="4444 9876",
        address="Colonia Escondida",
        residence_department="12",
        residence_municipality="1215",
    )
    pair = _pair(world, a, b)
    page = login(Client(), world.user("supervisor")).get(f"/linkage/review/{pair.pk}/").content.decode()
    assert "Valeria" in page and "Secretina" not in page and "Oculta" not in page
    # the own record's phone and address are shown (the model compares them); the other's are not
    assert "5555 1234" in page and "4a calle 2-10" in page
    assert "4444 9876" not in page and "Escondida" not in page
    # and the place of residence, which the model compares too: the own record's only
    assert "Sololá, Sololá" in page and "Malacatán" not in page


def _partner_link(world, person, lead=0.31):
    from amparo.linkage.models import PartnerImport, PartnerLink

    partner = PartnerImport.objects.create(partner="SV", schema_version="1", record_count=1, file_sha256="0" * 64)
    return PartnerLink.objects.create(
        partner_import=partner,
        person=person,
        owner_org=person.owner_org,
        partner_record="sv-ref-42",
        dice=0.93,
        lead=lead,
    )


def test_a_confirmed_partner_link_is_acknowledged_and_listed_for_follow_up(world) -> None:
    from amparo.linkage.models import PartnerLink

    link = _partner_link(world, make_person(world.actor("caseworker"), "Ana", "Tzul"))
    reviewer = login(Client(), world.user("supervisor"))
    queue = reviewer.get("/linkage/review/").content.decode()
    assert "similarity 0.93 · <span" in queue and "next candidate 0.62" in queue
    response = reviewer.post(f"/linkage/partner-links/{link.pk}/decide/", {"decision": "confirm"}, follow=True)
    page = response.content.decode()
    assert "Link confirmed" in page and "El Salvador" in page  # the partner by name, not its code
    confirmed = page.split("Confirmed links", 1)[1]
    assert "sv-ref-42" in confirmed and "confirmed by home-supervisor" in confirmed
    link.refresh_from_db()
    assert link.status == PairStatus.CONFIRMED and link.decided_by == world.user("supervisor")
    assert PartnerLink.objects.filter(status=PairStatus.CONFIRMED).count() == 1
    # the other institution's reviewers do not see it
    other = login(Client(), world.user("supervisor", "other")).get("/linkage/review/").content.decode()
    assert "sv-ref-42" not in other and "No confirmed link." in other


def test_a_rejected_partner_link_is_acknowledged(world) -> None:
    link = _partner_link(world, make_person(world.actor("caseworker"), "Ana", "Tzul"), lead=0.93)
    reviewer = login(Client(), world.user("supervisor"))
    queue = reviewer.get("/linkage/review/").content.decode()
    assert "no other candidate" in queue and "next candidate" not in queue
    page = reviewer.post(f"/linkage/partner-links/{link.pk}/decide/", {"decision": "reject"}, follow=True)
    assert "Marked as not the same person." in page.content.decode()
    assert "sv-ref-42" not in page.content.decode()


def _in_group(world, left, right, cluster: str, weight: float = 11.0) -> CandidatePair:
    pair = _pair(world, left, right)
    CandidatePair.objects.filter(pk=pair.pk).update(cluster=cluster, match_weight=weight)
    pair.refresh_from_db()
    return pair


def test_the_queue_and_the_pair_page_show_the_runs_groups_within_what_the_reviewer_sees(world) -> None:
    """One person's three records (ours a, the other institution's b and c) in group "g1"; a pair the grouping
    kept apart; a two-record group. The b-c pair belongs to the other institution alone: never listed here."""
    home, other = world.actor("caseworker"), world.actor("caseworker", "other")
    a, b, c = make_person(home, "Ana", "Tzul"), make_person(other, "Ana", "Tsul"), make_person(other, "Anita", "Tzul")
    ab, ac, bc = _in_group(world, a, b, "g1", 12.0), _in_group(world, a, c, "g1", 9.0), _in_group(world, b, c, "g1")
    d, e = make_person(home, "Rosa", "Xol"), make_person(other, "Rosa", "Xol Caal")
    apart = _in_group(world, d, e, "", -2.0)
    f, g = make_person(home, "Juan", "Ajú"), make_person(home, "Juan", "Ajux")
    alone = _in_group(world, f, g, "g2", 5.0)
    reviewer = login(Client(), world.user("supervisor"))

    queue = reviewer.get("/linkage/review/").content.decode()
    assert f">#{bc.pk}</a>" not in queue and queue.count("Group 1 · 3 records") == 2
    row_of = {pair.pk: queue.split(f">#{pair.pk}</a>", 1)[1].split("</tr>", 1)[0] for pair in (ab, ac, apart, alone)}
    assert "Group 1 · 3 records" in row_of[ab.pk] and "Group 1 · 3 records" in row_of[ac.pk]
    assert "not grouped" in row_of[apart.pk] and "Group" not in row_of[apart.pk]
    assert "Group" not in row_of[alone.pk] and "not grouped" not in row_of[alone.pk]  # a pair alone is its group

    page = reviewer.get(f"/linkage/review/{ab.pk}/").content.decode()
    group = page.split('id="group-title"', 1)[1].split("</section>", 1)[0]
    assert "The run put these two records in a group of 3." in group
    assert f">#{ac.pk}</a>" in group and f">#{bc.pk}</a>" not in group and f">#{ab.pk}</a>" not in group
    assert "Tsul" not in group and "Anita" not in group  # pairs, institutions and weights: no identity
    kept_apart = reviewer.get(f"/linkage/review/{apart.pk}/").content.decode()
    assert "did not put these two records in one group" in kept_apart and 'id="group-title"' not in kept_apart
    assert 'id="group-title"' not in reviewer.get(f"/linkage/review/{alone.pk}/").content.decode()

    # the other institution sees all three pairs of the group
    theirs = login(Client(), world.user("supervisor", "other")).get(f"/linkage/review/{bc.pk}/").content.decode()
    assert f">#{ab.pk}</a>" in theirs and f">#{ac.pk}</a>" in theirs
    event = AuditEvent.objects.filter(action="linkage.pair.view", target_id=str(ab.pk)).get()
    assert event.details == {"own_records": 1, "persons_shown": [str(a.pk)], "group_pairs": 1}


def test_a_run_records_a_group_only_for_pairs_whose_records_it_put_together(world, monkeypatch) -> None:
    from amparo.linkage import engine

    home = world.actor("caseworker")
    a, b, c = (make_person(home, "Ana", s) for s in ("Tzul", "Tsul", "Chul"))

    def pair(x: Person, y: Person, weight: float) -> dict:
        return {
            "unique_id_l": str(x.pk),
            "unique_id_r": str(y.pk),
            "owner_org_l": x.owner_org_id,
            "owner_org_r": y.owner_org_id,
            "match_weight": weight,
            "match_probability": 0.9,
        }

    # a and b grouped; c on its own although linked (weakly) to a
    clusters = {str(a.pk): "g-ab", str(b.pk): "g-ab", str(c.pk): str(c.pk)}
    prediction = engine.Prediction(
        pairs=[pair(a, b, 12.0), pair(a, c, -3.0)], clusters=clusters, model={"comparisons": []}, blocked_pairs=2
    )
    monkeypatch.setattr(engine, "train_and_predict", lambda records, **kwargs: prediction)
    run = LinkageRun.objects.create(threshold=engine.DEFAULT_THRESHOLD)
    assert services.execute_run(run.pk)
    run.refresh_from_db()
    saved = {frozenset((str(p.left_id), str(p.right_id))): p.cluster for p in CandidatePair.objects.filter(run=run)}
    assert saved == {frozenset((str(a.pk), str(b.pk))): "g-ab", frozenset((str(a.pk), str(c.pk))): ""}
    assert run.cluster_count == 1
