"""The review screens used as reviewers and administrators use them (audit of the linkage screens): protected
witnesses, double submits, merges through other pairs, pages left open across a run, labels, bad partner files."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound
from amparo.justice.protection_services import witness_protect
from amparo.linkage import exchange, pprl, services
from amparo.linkage.models import (
    CandidatePair,
    LinkageRun,
    PairStatus,
    PartnerImport,
    PartnerLink,
    PersonMerge,
    RunStatus,
)
from amparo.linkage.resolve import canonical_id
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db
SECRET = b"shared-secret-between-sv-and-gt-0123456789"


def _run(current: bool = True) -> LinkageRun:
    if current:
        found = LinkageRun.objects.filter(is_current=True).first()
        if found is not None:
            return found
    return LinkageRun.objects.create(threshold=6, status=RunStatus.SUCCEEDED, is_current=current)


def _pair(left, right, run: LinkageRun | None = None) -> CandidatePair:
    left, right = sorted((left, right), key=lambda p: str(p.pk))
    return CandidatePair.objects.create(
        run=run or _run(),
        left=left,
        right=right,
        left_org_id=left.owner_org_id,
        right_org_id=right.owner_org_id,
        match_weight=11.0,
        match_probability=0.99,
        evidence={"surnames": {"level": "first_exact", "weight": 5.1}},
    )


def _message(response) -> str:
    """The last message the page shows (earlier ones of redirects not followed show there too)."""
    return [str(m) for m in response.context["messages"]][-1]


def _protect(world, person, team=()) -> None:
    protection = witness_protect(
        world.actor("prosecutor"),
        person_id=person.pk,
        started_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    protection.team.add(*team)


def test_a_protected_witness_pair_does_not_exist_outside_the_protection_team(world) -> None:
    home = world.actor("caseworker")
    a, witness = make_person(home, "Ana", "Tzul"), make_person(home, "Ana", "Tzul Coc")
    other = make_person(world.actor("caseworker", "other"), "Ana", "Tsul")
    pair, cross = _pair(a, witness), _pair(witness, other)
    merge = PersonMerge.objects.create(survivor=a, absorbed=witness)
    link = PartnerLink.objects.create(
        partner_import=PartnerImport.objects.create(
            partner="SV", schema_version="1", record_count=1, file_sha256="1" * 64
        ),
        person=witness,
        owner_org=world.home,
        partner_record="sv-ref-7",
        dice=0.9,
    )
    reviewer = login(Client(), world.user("supervisor"))
    before = reviewer.get("/linkage/review/").content.decode()
    assert f">#{pair.pk}</a>" in before and "sv-ref-7" in before

    _protect(world, witness)
    queue = reviewer.get("/linkage/review/").content.decode()
    # neither the pair (whose evidence beside our record would describe the witness) nor the merge or link
    assert f">#{pair.pk}</a>" not in queue and "sv-ref-7" not in queue and "No merge." in queue
    assert reviewer.get(f"/linkage/review/{pair.pk}/").status_code == 404
    # the other institution's reviewer does not see the witness's pair either
    theirs = login(Client(), world.user("supervisor", "other"))
    assert f">#{cross.pk}</a>" not in theirs.get("/linkage/review/").content.decode()
    assert theirs.get(f"/linkage/review/{cross.pk}/").status_code == 404
    for act in (
        lambda: services.pair_decide(actor=world.actor("supervisor"), pair_id=pair.pk, decision="confirm"),
        lambda: services.merge_undo(actor=world.actor("supervisor"), merge_id=merge.pk),
        lambda: services.partner_link_decide(actor=world.actor("supervisor"), link_id=link.pk, decision="confirm"),
    ):
        with pytest.raises(NotFound):
            act()
    assert PersonMerge.objects.get(pk=merge.pk).undone_at is None


def test_the_protection_team_still_reviews_the_witness_pair(world) -> None:
    home = world.actor("caseworker")
    a, witness = make_person(home, "Ana", "Tzul"), make_person(home, "Ana", "Tzul Coc")
    pair = _pair(a, witness)
    _protect(world, witness, team=[world.user("supervisor")])
    reviewer = login(Client(), world.user("supervisor"))
    assert f">#{pair.pk}</a>" in reviewer.get("/linkage/review/").content.decode()
    assert reviewer.get(f"/linkage/review/{pair.pk}/").status_code == 200


def test_the_pair_page_names_countries_and_audits_which_records_it_showed(world) -> None:
    a = make_person(world.actor("caseworker"), "Ana", "Tzul", nationalities=["SV"])
    b = make_person(world.actor("caseworker", "other"), "Ana", "Tsul", nationalities=["HN"])
    pair = _pair(a, b)
    page = login(Client(), world.user("supervisor")).get(f"/linkage/review/{pair.pk}/").content.decode()
    facts = page.split("Nationalities", 1)[1].split("</dd>", 1)[0]
    assert "El Salvador" in facts and "SV" not in facts
    assert "Honduras" not in page  # the other institution's record stays without identity
    event = AuditEvent.objects.get(action="linkage.pair.view", target_id=str(pair.pk))
    assert event.details["persons_shown"] == [str(a.pk)]


def test_a_cross_institution_pair_says_that_confirming_waits_for_the_other_side(world) -> None:
    a = make_person(world.actor("caseworker"), "Ana", "Tzul")
    b = make_person(world.actor("caseworker", "other"), "Ana", "Tsul")
    c = make_person(world.actor("caseworker"), "Ana", "Tzul Coc")
    cross, own = _pair(a, b), _pair(a, c)
    reviewer = login(Client(), world.user("supervisor"))
    page = reviewer.get(f"/linkage/review/{cross.pk}/").content.decode()
    assert "Same person: confirm" in page and "Same person: merge" not in page
    assert "Same person: merge" in reviewer.get(f"/linkage/review/{own.pk}/").content.decode()

    reviewer.post(f"/linkage/review/{cross.pk}/decide/", {"decision": "confirm"})
    # a double submit changes nothing and is not audited twice
    again = reviewer.post(f"/linkage/review/{cross.pk}/decide/", {"decision": "confirm"}, follow=True)
    assert _message(again) == "Your institution has already given this answer."
    assert AuditEvent.objects.filter(action="linkage.pair.confirm", target_id=str(cross.pk)).count() == 1
    page = again.content.decode()
    assert "waiting for the other institution" in page and 'value="confirm"' not in page
    # the other side's reviewer merges with their confirmation
    theirs = login(Client(), world.user("supervisor", "other")).get(f"/linkage/review/{cross.pk}/").content.decode()
    assert "Same person: merge" in theirs


def test_undoing_a_merge_twice_says_so_and_changes_nothing(world) -> None:
    home = world.actor("caseworker")
    pair = _pair(make_person(home, "Ana", "Tzul"), make_person(home, "Ana", "Tsul"))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=pair.pk, decision="confirm")
    merge = PersonMerge.objects.get(pair=pair)
    reviewer = login(Client(), world.user("supervisor"))
    first = reviewer.post(f"/linkage/merges/{merge.pk}/undo/")
    assert first.status_code == 302 and first["Location"] == f"/linkage/review/{pair.pk}/"
    second = reviewer.post(f"/linkage/merges/{merge.pk}/undo/", follow=True)
    assert second.status_code == 200 and _message(second) == "This merge has already been undone."
    assert second.redirect_chain[-1][0] == f"/linkage/review/{pair.pk}/"
    assert AuditEvent.objects.filter(action="linkage.merge.undo").count() == 1
    # the other institution still gets a 404 for it
    other = login(Client(), world.user("supervisor", "other"))
    assert other.post(f"/linkage/merges/{merge.pk}/undo/").status_code == 404


def test_a_pair_merged_through_other_pairs_is_shown_so_and_reopened_when_they_are_undone(world) -> None:
    home = world.actor("caseworker")
    a, b, c = (make_person(home, "Ana", s) for s in ("Tzul", "Tsul", "Zul"))
    ab, bc, ac = _pair(a, b), _pair(b, c), _pair(a, c)
    boss = world.actor("supervisor")
    services.pair_decide(actor=boss, pair_id=ab.pk, decision="confirm")
    services.pair_decide(actor=boss, pair_id=bc.pk, decision="confirm")
    reviewer = login(Client(), world.user("supervisor"))
    pending = reviewer.get(f"/linkage/review/{ac.pk}/").content.decode()
    assert "already one person through merges made on other pairs" in pending

    services.pair_decide(actor=boss, pair_id=ac.pk, decision="confirm")
    ac.refresh_from_db()
    assert ac.status == PairStatus.MERGED and not PersonMerge.objects.filter(pair=ac).exists()
    merged = reviewer.get(f"/linkage/review/{ac.pk}/").content.decode()
    assert "one person through merges made on other pairs" in merged and 'value="confirm"' not in merged

    # the merge made on b-c joined the groups' surviving records, a and c: undoing it separates c again
    services.merge_undo(actor=boss, merge_id=PersonMerge.objects.get(pair=bc).pk)
    assert canonical_id(c.pk) != canonical_id(a.pk) and canonical_id(b.pk) == canonical_id(a.pk)
    statuses = dict(CandidatePair.objects.values_list("pk", "status"))
    # a and c are two persons again: their pair is open; a and b are still merged
    assert statuses == {ab.pk: PairStatus.MERGED, bc.pk: PairStatus.UNMERGED, ac.pk: PairStatus.UNMERGED}
    event = AuditEvent.objects.get(action="linkage.merge.undo")
    assert event.details == {"reopened_pairs": sorted([bc.pk, ac.pk])}
    assert 'value="confirm"' in reviewer.get(f"/linkage/review/{ac.pk}/").content.decode()


def test_a_merge_of_records_merged_earlier_can_be_undone_by_the_pairs_reviewers(world) -> None:
    """c (other institution, the earliest) absorbed a (ours); the pair a-b then merges c and b, both the other
    institution's records: our reviewer, who confirmed it, can still see and undo it."""
    other_worker = world.actor("caseworker", "other")
    c = make_person(other_worker, "Ana", "Tzul Coc")
    a = make_person(world.actor("caseworker"), "Ana", "Tzul")
    b = make_person(other_worker, "Ana", "Tsul")
    PersonMerge.objects.create(survivor=c, absorbed=a)
    ab = _pair(a, b)
    services.pair_decide(actor=world.actor("supervisor"), pair_id=ab.pk, decision="confirm")
    services.pair_decide(actor=world.actor("supervisor", "other"), pair_id=ab.pk, decision="confirm")
    merge = PersonMerge.objects.get(pair=ab)
    assert {merge.survivor_id, merge.absorbed_id} == {b.pk, c.pk}
    reviewer = login(Client(), world.user("supervisor"))
    assert f'/linkage/merges/{merge.pk}/undo/"' in reviewer.get(f"/linkage/review/{ab.pk}/").content.decode()
    assert reviewer.post(f"/linkage/merges/{merge.pk}/undo/").status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_a_page_left_open_across_a_run_leads_to_the_new_pair(world) -> None:
    home = world.actor("caseworker")
    a, b = make_person(home, "Ana", "Tzul"), make_person(home, "Ana", "Tsul")
    d, e = make_person(home, "Rosa", "Xol"), make_person(home, "Rosa", "Chol")
    old_run = _run()
    old, gone = _pair(a, b, old_run), _pair(d, e, old_run)
    LinkageRun.objects.filter(pk=old_run.pk).update(is_current=False)
    new = _pair(a, b, _run())
    reviewer = login(Client(), world.user("supervisor"))
    opened = reviewer.get(f"/linkage/review/{old.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/linkage/review/{new.pk}/"
    assert reviewer.get(f"/linkage/review/{gone.pk}/").status_code == 404

    response = reviewer.post(f"/linkage/review/{old.pk}/decide/", {"decision": "confirm"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/linkage/review/{new.pk}/"
    assert _message(response) == "This pair is from an earlier run; a newer run has replaced it. Review it again."
    response = reviewer.post(f"/linkage/review/{gone.pk}/decide/", {"decision": "reject"}, follow=True)
    assert response.redirect_chain[-1][0] == "/linkage/review/"
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == new.status == PairStatus.PENDING and not PersonMerge.objects.exists()
    # the other institution learns nothing about the old pair
    other = login(Client(), world.user("supervisor", "other"))
    assert other.get(f"/linkage/review/{old.pk}/").status_code == 404
    assert other.post(f"/linkage/review/{old.pk}/decide/", {"decision": "confirm"}).status_code == 404


def test_a_partner_link_decided_twice_says_so(world) -> None:
    link = PartnerLink.objects.create(
        partner_import=PartnerImport.objects.create(
            partner="SV", schema_version="1", record_count=1, file_sha256="2" * 64
        ),
        person=make_person(world.actor("caseworker"), "Ana", "Tzul"),
        owner_org=world.home,
        partner_record="sv-ref-9",
        dice=0.9,
    )
    reviewer = login(Client(), world.user("supervisor"))
    bogus = reviewer.post(f"/linkage/partner-links/{link.pk}/decide/", {"decision": "maybe"}, follow=True)
    assert _message(bogus) == "Choose whether they are the same person."
    reviewer.post(f"/linkage/partner-links/{link.pk}/decide/", {"decision": "confirm"})
    again = reviewer.post(f"/linkage/partner-links/{link.pk}/decide/", {"decision": "reject"}, follow=True)
    assert _message(again) == "This link has already been decided."
    link.refresh_from_db()
    assert link.status == PairStatus.CONFIRMED


def test_an_unknown_queue_filter_shows_the_open_pairs(world) -> None:
    home = world.actor("caseworker")
    open_pair = _pair(make_person(home, "Ana", "Tzul"), make_person(home, "Ana", "Tsul"))
    closed = _pair(make_person(home, "Rosa", "Xol"), make_person(home, "Rosa", "Chol"))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=closed.pk, decision="reject")
    page = login(Client(), world.user("supervisor")).get("/linkage/review/?status=bogus").content.decode()
    assert f">#{open_pair.pk}</a>" in page and f">#{closed.pk}</a>" not in page
    assert '<option value="open" selected>All open pairs</option>' in page


def test_the_runs_page_offers_no_start_while_a_run_is_in_progress(world) -> None:
    admin = login(Client(), world.user("administrator"))
    assert "Start a run" in admin.get("/linkage/runs/").content.decode()
    LinkageRun.objects.create(threshold=6, status=RunStatus.RUNNING)
    page = admin.get("/linkage/runs/").content.decode()
    assert "Start a run" not in page and "A run is already in progress" in page


def _signed_file(encoder: pprl.Encoder, header_changes: dict, body: list[tuple[str, str]]) -> bytes:
    """A partner file with a valid key check and authentication (what a partner holding the secret sends)."""
    buf = io.StringIO()
    pprl.write_file(buf, encoder, [], sender="SV", partner="GT")
    header = json.loads(buf.getvalue().split("\n", 1)[0])
    header.update(header_changes)
    head = json.dumps(header, sort_keys=True)
    lines = "".join(f"{ref}\t{b64}\n" for ref, b64 in body)
    mac = hmac.new(encoder.mac_key, digestmod=hashlib.sha256)
    mac.update(head.encode() + b"\n" + lines.encode() + f"count:{len(body)}".encode())
    return (head + "\n" + lines + json.dumps({"count": len(body), "mac": mac.hexdigest()}) + "\n").encode()


@pytest.mark.parametrize(
    ("changes", "body", "message"),
    [
        ({"sender": "<b>El Salvador</b>"}, None, "does not say which partner country sent it"),
        ({"sender": None}, None, "does not say which partner country sent it"),
        ({"sender": "GT"}, None, "does not say which partner country sent it"),
        ({}, [("sv-1", "abc")], "a record that cannot be read"),
    ],
)
def test_an_authentic_but_malformed_partner_file_is_refused_cleanly(world, settings, changes, body, message) -> None:
    settings.LINKAGE_COUNTRY = "GT"
    make_person(world.actor("caseworker"), "Ana", "Tzul")
    encoder = pprl.Encoder(SECRET)
    _persons, clks = exchange._our_encodings(encoder)

    rows = body if body is not None else [("sv-1", base64.b64encode(clks[0]).decode())]
    data = _signed_file(encoder, changes, rows)
    with pytest.raises(pprl.PartnerFileError, match=message):
        exchange.partner_import(actor=Actor.for_system("test"), secret=SECRET, data=data)
    assert not PartnerImport.objects.exists() and not PartnerLink.objects.exists()
    # the same file with a proper sender is accepted (the check is the sender, not the file)
    if changes:
        good = _signed_file(encoder, {}, rows)
        assert exchange.partner_import(actor=Actor.for_system("test"), secret=SECRET, data=good).partner == "SV"


def test_the_queue_says_whose_answer_a_pair_confirmed_by_one_side_waits_for(world) -> None:
    pair = _pair(
        make_person(world.actor("caseworker"), "Ana", "Tzul"), make_person(world.actor("caseworker", "other"), "Ana")
    )
    services.pair_decide(actor=world.actor("supervisor"), pair_id=pair.pk, decision="confirm")
    ours = login(Client(), world.user("supervisor")).get("/linkage/review/").content.decode()
    theirs = login(Client(), world.user("supervisor", "other")).get("/linkage/review/").content.decode()
    assert "by your institution: waiting for the other" in ours and "your answer is awaited" not in ours
    assert "by the other institution: your answer is awaited" in theirs and "waiting for the other" not in theirs


def test_the_merged_records_list_links_each_merge_to_its_pair(world) -> None:
    home = world.actor("caseworker")
    pair = _pair(make_person(home, "Ana", "Tzul"), make_person(home, "Ana", "Tsul"))
    services.pair_decide(actor=world.actor("supervisor"), pair_id=pair.pk, decision="confirm")
    queue = login(Client(), world.user("supervisor")).get("/linkage/review/").content.decode()
    merges = queue.split('id="merges-title"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/linkage/review/{pair.pk}/">#{pair.pk}</a>' in merges
