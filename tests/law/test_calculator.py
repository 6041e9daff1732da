"""The calculator against a table of cases written from the seed cable (08GUATEMALA327, which quotes the
Penal Code) and the reference (docs: guatemala-law.md).

Days: one year counts 365 days and one month 30; fractions are exact and rounded down at the end.
Default combination ("additive"): each increase adds its fraction of the BASE range. So art. 194 with a
minor victim (+1/3) who suffered physical harm (+2/3) is 6-12 years + (2-4) + (4-8) = 12-24 years.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from amparo.core.exceptions import ValidationFailed
from amparo.law.calculator import (
    JUDGMENT_DATE,
    OFFENCE_DATE,
    SUCCESSIVE,
    CalculationRequest,
    calculate,
    check_sentence,
    format_term,
)
from amparo.law.circumstances import Circumstances
from amparo.law.models import ArticleVersion

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 1, 15)
Y = 365  # days in a year (the calculator's convention)
M = 30  # days in a month
D2008 = datetime.date(2008, 6, 1)
D2010 = datetime.date(2010, 5, 1)


def years(n: float) -> int:
    return int(n * Y)


@dataclass
class Row:
    name: str
    article: str
    offence: datetime.date
    given: set[str] = field(default_factory=set)
    age: int | None = None
    prison: tuple[int, int] | None = None  # days (rounded down)
    fine: tuple[str, str] | None = None
    steps: list[str] = field(default_factory=list)  # codes of the rules applied, in order
    capped: bool = False
    combination: str = "additive"


TABLE = [
    # Art. 194 as of 2008: "will be sentenced to six to 12 years in prison".
    Row("194 base", "penal-code:194", D2008, prison=(years(6), years(12))),
    # "The penalty will be increased by a third when the victim is a minor, disabled, or elderly": 8-16 years.
    Row(
        "194 minor",
        "penal-code:194",
        D2008,
        age=15,
        prison=(years(8), years(16)),
        steps=["cp-194-2005-vulnerable"],
    ),
    Row(
        "194 minor without exact age",
        "penal-code:194",
        D2008,
        given={"victim_minor"},
        prison=(years(8), years(16)),
        steps=["cp-194-2005-vulnerable"],
    ),
    Row(
        "194 disabled",
        "penal-code:194",
        D2008,
        given={"victim_disabled"},
        prison=(years(8), years(16)),
        steps=["cp-194-2005-vulnerable"],
    ),
    Row(
        "194 elderly",
        "penal-code:194",
        D2008,
        given={"victim_elderly"},
        prison=(years(8), years(16)),
        steps=["cp-194-2005-vulnerable"],
    ),
    # A minor who is also disabled: one rule ("when the victim is a minor, disabled, or elderly"), one third.
    Row(
        "194 minor and disabled: one increase",
        "penal-code:194",
        D2008,
        age=16,
        given={"victim_disabled"},
        prison=(years(8), years(16)),
        steps=["cp-194-2005-vulnerable"],
    ),
    # "If the victim suffers physical harm, the penalty will be increased by two-thirds": 10-20 years.
    Row(
        "194 harm",
        "penal-code:194",
        D2008,
        given={"physical_harm"},
        prison=(years(10), years(20)),
        steps=["cp-194-2005-harm"],
    ),
    # Both, default additive rule: 6-12 + 1/3 of 6-12 (2-4) + 2/3 of 6-12 (4-8) = 12-24 years.
    Row(
        "194 minor and harm, additive",
        "penal-code:194",
        D2008,
        age=15,
        given={"physical_harm"},
        prison=(years(12), years(24)),
        steps=["cp-194-2005-vulnerable", "cp-194-2005-harm"],
    ),
    # The same under the successive rule: 6 x 4/3 = 8, x 5/3 = 13 1/3 years (4866.67 days), 12 -> 26 2/3 years.
    Row(
        "194 minor and harm, successive",
        "penal-code:194",
        D2008,
        age=15,
        given={"physical_harm"},
        prison=(4866, 9733),
        steps=["cp-194-2005-vulnerable", "cp-194-2005-harm"],
        combination=SUCCESSIVE,
    ),
    # Decree 9-2009, art. 202 Ter: 8 to 18 years and a fine of Q300,000 to Q500,000.
    Row("202 Ter base", "penal-code:202 Ter", D2010, prison=(years(8), years(18)), fine=("300000.00", "500000.00")),
    # Art. 204 (a) violence: +1/3 of prison and fine: 10 2/3 - 24 years; Q400,000 - Q666,666.66.
    Row(
        "202 Ter violence",
        "penal-code:202 Ter",
        D2010,
        given={"violence"},
        prison=(3893, years(24)),
        fine=("400000.00", "666666.66"),
        steps=["cp-204-2009-a"],
    ),
    # Three letters of art. 204, a third each, added: 8-18 + 3 x (2 2/3 - 6) = 16-36 years; fine doubled.
    Row(
        "202 Ter violence, weapons, pregnancy",
        "penal-code:202 Ter",
        D2010,
        given={"violence", "weapons_or_drugs", "victim_pregnant"},
        prison=(years(16), years(36)),
        fine=("600000.00", "1000000.00"),
        steps=["cp-204-2009-a", "cp-204-2009-e", "cp-204-2009-f"],
    ),
    # (d) a relative, (g) a public official: two letters.
    Row(
        "202 Ter relative and official",
        "penal-code:202 Ter",
        D2010,
        given={"offender_relative", "offender_public_official"},
        prison=(4866, years(30)),
        fine=("500000.00", "833333.33"),
        steps=["cp-204-2009-d", "cp-204-2009-g"],
    ),
    # Art. 204 has no increase for a minor victim: 202 Ter stays 8-18 years.
    Row(
        "202 Ter minor",
        "penal-code:202 Ter",
        D2010,
        age=15,
        prison=(years(8), years(18)),
        fine=("300000.00", "500000.00"),
    ),
    # Every letter: 8 + 7 x 2 2/3 = 26 2/3 years; 18 + 7 x 6 = 60 years, capped at 50 (art. 44, verify).
    Row(
        "202 Ter all of art. 204, capped at 50 years",
        "penal-code:202 Ter",
        D2010,
        given={
            "violence",
            "servile_marriage",
            "victim_lacks_capacity",
            "offender_relative",
            "weapons_or_drugs",
            "victim_pregnant",
            "offender_public_official",
        },
        prison=(9733, years(50)),
        fine=("1000000.00", "1666666.66"),
        steps=[f"cp-204-2009-{letter}" for letter in "abcdefg"],
        capped=True,
    ),
    # Art. 202 Quáter: 6-8 years; +2/3 if under 14 -> 10 - 13 1/3 years; doubled if under 10 -> 12-16 years.
    Row("202 Quáter base", "penal-code:202 Quáter", D2010, age=16, prison=(years(6), years(8))),
    Row(
        "202 Quáter under 14",
        "penal-code:202 Quáter",
        D2010,
        age=12,
        prison=(years(10), 4866),
        steps=["cp-202quater-2009-under-14"],
    ),
    Row(
        "202 Quáter under 10: doubled, not doubled plus two thirds",
        "penal-code:202 Quáter",
        D2010,
        age=8,
        prison=(years(12), years(16)),
        steps=["cp-202quater-2009-under-10"],
    ),
    Row(
        "202 Quáter under 10 with violence",
        "penal-code:202 Quáter",
        D2010,
        age=8,
        given={"violence"},
        prison=(years(14), 6813),
        steps=["cp-202quater-2009-under-10", "cp-204-2009-a"],
    ),
    # Art. 177 (rape by deceit): 1-2 years if the victim is 12-14, six months to one year if older than 14.
    Row("177 age 13", "penal-code:177", D2008, age=13, prison=(years(1), years(2))),
    Row("177 age 12", "penal-code:177", D2008, age=12, prison=(years(1), years(2))),
    Row("177 age 15", "penal-code:177", D2008, age=15, prison=(6 * M, years(1))),
    Row("177 age 14 (second band)", "penal-code:177", D2008, age=14, prison=(6 * M, years(1))),
    Row("177 age 17", "penal-code:177", D2008, age=17, prison=(6 * M, years(1))),
    # Art. 178: +2/3 when the perpetrator is a relative, educator, custodian or guardian.
    Row(
        "177 age 13 by a relative (178)",
        "penal-code:177",
        D2008,
        age=13,
        given={"offender_relative"},
        prison=(608, 1216),
        steps=["cp-178-1973-relation"],
    ),
    Row(
        "177 age 15 by an educator (178)",
        "penal-code:177",
        D2008,
        age=15,
        given={"offender_educator"},
        prison=(10 * M, 608),
        steps=["cp-178-1973-relation"],
    ),
    Row("176 age 13", "penal-code:176", D2008, age=13, prison=(years(1), years(2))),
    Row("176 age 16", "penal-code:176", D2008, age=16, prison=(6 * M, years(1))),
    Row("173 (2008)", "penal-code:173", D2008, prison=(years(6), years(12))),
    Row("174 (2008)", "penal-code:174", D2008, prison=(years(8), years(20))),
    Row(
        "175, victim under 10: 30-50 years, never death", "penal-code:175", D2008, age=8, prison=(years(30), years(50))
    ),
    # Corruption of minors: 2-6 years; +2/3 in six circumstances (one increase).
    Row("188 base", "penal-code:188", D2008, age=15, prison=(years(2), years(6))),
    Row(
        "188 victim under 12 for profit (189, one increase)",
        "penal-code:188",
        D2008,
        age=11,
        given={"for_profit"},
        prison=(1216, years(10)),
        steps=["cp-189-1973-aggravated"],
    ),
    # Procurement (191): a fine only: Q500-2,000 for others, Q300-1,000 for one's own benefit.
    Row("191 for others", "penal-code:191", D2008, given={"for_profit"}, fine=("500.00", "2000.00")),
    Row("191 own benefit", "penal-code:191", D2008, given={"own_benefit"}, fine=("300.00", "1000.00")),
    # Art. 192: the sanctions +1/3 (minor; relative...; violence, deceit or abuse of authority).
    Row(
        "191 for others, minor victim (192)",
        "penal-code:191",
        D2008,
        age=16,
        fine=("666.66", "2666.66"),
        steps=["cp-192-1973-aggravated"],
    ),
    Row(
        "191 own benefit with deceit (192)",
        "penal-code:191",
        D2008,
        given={"own_benefit", "deceit"},
        fine=("400.00", "1333.33"),
        steps=["cp-192-1973-aggravated"],
    ),
    # Immigration Law 107: 2-5 years; 108: +1/3 (minors; danger to health; public employee).
    Row("Immigration 107", "immigration-law:107", D2008, prison=(years(2), years(5))),
    Row(
        "Immigration 107 with minors (108)",
        "immigration-law:107",
        D2008,
        given={"victim_minor"},
        prison=(973, 2433),
        steps=["im-108-1998-aggravated"],
    ),
]


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r.name)
def test_table(row: Row) -> None:
    result = calculate(
        CalculationRequest(
            offence_date=row.offence,
            articles=(row.article,),
            circumstances=Circumstances(victim_age=row.age, given=frozenset(row.given)),
            combination=row.combination,
        ),
        today=TODAY,
    )
    (article,) = result.results
    outcome = next(o for o in article.outcomes if OFFENCE_DATE in o.roles)
    assert outcome.computed
    if row.prison is None:
        assert outcome.prison is None
    else:
        assert outcome.prison is not None
        assert (outcome.prison.low.days, outcome.prison.high.days) == row.prison
    if row.fine is None:
        assert outcome.fine is None
    else:
        assert outcome.fine is not None
        assert (outcome.fine.low, outcome.fine.high) == (Decimal(row.fine[0]), Decimal(row.fine[1]))
    assert [s.rule.code for s in outcome.steps if s.applied] == row.steps
    assert outcome.capped is row.capped


def _calc(article: str, offence: datetime.date, judgment: datetime.date | None = None, **circ) -> object:
    return calculate(
        CalculationRequest(
            offence_date=offence,
            judgment_date=judgment,
            articles=(article,),
            circumstances=Circumstances(victim_age=circ.get("age"), given=frozenset(circ.get("given", ()))),
        ),
        today=TODAY,
    )


def test_each_step_names_its_rule_source_and_the_running_range() -> None:
    (result,) = _calc("penal-code:194", D2008, age=15, given={"physical_harm"}).results
    minor, harm = result.outcomes[0].steps
    assert "08GUATEMALA327" in minor.rule.source and minor.rule.verified
    assert minor.fraction_text == "+1/3" and harm.fraction_text == "+2/3"
    assert (minor.prison_added.low.days, minor.prison_added.high.days) == (years(2), years(4))
    assert (minor.prison_after.low.days, minor.prison_after.high.days) == (years(8), years(16))
    # Additive: the second step adds 2/3 of the BASE range (4-8 years), not of 8-16.
    assert (harm.prison_added.low.days, harm.prison_added.high.days) == (years(4), years(8))
    assert harm.prison_after.high.text == "24 years"


def test_victims_death_reports_the_corresponding_crime_and_computes_nothing() -> None:
    (result,) = _calc("penal-code:194", D2008, age=15, given={"victim_death", "physical_harm"}).results
    outcome = result.outcomes[0]
    assert not outcome.computed and outcome.prison is None
    assert "corresponding crime" in outcome.not_computed_reason
    assert [s.rule.code for s in outcome.steps] == ["cp-194-2005-death"]
    check = check_sentence(
        version=outcome.version,
        circumstances=Circumstances(given=frozenset({"victim_death"})),
        prison_days=years(30),
        on=D2008,
    )
    assert check.within is None and check.reason_required


def test_death_penalty_of_art_175_is_a_note_never_an_outcome() -> None:
    (result,) = _calc("penal-code:175", D2008, age=8).results
    outcome = result.outcomes[0]
    assert outcome.computed and outcome.prison.high.days == years(50)
    assert any("death penalty" in note for note in outcome.notes)
    (older,) = _calc("penal-code:175", D2008, age=12).results
    assert older.outcomes[0].notes == []


def test_straddling_the_2009_change_shows_both_laws_and_marks_194_as_more_favourable() -> None:
    (result,) = _calc("penal-code:194", D2008, D2010).results
    assert result.law_changed
    old, new = result.outcomes
    assert old.version.code == "cp-194-2005" and old.roles == [OFFENCE_DATE]
    assert new.version.code == "cp-202ter-2009" and new.roles == [JUDGMENT_DATE]
    assert (old.prison.low.days, old.prison.high.days) == (years(6), years(12)) and old.fine is None
    assert (new.prison.low.days, new.prison.high.days) == (years(8), years(18))
    assert new.fine.low == Decimal("300000.00")
    assert old.more_favourable and not new.more_favourable


def test_straddling_with_a_minor_victim_under_each_law() -> None:
    # 194: minor +1/3 -> 8-16 years. 202 Ter: art. 204 has no minor increase -> 8-18 years + fine.
    (result,) = _calc("penal-code:194", D2008, D2010, age=15, given={"violence"}).results
    old, new = result.outcomes
    assert (old.prison.low.days, old.prison.high.days) == (years(8), years(16))
    assert "violence" in old.unused  # art. 194 (2005) has no increase for violence
    # 202 Ter with art. 204 (a) violence: 10 2/3 - 24 years.
    assert (new.prison.low.days, new.prison.high.days) == (3893, years(24))
    assert "victim_minor" not in new.unused  # derived from the age, never "given"
    assert old.more_favourable and not new.more_favourable


def test_no_range_is_marked_when_neither_is_lower_on_every_bound() -> None:
    # 194 with harm: 10-20 years, no fine; 202 Ter: 8-18 years and a fine. Neither dominates.
    (result,) = _calc("penal-code:194", D2008, D2010, given={"physical_harm"}).results
    assert result.law_changed
    assert not any(o.more_favourable for o in result.outcomes)
    assert "concrete case" in result.favourable_note


def test_rape_2008_then_judged_2010_the_old_version_is_more_favourable_and_the_new_one_unverified() -> None:
    (result,) = _calc("penal-code:173", D2008, D2010).results
    old, new = result.outcomes
    assert (old.prison.low.days, new.prison.low.days) == (years(6), years(8))
    assert old.more_favourable
    assert "penalty_unverified" in {f.code for f in new.flags}
    assert "penalty_unverified" not in {f.code for f in old.flags}


def test_offence_in_april_2009_the_month_of_the_unverified_change_shows_both_versions() -> None:
    (result,) = _calc("penal-code:194", datetime.date(2009, 4, 15)).results
    assert [o.version.code for o in result.outcomes] == ["cp-194-2005", "cp-202ter-2009"]
    for outcome in result.outcomes:
        assert OFFENCE_DATE in outcome.roles
        assert "date_uncertain" in {f.code for f in outcome.flags}
    assert result.outcomes[0].more_favourable


def test_same_version_at_offence_and_judgment_is_computed_once() -> None:
    (result,) = _calc("penal-code:202 Ter", D2010, datetime.date(2012, 1, 1)).results
    (outcome,) = result.outcomes
    assert outcome.roles == [OFFENCE_DATE, JUDGMENT_DATE] and not result.law_changed


def test_judgment_date_missing_warns_when_the_law_changed_later() -> None:
    (result,) = _calc("penal-code:194", D2008).results
    assert len(result.outcomes) == 1 and result.warnings


def test_unverified_facts_are_flagged_in_the_output() -> None:
    capped = _calc(
        "penal-code:202 Ter",
        D2010,
        given={
            "violence",
            "servile_marriage",
            "offender_partner",
            "weapons_or_drugs",
            "victim_pregnant",
            "victim_elderly",
        },
    )
    assert capped.results[0].outcomes[0].capped  # 18 + 6 x 6 = 54 years
    codes = {f.code for f in capped.results[0].outcomes[0].flags}
    assert "cap_unverified" in codes and "dates_unverified" in codes
    later = _calc("immigration-law:107", datetime.date(2012, 1, 1))
    assert "not_confirmed_after" in {f.code for f in later.results[0].outcomes[0].flags}
    assert capped.has_unverified


def test_format_term() -> None:
    assert format_term(years(6)) == "6 years"
    assert format_term(608) == "1 year, 8 months, 3 days"
    assert format_term(0) == "0 days"
    assert format_term(31) == "1 month, 1 day"


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        (
            {"offence_date": datetime.date(2008, 6, 1), "judgment_date": datetime.date(2008, 1, 1)},
            "judgment_date",
            "before",
        ),
        ({"offence_date": datetime.date(2026, 1, 1)}, "offence_date", "future"),
        ({"offence_date": D2008, "judgment_date": datetime.date(2026, 1, 1)}, "judgment_date", "future"),
        ({"offence_date": D2008, "articles": ("penal-code:202 Ter",)}, "articles", "not in force"),
        ({"offence_date": D2010, "articles": ("penal-code:194",)}, "articles", "202 Ter"),
        ({"offence_date": D2010, "articles": ("penal-code:204",)}, "articles", "only raises"),
        ({"offence_date": D2008, "articles": ("penal-code:999",)}, "articles", "not in the catalog"),
        ({"offence_date": D2008, "articles": ()}, "articles", "at least one"),
        ({"offence_date": D2008, "circumstances": Circumstances(victim_age=200)}, "victim_age", "between"),
        (
            {"offence_date": D2008, "circumstances": Circumstances(victim_age=30, given=frozenset({"victim_minor"}))},
            "circumstances",
            "minor",
        ),
        (
            {"offence_date": D2008, "circumstances": Circumstances(given=frozenset({"bribery"}))},
            "circumstances",
            "bribery",
        ),
        ({"offence_date": D2008, "combination": "max"}, "combination", "Unknown"),
        ({"offence_date": D2008, "articles": ("penal-code:177",)}, "victim_age", "depends on the victim's age"),
        (
            {"offence_date": D2008, "articles": ("penal-code:177",), "circumstances": Circumstances(victim_age=11)},
            "victim_age",
            "No penalty",
        ),
    ],
)
def test_bad_input_gives_a_clear_error(kwargs, field, text) -> None:
    request = CalculationRequest(**{"articles": ("penal-code:194",), **kwargs})
    with pytest.raises(ValidationFailed) as caught:
        calculate(request, today=TODAY)
    messages = " ".join(str(m) for m in caught.value.errors[field])
    assert text in messages, messages


def test_errors_are_in_the_users_language() -> None:
    from django.utils import translation

    with translation.override("es"), pytest.raises(ValidationFailed) as caught:
        calculate(CalculationRequest(offence_date=datetime.date(2030, 1, 1), articles=("penal-code:194",)), today=TODAY)
    # The message goes through gettext (the integrator translates the catalogue); it is a str either way.
    assert caught.value.errors["offence_date"][0]


def test_check_sentence() -> None:
    version = ArticleVersion.objects.get(code="cp-194-2005")
    minor = Circumstances(victim_age=15)
    inside = check_sentence(version=version, circumstances=minor, prison_days=years(9), on=D2008)
    assert inside.within is True and not inside.reason_required
    edge = check_sentence(version=version, circumstances=minor, prison_days=years(16), on=D2008)
    assert edge.within is True
    outside = check_sentence(version=version, circumstances=minor, prison_days=years(20), on=D2008)
    assert outside.within is False and outside.reason_required and "outside" in outside.problems[0]
    below = check_sentence(version=version, circumstances=Circumstances(), prison_days=years(5), on=D2008)
    assert below.within is False
    with pytest.raises(ValidationFailed):
        check_sentence(version=version, circumstances=minor, prison_days=-1)
    with pytest.raises(ValidationFailed):
        check_sentence(version=version, circumstances=minor, prison_days=years(150))
    ter = ArticleVersion.objects.get(code="cp-202ter-2009")
    fine_low = check_sentence(version=ter, circumstances=Circumstances(), prison_days=years(10), fine=Decimal("1000"))
    assert fine_low.within is False and "fine" in fine_low.problems[0]
    with pytest.raises(ValidationFailed):
        check_sentence(version=ter, circumstances=Circumstances(), prison_days=years(10), on=D2008)


def test_version_in_force_for_charges() -> None:
    from amparo.law.models import Article
    from amparo.law.selectors import version_in_force

    article = Article.objects.get(law__code="penal-code", number="194")
    assert version_in_force(article, D2008).code == "cp-194-2005"
    with pytest.raises(ValidationFailed) as caught:
        version_in_force(article, D2010)
    assert "202 Ter" in str(caught.value.errors["offence_date"][0])
