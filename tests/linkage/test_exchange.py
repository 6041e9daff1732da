"""Partner exchange end to end: "El Salvador" exports its encodings, "Guatemala" (another data set) imports
and matches them. Bad files are refused with a clear message and nothing is imported."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from amparo.accounts.actor import Actor
from amparo.linkage import pprl
from amparo.linkage.exchange import partner_export, partner_import
from amparo.linkage.models import PartnerImport, PartnerLink
from amparo.linkage.synthetic import generate, save_as_persons
from amparo.people.models import Person

pytestmark = pytest.mark.django_db

SECRET = b"shared-secret-between-sv-and-gt-0123456789"
SYSTEM = Actor.for_system("test")


@pytest.fixture
def two_countries(world, settings, tmp_path):
    items = list(generate(400, seed=21, orgs=2))
    first_seen: set[int] = set()
    sv, gt = [], []
    for item in items:
        (gt if item.entity in first_seen else sv).append(item)
        first_seen.add(item.entity)
    # El Salvador's instance: its own persons, its export
    settings.LINKAGE_COUNTRY = "SV"
    sv_ids = save_as_persons(sv, [world.home.pk])
    out = tmp_path / "sv-to-gt.clk"
    partner_export(actor=SYSTEM, secret=SECRET, partner="GT", out=out)
    ref_entity = {pprl.export_id(sv_ids[i.record["unique_id"]], "GT"): i.entity for i in sv}
    Person.objects.all().delete()
    # Guatemala's instance: other data (later registrations of some of the same people, and others)
    settings.LINKAGE_COUNTRY = "GT"
    gt_ids = save_as_persons(gt, [world.home.pk, world.other.pk])
    person_entity = {gt_ids[i.record["unique_id"]]: i.entity for i in gt}
    truth = {i.entity for i in gt} & {i.entity for i in sv}
    return out.read_bytes(), ref_entity, person_entity, truth


def test_partner_exchange_end_to_end(two_countries) -> None:
    data, ref_entity, person_entity, truth = two_countries
    assert b"\t" in data and not any(n in data for n in (b"Mar", b"Coc", b"Gonz"))  # encodings only
    imported = partner_import(actor=SYSTEM, secret=SECRET, data=data)
    assert imported.partner == "SV" and imported.record_count == len(ref_entity)
    links = list(PartnerLink.objects.filter(partner_import=imported))
    correct = sum(ref_entity[link.partner_record] == person_entity[str(link.person_id)] for link in links)
    assert correct / len(links) >= 0.9
    assert correct / len(truth) >= 0.5  # the same people with other spellings, ages, documents
    assert all(link.owner_org_id == Person.objects.get(pk=link.person_id).owner_org_id for link in links)


def _mutate_header(data: bytes, **changes) -> bytes:
    head, rest = data.split(b"\n", 1)
    header = json.loads(head)
    header.update(changes)
    return json.dumps(header, sort_keys=True).encode() + b"\n" + rest


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("wrong_secret", "another shared secret"),
        ("schema", "another encoding schema"),
        ("version", "encoding version 2"),
        ("truncated", "incomplete"),
        ("tampered", "altered"),
        ("not_a_file", "not a partner linkage file"),
    ],
)
def test_bad_partner_files_are_refused_and_nothing_is_imported(two_countries, tmp_path, case, message) -> None:
    data = two_countries[0]
    secret = SECRET
    if case == "wrong_secret":
        secret = b"another-secret-another-secret-another-secret"
    elif case == "schema":
        data = _mutate_header(data, schema="clkhash-v3")
    elif case == "version":
        data = _mutate_header(data, version=2)
    elif case == "truncated":
        data = data[: len(data) // 2]
    elif case == "tampered":
        lines = data.split(b"\n")
        lines[3] = lines[3][:-4] + (b"AAAA" if not lines[3].endswith(b"AAAA") else b"BBBB")
        data = b"\n".join(lines)
    elif case == "not_a_file":
        data = b"nombre,apellido\nAna,Coc\n"
    (tmp_path / "secret").write_bytes(secret)
    (tmp_path / "file").write_bytes(data)
    with pytest.raises(CommandError, match=message) as exc:
        call_command("linkage_import", str(tmp_path / "file"), "--secret-file", str(tmp_path / "secret"))
    assert "Nothing was imported" in str(exc.value)
    assert not PartnerImport.objects.exists() and not PartnerLink.objects.exists()


def test_a_file_for_another_country_is_refused(two_countries, settings) -> None:
    settings.LINKAGE_COUNTRY = "HN"
    with pytest.raises(pprl.PartnerFileError, match="another country"):
        partner_import(actor=SYSTEM, secret=SECRET, data=two_countries[0])
    assert not PartnerImport.objects.exists()


def test_vectorized_dice_equals_anonlinks() -> None:
    import anonlink
    from bitarray import bitarray

    encoder = pprl.Encoder(SECRET)
    clks = [encoder.encode(i.record) for i in generate(60, seed=3)]
    ia, ib = np.repeat(np.arange(30), 30), np.tile(np.arange(30, 60), 30)
    ours = pprl.dice(clks, clks, ia, ib)

    def bits(c: bytes) -> bitarray:
        b = bitarray(endian="big")
        b.frombytes(c)
        return b

    for k, (a, b) in enumerate(zip(ia, ib, strict=True)):
        sims, _indices = anonlink.similarities.dice_coefficient_accelerated([[bits(clks[a])], [bits(clks[b])]], 0.0)
        assert ours[k] == pytest.approx(sims[0] if len(sims) else 0.0, abs=1e-9)


def test_fast_encoding_equals_the_token_by_token_reference() -> None:
    encoder = pprl.Encoder(SECRET)
    for item in generate(300, seed=4):
        assert encoder.encode(item.record) == encoder.encode_from_tokens(item.record)


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(pprl.PartnerFileError):
        pprl.Encoder(b"short")


def test_encoding_on_two_processes_gives_the_same_filters_in_order() -> None:
    encoder = pprl.Encoder(SECRET)
    records = [i.record for i in generate(300, seed=8)]
    assert encoder.encode_many(records, processes=2, min_records=1) == [encoder.encode(r) for r in records]


def _scored(pairs: list[tuple[int, int, float]]) -> pprl.Scored:
    ia, ib, sims = zip(*pairs, strict=True)
    return np.array(ia, dtype=np.int64), np.array(ib, dtype=np.int64), np.array(sims, dtype=np.float64)


def test_under_the_threshold_only_an_unambiguous_link_is_kept_when_a_lead_is_asked_for() -> None:
    """Our record 1 and their record 1 have no other candidate: linked at 0.6 with a lead of 0.05. Our record
    2's best, their 2 at 0.6, has a rival 0.02 lower (their record 3): ambiguous, not linked. Nothing under
    MIN_THRESHOLD. Without a lead (the default) the threshold alone decides."""
    scored = _scored([(0, 0, 0.9), (0, 1, 0.3), (1, 1, 0.6), (2, 2, 0.6), (2, 3, 0.58), (3, 4, 0.45)])
    ours, theirs = [b""] * 4, [b""] * 5
    encoder = pprl.Encoder(SECRET)
    links = pprl.match(encoder, ours, theirs, scored=scored, lead=pprl.SUGGESTED_LEAD)
    assert [(link.ours, link.theirs) for link in links] == [(0, 0), (1, 1)]
    assert [round(link.lead, 6) for link in links] == [0.6, 0.3]  # 0.9 - 0.3; 0.6 - their 1's rival (0.3)
    # a smaller lead keeps the ambiguous one; no lead keeps the threshold alone, and still measures the lead
    assert (2, 2) in {(k.ours, k.theirs) for k in pprl.match(encoder, ours, theirs, scored=scored, lead=0.01)}
    alone = pprl.match(encoder, ours, theirs, scored=scored)
    assert [(k.ours, k.theirs, round(k.lead, 6)) for k in alone] == [(0, 0, 0.6)]


def test_tied_best_candidates_are_never_both_linked() -> None:
    scored = _scored([(0, 0, 0.6), (0, 1, 0.6), (1, 1, 0.55)])
    links = pprl.match(pprl.Encoder(SECRET), [b""] * 2, [b""] * 2, scored=scored, lead=0)
    assert links == []  # (0, 0) ties with (0, 1); (1, 1) trails their record 1's other candidate


def test_links_equal_a_greedy_assignment_from_the_floor_filtered_by_lead() -> None:
    """The greedy solver runs on the pairs above the threshold only; the links must be those of the greedy
    assignment over every pair from MIN_THRESHOLD, keeping under the threshold those that lead by enough."""
    encoder = pprl.Encoder(SECRET)
    items = list(generate(1500, seed=12))
    first: set[int] = set()
    ours, theirs = [], []
    for item in items:
        (theirs if item.entity in first else ours).append(encoder.encode(item.record))
        first.add(item.entity)
    scored = pprl.scored_candidates(encoder, ours, theirs)
    rivals = pprl.Rivals(scored, len(ours), len(theirs))
    for threshold, lead in ((0.78, 0.05), (0.7, 0.1), (0.9, 0.02)):
        everything = pprl.match(encoder, ours, theirs, threshold=pprl.MIN_THRESHOLD, scored=scored)
        kept = [
            (k.ours, k.theirs)
            for k in everything
            if k.dice >= threshold
            or rivals.leads(np.array([k.ours]), np.array([k.theirs]), np.array([k.dice]))[0] >= lead
        ]
        links = pprl.match(encoder, ours, theirs, threshold=threshold, scored=scored, lead=lead)
        assert sorted((k.ours, k.theirs) for k in links) == sorted(kept)
        assert any(k.dice < threshold for k in links)  # the rule did keep some under the threshold


def test_the_lead_is_the_gap_to_the_best_other_candidate_of_either_record() -> None:
    rng = np.random.default_rng(5)
    pairs = {
        (int(a), int(b)): float(s)
        for a, b, s in zip(rng.integers(0, 30, 400), rng.integers(0, 40, 400), rng.random(400), strict=True)
    }
    scored = _scored([(a, b, s) for (a, b), s in pairs.items()])
    rivals = pprl.Rivals(scored, 30, 40)
    for (a, b), s in pairs.items():
        others = [v for (x, y), v in pairs.items() if (x == a) != (y == b)]
        expected = s - max(others, default=0.0)
        assert rivals.leads(np.array([a]), np.array([b]), np.array([s]))[0] == pytest.approx(expected)
