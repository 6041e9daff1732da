"""What a new run keeps of the previous run's review: merges (and their undoing), confirmations by one side and
rejections, with their decision records. The engine is replaced by a fixed prediction: only the bookkeeping
around it is under test here (its accuracy is benchmarked elsewhere)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.linkage import engine, services
from amparo.linkage.models import CandidatePair, LinkageRun, PairDecision, PairStatus, PersonMerge
from amparo.linkage.resolve import canonical_id
from amparo.people.models import Person
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_with(monkeypatch):
    """Run duplicate detection with the engine predicting exactly the given pairs of persons."""

    def run(*pairs: tuple[Person, Person]) -> LinkageRun:
        prediction = engine.Prediction(
            pairs=[
                {
                    "unique_id_l": str(a.pk),
                    "unique_id_r": str(b.pk),
                    "owner_org_l": a.owner_org_id,
                    "owner_org_r": b.owner_org_id,
                    "match_weight": 11.0,
                    "match_probability": 0.99,
                }
                for a, b in pairs
            ],
            clusters={},
            model={"comparisons": []},
            blocked_pairs=len(pairs),
        )
        monkeypatch.setattr(engine, "train_and_predict", lambda records, **kwargs: prediction)
        new = LinkageRun.objects.create(threshold=engine.DEFAULT_THRESHOLD)
        assert services.execute_run(new.pk)
        new.refresh_from_db()
        assert new.is_current
        return new

    return run


def _pair(run: LinkageRun, a: Person, b: Person) -> CandidatePair:
    left, right = sorted((a, b), key=lambda p: str(p.pk))
    return CandidatePair.objects.get(run=run, left=left, right=right)


def _decisions(pair: CandidatePair) -> set[tuple[int, int | None, str, datetime.datetime]]:
    return {(d.organization_id, d.decided_by_id, d.decision, d.decided_at) for d in pair.decisions.all()}


def _edit(person: Person) -> None:
    """An edit of the record (person_update saves the person, which moves updated_at)."""
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=1))


def test_undo_after_a_new_run_reopens_the_current_pair(world, run_with) -> None:
    worker = world.actor("caseworker")
    a, b = make_person(worker, "Ana", "Tzul"), make_person(worker, "Ana", "Tsul")
    first = run_with((a, b))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(first, a, b).pk, decision="confirm")
    merge = PersonMerge.objects.get(undone_at__isnull=True)

    second = run_with((a, b))
    current = _pair(second, a, b)
    assert current.status == PairStatus.MERGED
    merge.refresh_from_db()
    assert merge.pair_id == current.pk  # the merge follows its pair into the new run
    assert _decisions(current) == _decisions(_pair(first, a, b))  # who confirmed, and when

    reviewer = login(Client(), world.user("supervisor"))
    page = reviewer.get(f"/linkage/review/{current.pk}/").content.decode()
    assert f"/linkage/merges/{merge.pk}/undo/" in page
    response = reviewer.post(f"/linkage/merges/{merge.pk}/undo/")
    assert response.status_code == 302 and response.url == f"/linkage/review/{current.pk}/"
    current.refresh_from_db()
    assert current.status == PairStatus.UNMERGED and not current.decisions.exists()
    assert canonical_id(b.pk) == b.pk
    queue = reviewer.get("/linkage/review/").content.decode()
    assert f"/linkage/review/{current.pk}/" in queue and "Merge undone" in queue
    assert "No merge." in queue

    third = run_with((a, b))
    assert _pair(third, a, b).status == PairStatus.UNMERGED  # back in review, not "merged" again
    # and the pair can be decided again
    again = services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(third, a, b).pk, decision="confirm")
    assert again.status == PairStatus.MERGED and canonical_id(b.pk) == canonical_id(a.pk)


def test_undo_of_a_merge_still_pointing_at_an_old_runs_pair(world, run_with) -> None:
    """Data written before the fix: the merge names the first run's pair, the current pair says merged."""
    worker = world.actor("caseworker")
    a, b = make_person(worker, "Ana", "Tzul"), make_person(worker, "Ana", "Tsul")
    first = run_with((a, b))
    old = _pair(first, a, b)
    services.pair_decide(actor=world.actor("supervisor"), pair_id=old.pk, decision="confirm")
    second = run_with((a, b))
    current = _pair(second, a, b)
    merge = PersonMerge.objects.get(undone_at__isnull=True)
    PersonMerge.objects.filter(pk=merge.pk).update(pair=old)

    reviewer = login(Client(), world.user("supervisor"))
    assert f"/linkage/merges/{merge.pk}/undo/" in reviewer.get(f"/linkage/review/{current.pk}/").content.decode()
    response = reviewer.post(f"/linkage/merges/{merge.pk}/undo/")
    assert response.url == f"/linkage/review/{current.pk}/"
    current.refresh_from_db()
    assert current.status == PairStatus.UNMERGED


