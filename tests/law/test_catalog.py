"""The catalog file, its loader (idempotent, reports changes, audited) and what it says."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from amparo.accounts.actor import Actor
from amparo.audit.models import AuditEvent
from amparo.core.exceptions import PermissionDenied
from amparo.law.loader import DEFAULT_PATH, CatalogError, parse_date, parse_term, read_catalog
from amparo.law.models import Article, ArticleVersion, IncreaseRule, PenaltyBand, Provision
from amparo.law.services import catalog_load

pytestmark = pytest.mark.django_db
SYSTEM = Actor.for_system("test:law")


def test_the_file_holds_every_article_of_the_reference() -> None:
    data = read_catalog()
    numbers = {(a["law"], a["number"]) for a in data["articles"]}
    penal = {"173", "173 Bis", "174", "175", "176", "177", "178", "188", "189", "191", "192", "194"}
    penal |= {"202 Ter", "202 Quáter", "204"}
    assert {("penal-code", n) for n in penal} <= numbers
    assert {("immigration-law", "107"), ("immigration-law", "108")} <= numbers
    assert {law["code"] for law in data["laws"]} == {"penal-code", "decree-9-2009", "immigration-law"}


def test_the_migration_loaded_the_catalog() -> None:
    assert ArticleVersion.objects.count() == len(read_catalog()["versions"])


def test_194_ends_and_decree_9_2009_starts_in_april_2009_with_the_day_unverified() -> None:
    v194 = ArticleVersion.objects.get(code="cp-194-2005")
    ter = ArticleVersion.objects.get(code="cp-202ter-2009")
    assert (v194.effective_to, v194.effective_to_precision) == (datetime.date(2009, 4, 1), "month")
    assert (ter.effective_from, ter.effective_from_precision) == (datetime.date(2009, 4, 1), "month")
    assert not v194.dates_verified and not ter.dates_verified
    assert v194.successor == ter.article
    assert v194.possibly_in_force(datetime.date(2009, 4, 29)) and not v194.certainly_in_force(datetime.date(2009, 4, 2))
    assert ter.certainly_in_force(datetime.date(2009, 5, 1)) and not ter.possibly_in_force(datetime.date(2009, 3, 31))


def test_unverified_facts_carry_the_flag() -> None:
    assert not ArticleVersion.objects.get(code="cp-173-2009").verified  # 8-12 years (verify)
    assert not ArticleVersion.objects.get(code="cp-173bis-2009").verified  # 5-8 years (verify)
    assert ArticleVersion.objects.get(code="cp-194-2005").verified
    cap = Provision.objects.get(code="prison-cap")
    assert cap.max_prison_days == 50 * 365 and not cap.verified


def test_death_penalty_is_a_note_and_the_death_of_the_victim_is_not_computed() -> None:
    note = IncreaseRule.objects.get(code="cp-175-1973-death-penalty")
    assert note.kind == "note" and note.fraction is None
    death = IncreaseRule.objects.get(code="cp-194-2005-death")
    assert death.kind == "corresponding_crime" and death.fraction is None


def test_art_204_applies_to_its_list_of_articles() -> None:
    rule = IncreaseRule.objects.get(code="cp-204-2009-a")
    assert rule.applies_to == [
        "191", "192", "193", "193 Bis", "194", "195", "195 Bis", "195 Ter", "195 Quáter", "202 Ter", "202 Quáter"
    ]  # fmt: skip
    assert IncreaseRule.objects.filter(version__code="cp-204-2009").count() == 7


def test_loading_twice_changes_nothing_and_is_audited() -> None:
    first = catalog_load(actor=SYSTEM)
    assert not first.changed  # the migration already loaded it
    second = catalog_load(actor=SYSTEM)
    assert not second.changed
    events = AuditEvent.objects.filter(action="law.catalog_load")
    assert events.count() == 2
    assert events.last().details["changed"] is False


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalog.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_loader_reports_updates_creations_and_deletions(tmp_path: Path) -> None:
    # Correct 173 (2009) after verification: penalty and flag.
    path = _edited(
        tmp_path,
        'source = "guatemala-law.md"  # to verify\n  verified = false\n\n    [[articles.versions.bands]]\n'
        '    code = "base"\n    prison = ["8y", "12y"]',
        'source = "Diario de Centro America"\n  verified = true\n\n    [[articles.versions.bands]]\n'
        '    code = "base"\n    prison = ["8y", "12y"]\n\n    [[articles.versions.bands]]\n'
        '    code = "extra"\n    when_all = ["violence"]\n    prison = ["9y", "13y"]',
    )
    changes = catalog_load(actor=SYSTEM, path=path)
    assert changes.updated["versions"] == ["cp-173-2009"]
    assert changes.created["bands"] == ["cp-173-2009/extra"]
    assert ArticleVersion.objects.get(code="cp-173-2009").verified
    event = AuditEvent.objects.filter(action="law.catalog_load").last()
    assert event.details["updated_versions"] == 1 and event.details["created_bands"] == 1
    # Back to the reviewed file: the band goes away again.
    back = catalog_load(actor=SYSTEM)
    assert back.deleted["bands"] == ["cp-173-2009/extra"] and back.updated["versions"] == ["cp-173-2009"]
    assert not PenaltyBand.objects.filter(code="extra").exists()


def test_command(tmp_path: Path) -> None:
    out = StringIO()
    call_command("law_catalog", "load", stdout=out)
    assert "up to date" in out.getvalue()
    path = _edited(tmp_path, 'prison = ["2y", "5y"]', 'prison = ["3y", "5y"]')
    out = StringIO()
    call_command("law_catalog", "load", "--file", str(path), stdout=out)
    assert "updated bands: im-107-1998/base" in out.getvalue()
    assert PenaltyBand.objects.get(version__code="im-107-1998").prison_min_days == 3 * 365
    check = StringIO()
    call_command("law_catalog", "check", stdout=check)
    assert "OK" in check.getvalue()


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('when_any = ["physical_harm"]', 'when_any = ["bad_code"]', "unknown circumstance 'bad_code'"),
        ('fraction = "2/3"', 'fraction = "two thirds"', "bad fraction"),
        ('prison = ["6y", "12y"]', 'prison = ["12y", "6y"]', "minimum above maximum"),
        ('successor = "202 Ter"', 'successor = "202 Quinquies"', "not in the catalog"),
        (
            'effective_to = "2009-04"\n  dates_verified = false\n  successor',
            'effective_to = "2004-01"\n  dates_verified = false\n  successor',
            "after effective_from",
        ),
        (
            'code = "cp-173-2009"\n  effective_from = "2009-04"',
            'code = "cp-173-2009"\n  effective_from = "2008-04"',
            "overlap",
        ),
    ],
)
def test_a_bad_file_is_refused_and_changes_nothing(tmp_path: Path, old: str, new: str, problem: str) -> None:
    path = _edited(tmp_path, old, new)
    before = list(PenaltyBand.objects.values_list("pk", "prison_min_days"))
    with pytest.raises(CatalogError) as caught:
        catalog_load(actor=SYSTEM, path=path)
    assert any(problem in p for p in caught.value.problems), caught.value.problems
    assert list(PenaltyBand.objects.values_list("pk", "prison_min_days")) == before
    with pytest.raises(CommandError):
        call_command("law_catalog", "load", "--file", str(path))


def test_only_commands_load_the_catalog(world) -> None:
    with pytest.raises(PermissionDenied):
        catalog_load(actor=world.actor("prosecutor"))


def test_parsers() -> None:
    assert parse_term("6y") == 2190 and parse_term("6m") == 180 and parse_term("1y6m") == 545
    assert parse_date("2009-04") == (datetime.date(2009, 4, 1), "month")
    assert parse_date("1998") == (datetime.date(1998, 1, 1), "year")
    assert parse_date("2009-04-21") == (datetime.date(2009, 4, 21), "day")
    with pytest.raises(ValueError):
        parse_term("six years")


def test_articles_are_unique_per_law() -> None:
    assert Article.objects.filter(number="194").count() == 1