def test_a_merged_pair_missing_from_one_run_is_still_merged_when_it_comes_back(world, run_with) -> None:
    worker = world.actor("caseworker")
    a, b, c = (make_person(worker, "Ana", s) for s in ("Tzul", "Tsul", "Coc"))
    first = run_with((a, b))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(first, a, b).pk, decision="confirm")
    run_with((a, c))
    third = run_with((a, b))
    back = _pair(third, a, b)
    assert back.status == PairStatus.MERGED
    assert PersonMerge.objects.get(undone_at__isnull=True).pair_id == back.pk


def test_a_merge_undone_before_the_run_is_not_copied_forward(world, run_with) -> None:
    worker = world.actor("caseworker")
    a, b = make_person(worker, "Ana", "Tzul"), make_person(worker, "Ana", "Tsul")
    first = run_with((a, b))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(first, a, b).pk, decision="confirm")
    merge = PersonMerge.objects.get(undone_at__isnull=True)
    services.merge_undo(actor=world.actor("supervisor"), merge_id=merge.pk)
    assert _pair(run_with((a, b)), a, b).status == PairStatus.UNMERGED


def _confirmed_and_rejected(world, run_with):
    """A run where the home reviewer confirmed a cross-institution pair (a, b) and rejected an own one (c, d)."""
    a = make_person(world.actor("caseworker"), "María José", "Coc Caal")
    b = make_person(world.actor("caseworker", "other"), "Majo", "Coc", documents=[])
    c = make_person(world.actor("caseworker"), "Rosa", "Batz")
    d = make_person(world.actor("caseworker"), "Rosa", "Batz Coj")
    first = run_with((a, b), (c, d))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(first, a, b).pk, decision="confirm")
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(first, c, d).pk, decision="reject")
    return a, b, c, d, first


def test_one_sides_confirmation_and_rejections_carry_over_with_their_records(world, run_with) -> None:
    a, b, c, d, first = _confirmed_and_rejected(world, run_with)

    second = run_with((a, b), (c, d))
    confirmed, rejected = _pair(second, a, b), _pair(second, c, d)
    assert confirmed.status == PairStatus.CONFIRMED
    assert rejected.status == PairStatus.REJECTED
    assert _decisions(confirmed) == _decisions(_pair(first, a, b))
    assert _decisions(rejected) == _decisions(_pair(first, c, d))
    decision = confirmed.decisions.get()
    assert decision.decided_by == world.user("supervisor") and decision.organization_id == world.home.pk

    # the home reviewer still waits for the other side; the other side's confirmation merges
    page = login(Client(), world.user("supervisor")).get(f"/linkage/review/{confirmed.pk}/").content.decode()
    assert "waiting for the other institution" in page
    merged = services.pair_decide(actor=world.actor("supervisor", "other"), pair_id=confirmed.pk, decision="confirm")
    assert merged.status == PairStatus.MERGED


def test_decisions_on_records_edited_since_go_back_to_review(world, run_with) -> None:
    a, b, c, d, first = _confirmed_and_rejected(world, run_with)
    _edit(b)
    _edit(d)

    second = run_with((a, b), (c, d))
    for pair in (_pair(second, a, b), _pair(second, c, d)):
        assert pair.status == PairStatus.PENDING and not pair.decisions.exists()
    # the earlier run keeps its history
    assert PairDecision.objects.filter(pair__run=first).count() == 2


def test_a_rejection_recorded_without_a_decision_row_still_carries_over(world, run_with) -> None:
    """Rejections carried over before decision records were copied have none: they are kept as they are."""
    worker = world.actor("caseworker")
    c, d = make_person(worker, "Rosa", "Batz"), make_person(worker, "Rosa", "Batz Coj")
    first = run_with((c, d))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(first, c, d).pk, decision="reject")
    PairDecision.objects.all().delete()
    assert _pair(run_with((c, d)), c, d).status == PairStatus.REJECTED
