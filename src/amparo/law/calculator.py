"""The penalty calculator. It reads the catalog and writes nothing.

Public API (used by the screens, the JSON API and the justice app):

``calculate(request, *, today=None) -> Calculation``
    ``CalculationRequest(offence_date, articles=("penal-code:194", ...), judgment_date=None,
    circumstances=Circumstances(victim_age=15, given=frozenset({"physical_harm"})), combination=ADDITIVE)``.
    For each article: the version(s) in force from the offence date to the judgment date (following the
    article that replaced it, e.g. 194 -> 202 Ter), each with its penalty band, every increase as a named
    step with its source, the range in days (shown in years, months and days), the fine, the 50-year cap,
    the flags of unverified facts, and, when the law changed, the more favourable range marked
    (Constitution art. 15; Penal Code art. 2). Bad input raises ``ValidationFailed`` with translated
    messages per field (offence_date, judgment_date, articles, victim_age, circumstances, combination).

``check_sentence(*, version, circumstances, prison_days=None, fine=None, on=None, combination=ADDITIVE)``
    ``-> SentenceCheck(within, reason_required, outcome, problems)``: whether a recorded sentence lies
    inside the range computed for that article version and circumstances (``on``: the date the rules are
    taken at, normally the offence date). ``within`` is None when the range is not computed (e.g. the
    victim's death under art. 194: the penalty of the corresponding crime); a reason is then required too.
    Negative or absurd terms raise ``ValidationFailed``.

``version_in_force(article, on) -> ArticleVersion`` (in ``selectors``) for charges: the version in force
on the offence date, or ``ValidationFailed`` naming when the article was in force.

``format_term(days) -> str``: "8 years, 4 months" in the user's language.

Conventions (named in every result): a year counts 365 days and a month 30; fractions are computed exactly
and rounded down to whole days and to the cent at the end (in favour of the accused); the default
combination adds each fraction of the base range ("additive"); "successive" applies each increase to the
running result instead. Rules of the same group do not add up: only the greatest applies.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from amparo.core.exceptions import ValidationFailed

from .circumstances import GIVEN, MAX_AGE, Circumstances
from .loader import DAYS_PER_MONTH, DAYS_PER_YEAR
from .models import (
    Article,
    ArticleVersion,
    DatePrecision,
    IncreaseRule,
    PenaltyBand,
    PenaltyKind,
    Provision,
    RuleKind,
)

ADDITIVE = "additive"
SUCCESSIVE = "successive"
COMBINATIONS = {
    ADDITIVE: gettext_lazy("Each fraction of the base range, added (default)"),
    SUCCESSIVE: gettext_lazy("Each increase applied to the running result, in turn"),
}
MAX_ARTICLES = 10
ABSURD_PRISON_DAYS = 100 * DAYS_PER_YEAR

OFFENCE_DATE = "offence_date"
JUDGMENT_DATE = "judgment_date"
INTERMEDIATE = "intermediate"


# ----------------------------------------------------------------------------------------- input / output


@dataclass(frozen=True)
class CalculationRequest:
    offence_date: datetime.date
    articles: tuple[str, ...]
    judgment_date: datetime.date | None = None
    circumstances: Circumstances = field(default_factory=Circumstances)
    combination: str = ADDITIVE


@dataclass(frozen=True)
class Term:
    """A prison term: exact days, shown rounded down."""

    exact: Fraction

    @property
    def days(self) -> int:
        return math.floor(self.exact)

    @property
    def text(self) -> str:
        return format_term(self.days)


@dataclass(frozen=True)
class PrisonRange:
    low: Term
    high: Term

    @classmethod
    def of(cls, low: Fraction, high: Fraction) -> PrisonRange:
        return cls(Term(low), Term(high))


@dataclass(frozen=True)
class FineRange:
    low_exact: Fraction
    high_exact: Fraction

    @property
    def low(self) -> Decimal:
        return _to_cents(self.low_exact)

    @property
    def high(self) -> Decimal:
        return _to_cents(self.high_exact)


@dataclass
class Step:
    rule: IncreaseRule
    matched: list[str]  # circumstance codes that triggered it
    applied: bool = True
    skipped_reason: str = ""
    prison_added: PrisonRange | None = None
    prison_after: PrisonRange | None = None
    fine_added: FineRange | None = None
    fine_after: FineRange | None = None

    @property
    def fraction_text(self) -> str:
        return fraction_text(self.rule.fraction)


@dataclass
class Flag:
    code: str
    message: str


@dataclass
class Outcome:
    version: ArticleVersion
    roles: list[str]
    at: datetime.date  # the date the increase rules were taken at
    band: PenaltyBand
    base_prison: PrisonRange | None
    base_fine: FineRange | None
    steps: list[Step] = field(default_factory=list)
    prison: PrisonRange | None = None
    fine: FineRange | None = None
    capped: bool = False
    computed: bool = True
    not_computed_reason: str = ""
    notes: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    more_favourable: bool = False

    @property
    def role_labels(self) -> list[str]:
        names = {
            OFFENCE_DATE: _("law at the offence date"),
            JUDGMENT_DATE: _("law at the judgment date"),
            INTERMEDIATE: _("law in force in between"),
        }
        return [names[r] for r in self.roles]

    def bounds(self) -> tuple[Fraction, Fraction, Fraction, Fraction]:
        prison = self.prison or PrisonRange.of(Fraction(0), Fraction(0))
        fine = self.fine or FineRange(Fraction(0), Fraction(0))
        return prison.low.exact, prison.high.exact, fine.low_exact, fine.high_exact


@dataclass
class ArticleResult:
    article: Article
    outcomes: list[Outcome]
    law_changed: bool = False
    favourable_note: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Calculation:
    request: CalculationRequest
    results: list[ArticleResult]
    combination_label: str
    conventions: list[str]
    cap: Provision | None

    @property
    def has_unverified(self) -> bool:
        return any(o.flags for r in self.results for o in r.outcomes)


@dataclass
class SentenceCheck:
    within: bool | None
    reason_required: bool
    outcome: Outcome
    problems: list[str]


# ----------------------------------------------------------------------------------------- formatting


def format_term(days: int) -> str:
    """Days as years, months and days (a year counts 365 days, a month 30)."""
    years, rest = divmod(days, DAYS_PER_YEAR)
    months, rest = divmod(rest, DAYS_PER_MONTH)
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if months:
        parts.append(ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
    if rest or not parts:
        parts.append(ngettext("%(n)d day", "%(n)d days", rest) % {"n": rest})
    return ", ".join(parts)


def fraction_text(value: Fraction | None) -> str:
    if value is None:
        return ""
    if value == 1:
        return _("double")
    return f"+{value.numerator}/{value.denominator}"


def period_text(day: datetime.date, precision: str) -> str:
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(day, "F Y")
    return formats.date_format(day, "DATE_FORMAT")


def version_period(version: ArticleVersion) -> str:
    start = period_text(version.effective_from, version.effective_from_precision)
    if version.effective_to is None:
        return _("from %(start)s") % {"start": start}
    end = period_text(version.effective_to, version.effective_to_precision)
    return _("%(start)s to %(end)s") % {"start": start, "end": end}


def article_label(article: Article) -> str:
    return _("%(law)s art. %(number)s") % {"law": article.law.name, "number": article.number}


def format_amount(value: Decimal | int) -> str:
    """An amount of money in the active language, with two decimals and thousands grouped
    (300000 -> "300 000,00" in Spanish, "300,000.00" in English), whatever USE_THOUSAND_SEPARATOR says."""
    return formats.number_format(Decimal(value), decimal_pos=2, force_grouping=True)


def format_money(value: Decimal | int) -> str:
    """An amount in quetzales: "Q" and the localized amount."""
    return f"Q{format_amount(value)}"


def _to_cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


# ----------------------------------------------------------------------------------------- the catalog in memory


class _Snapshot:
    """The whole catalog, read once per calculation (it has a few dozen rows)."""

    def __init__(self) -> None:
        self.articles = {a.ref: a for a in Article.objects.select_related("law")}
        self.by_article: dict[int, list[ArticleVersion]] = defaultdict(list)
        versions = ArticleVersion.objects.select_related("article__law", "successor__law").prefetch_related("bands")
        for version in versions.order_by("effective_from"):
            self.by_article[version.article_id].append(version)
        self.rules = list(IncreaseRule.objects.select_related("version__article__law"))
        self.cap = Provision.objects.filter(code="prison-cap").first()

    def lineage(self, article: Article) -> list[ArticleVersion]:
        """The article's versions, then those of the article that replaced it, and so on."""
        chain: list[ArticleVersion] = []
        seen: set[int] = set()
        current: Article | None = article
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            versions = self.by_article.get(current.pk, [])
            chain.extend(versions)
            last = versions[-1] if versions else None
            current = last.successor if last is not None and last.effective_to is not None else None
        return chain

    def rules_for(self, version: ArticleVersion, on: datetime.date) -> list[IncreaseRule]:
        article = version.article
        return [
            rule
            for rule in self.rules
            if rule.version.article.law_id == article.law_id
            and article.number in rule.applies_to
            and (rule.version_id == version.pk or rule.version.article_id != article.pk)
            and rule.version.possibly_in_force(on)
        ]


# ----------------------------------------------------------------------------------------- validation


def _validate(request: CalculationRequest, today: datetime.date, snapshot: _Snapshot) -> list[Article]:
    errors: dict[str, list[str]] = defaultdict(list)
    offence, judgment = request.offence_date, request.judgment_date
    if offence > today:
        errors["offence_date"].append(_("The offence date is in the future."))
    if judgment is not None:
        if judgment < offence:
            errors["judgment_date"].append(_("The judgment date is before the offence date."))
        if judgment > today:
            errors["judgment_date"].append(
                _("The judgment date is in the future: leave it empty or give today's date for a pending case.")
            )
    if request.combination not in COMBINATIONS:
        errors["combination"].append(_("Unknown combination rule."))
    c = request.circumstances
    if c.victim_age is not None and not 0 <= c.victim_age <= MAX_AGE:
        errors["victim_age"].append(_("The victim's age must be between 0 and %(max)d.") % {"max": MAX_AGE})
    unknown = sorted(set(c.given) - set(GIVEN))
    if unknown:
        errors["circumstances"].append(_("Unknown circumstances: %(codes)s.") % {"codes": ", ".join(unknown)})
    if c.victim_age is not None and c.victim_age >= 18 and "victim_minor" in c.given:
        errors["circumstances"].append(_("The victim is marked as a minor but the age given is 18 or more."))
    articles: list[Article] = []
    if not request.articles:
        errors["articles"].append(_("Choose at least one article."))
    elif len(request.articles) > MAX_ARTICLES:
        errors["articles"].append(_("Choose at most %(n)d articles.") % {"n": MAX_ARTICLES})
    for ref in dict.fromkeys(request.articles):
        article = snapshot.articles.get(ref)
        if article is None:
            errors["articles"].append(_("The article %(ref)s is not in the catalog.") % {"ref": ref})
            continue
        versions = snapshot.by_article.get(article.pk, [])
        if versions and not any(v.is_offence for v in versions):
            errors["articles"].append(
                _(
                    "%(article)s only raises the penalties of other articles: choose the article of the offence "
                    "(it applies to %(targets)s)."
                )
                % {"article": article_label(article), "targets": ", ".join(_targets(snapshot, versions))}
            )
            continue
        if not errors.get("offence_date") and not any(v.possibly_in_force(offence) for v in versions):
            errors["articles"].append(_not_in_force_message(article, versions, offence))
            continue
        articles.append(article)
    if errors:
        raise ValidationFailed(dict(errors))
    return articles


def _targets(snapshot: _Snapshot, versions: list[ArticleVersion]) -> list[str]:
    targets: list[str] = []
    for rule in snapshot.rules:
        if rule.version_id in {v.pk for v in versions}:
            targets += [t for t in rule.applies_to if t not in targets]
    return targets


def _not_in_force_message(article: Article, versions: list[ArticleVersion], day: datetime.date) -> str:
    when = formats.date_format(day, "DATE_FORMAT")
    if not versions:
        return _("The catalog holds no version of %(article)s.") % {"article": article_label(article)}
    first, last = versions[0], versions[-1]
    if day < first.effective_from:
        return _("%(article)s was not in force on %(date)s: the catalog has it %(period)s.") % {
            "article": article_label(article),
            "date": when,
            "period": version_period(first),
        }
    message = _("The catalog holds no version of %(article)s in force on %(date)s (it has it %(period)s).") % {
        "article": article_label(article),
        "date": when,
        "period": ", ".join(version_period(v) for v in versions),
    }
    if last.successor is not None:
        message += " " + _("The offence continued as %(successor)s.") % {"successor": article_label(last.successor)}
    return message


# ----------------------------------------------------------------------------------------- computing


def _pick_band(version: ArticleVersion, circumstances: Circumstances, codes: frozenset[str]) -> PenaltyBand:
    bands = list(version.bands.all())
    article = article_label(version.article)
    if any(b.depends_on_age for b in bands) and circumstances.victim_age is None:
        raise ValidationFailed(
            {
                "victim_age": [
                    _("The penalty of %(article)s depends on the victim's age: give it.") % {"article": article}
                ]
            }
        )
    age = circumstances.victim_age
    candidates = [
        b
        for b in bands
        if (b.victim_age_min is None or (age is not None and age >= b.victim_age_min))
        and (b.victim_age_max is None or (age is not None and age < b.victim_age_max))
        and all(code in codes for code in b.when_all)
    ]
    if not candidates:
        ranges = "; ".join(b.label for b in bands if b.label)
        raise ValidationFailed(
            {
                "victim_age": [
                    _("No penalty of %(article)s covers these circumstances (it has: %(bands)s).")
                    % {"article": article, "bands": ranges}
                ]
            }
        )
    return max(candidates, key=lambda b: (len(b.when_all), -b.position))


def _matched(rule: IncreaseRule, codes: frozenset[str]) -> list[str]:
    return [code for code in rule.when_any if code in codes]


def compute_version(
    version: ArticleVersion,
    circumstances: Circumstances,
    *,
    on: datetime.date,
    combination: str = ADDITIVE,
    roles: list[str] | None = None,
    snapshot: _Snapshot | None = None,
) -> Outcome:
    """The range of one article version for the circumstances, with the rules in force on ``on``."""
    snapshot = snapshot or _Snapshot()
    codes = circumstances.codes()
    band = _pick_band(version, circumstances, codes)
    base_prison = (
        PrisonRange.of(Fraction(band.prison_min_days), Fraction(band.prison_max_days))
        if band.prison_min_days is not None and band.prison_max_days is not None
        else None
    )
    base_fine = (
        FineRange(Fraction(band.fine_min), Fraction(band.fine_max))
        if band.fine_min is not None and band.fine_max is not None
        else None
    )
    outcome = Outcome(
        version=version, roles=roles or [], at=on, band=band, base_prison=base_prison, base_fine=base_fine
    )
    used: set[str] = set(band.when_all)
    if circumstances.victim_age is not None and band.depends_on_age:
        used.add("victim_minor")
    triggered = [(rule, _matched(rule, codes)) for rule in snapshot.rules_for(version, on)]
    triggered = [(rule, matched) for rule, matched in triggered if matched]
    for _rule, matched in triggered:
        used.update(matched)
    for rule, _m in triggered:
        if rule.kind == RuleKind.NOTE:
            outcome.notes.append(f"{rule.label}. {rule.notes}".strip())
    death = [(rule, m) for rule, m in triggered if rule.kind == RuleKind.CORRESPONDING_CRIME]
    if death:
        rule, matched = death[0]
        outcome.steps.append(Step(rule=rule, matched=matched))
        outcome.computed = False
        outcome.not_computed_reason = f"{rule.label}. {rule.notes}".strip()
    else:
        _apply_increases(outcome, [(r, m) for r, m in triggered if r.kind == RuleKind.INCREASE], combination)
        _apply_cap(outcome, snapshot.cap)
    outcome.unused = [code for code in sorted(circumstances.given) if code not in used]
    outcome.flags = _flags(outcome, snapshot)
    return outcome


def _apply_increases(outcome: Outcome, triggered: list[tuple[IncreaseRule, list[str]]], combination: str) -> None:
    # Within a group only the greatest increase applies.
    best: dict[str, IncreaseRule] = {}
    for rule, _m in triggered:
        if rule.group and (rule.group not in best or (rule.fraction or 0) > (best[rule.group].fraction or 0)):
            best[rule.group] = rule
    prison = outcome.base_prison
    fine = outcome.base_fine
    for rule, matched in triggered:
        step = Step(rule=rule, matched=matched)
        outcome.steps.append(step)
        if rule.group and best[rule.group] is not rule:
            step.applied = False
            step.skipped_reason = _("The greater increase of the same group applies instead (%(rule)s).") % {
                "rule": best[rule.group].label
            }
            continue
        fraction = rule.fraction or Fraction(0)
        if prison is not None and outcome.base_prison is not None and rule.penalty != PenaltyKind.FINE:
            basis = outcome.base_prison if combination == ADDITIVE else prison
            added = PrisonRange.of(basis.low.exact * fraction, basis.high.exact * fraction)
            prison = PrisonRange.of(prison.low.exact + added.low.exact, prison.high.exact + added.high.exact)
            step.prison_added, step.prison_after = added, prison
        if fine is not None and outcome.base_fine is not None and rule.penalty != PenaltyKind.PRISON:
            fine_basis = outcome.base_fine if combination == ADDITIVE else fine
            fine_added = FineRange(fine_basis.low_exact * fraction, fine_basis.high_exact * fraction)
            fine = FineRange(fine.low_exact + fine_added.low_exact, fine.high_exact + fine_added.high_exact)
            step.fine_added, step.fine_after = fine_added, fine
    outcome.prison, outcome.fine = prison, fine


def _apply_cap(outcome: Outcome, cap: Provision | None) -> None:
    if outcome.prison is None or cap is None or cap.max_prison_days is None:
        return
    limit = Fraction(cap.max_prison_days)
    if outcome.prison.high.exact > limit:
        outcome.capped = True
        outcome.prison = PrisonRange.of(min(outcome.prison.low.exact, limit), limit)


def _flags(outcome: Outcome, snapshot: _Snapshot) -> list[Flag]:
    version, article = outcome.version, article_label(outcome.version.article)
    flags: list[Flag] = []
    if not version.verified:
        flags.append(
            Flag(
                "penalty_unverified",
                _("The penalty of %(article)s (%(period)s) is not verified. Source: %(source)s.")
                % {"article": article, "period": version_period(version), "source": version.source},
            )
        )
    if not version.certainly_in_force(outcome.at):
        flags.append(
            Flag(
                "date_uncertain",
                _(
                    "%(date)s falls in the period when %(article)s changed (%(period)s); the exact day is not "
                    "verified, so both versions are shown."
                )
                % {
                    "date": formats.date_format(outcome.at, "DATE_FORMAT"),
                    "article": article,
                    "period": version_period(version),
                },
            )
        )
    elif not version.dates_verified:
        flags.append(
            Flag(
                "dates_unverified",
                _("The dates of this version of %(article)s (%(period)s) are not verified.")
                % {"article": article, "period": version_period(version)},
            )
        )
    if version.confirmed_on is not None and outcome.at > version.confirmed_on:
        flags.append(
            Flag(
                "not_confirmed_after",
                _(
                    "The source confirms this version of %(article)s on %(confirmed)s; that it still applied on "
                    "%(date)s is not confirmed."
                )
                % {
                    "article": article,
                    "confirmed": formats.date_format(version.confirmed_on, "DATE_FORMAT"),
                    "date": formats.date_format(outcome.at, "DATE_FORMAT"),
                },
            )
        )
    for step in outcome.steps:
        if step.applied and not step.rule.verified:
            flags.append(
                Flag(
                    "rule_unverified",
                    _("The rule %(rule)s is not verified. Source: %(source)s.")
                    % {"rule": step.rule.label, "source": step.rule.source},
                )
            )
        if step.applied and not step.rule.version.certainly_in_force(outcome.at):
            flags.append(
                Flag(
                    "rule_date_uncertain",
                    _("Whether %(rule)s was already in force on %(date)s is not certain (the day is not verified).")
                    % {"rule": step.rule.label, "date": formats.date_format(outcome.at, "DATE_FORMAT")},
                )
            )
    if outcome.capped and snapshot.cap is not None and not snapshot.cap.verified:
        flags.append(
            Flag(
                "cap_unverified",
                _("The cap of %(cap)s (%(reference)s) is not verified. Source: %(source)s.")
                % {
                    "cap": format_term(snapshot.cap.max_prison_days or 0),
                    "reference": snapshot.cap.reference,
                    "source": snapshot.cap.source,
                },
            )
        )
    return flags


def _mark_favourable(result: ArticleResult) -> None:
    computed = [o for o in result.outcomes if o.computed]
    distinct = {o.bounds() for o in computed}
    if len(result.outcomes) < 2:
        return
    result.law_changed = True
    if len(computed) < len(result.outcomes):
        result.favourable_note = _(
            "One of the ranges is not computed: the court compares the laws (Constitution art. 15; Penal Code art. 2)."
        )
        return
    if len(distinct) == 1:
        result.favourable_note = _("The ranges are the same under each law.")
        return
    best = [o for o in computed if all(_dominates(o.bounds(), other.bounds()) for other in computed)]
    if best:
        for outcome in best:
            outcome.more_favourable = True
        result.favourable_note = _(
            "The law changed between the offence and the judgment: the more favourable range to the accused is "
            "marked; it applies (Constitution art. 15; Penal Code art. 2)."
        )
    else:
        result.favourable_note = _(
            "Neither range is lower on every bound: which law is more favourable depends on the concrete case "
            "(Constitution art. 15; Penal Code art. 2)."
        )


def _dominates(a: tuple[Fraction, ...], b: tuple[Fraction, ...]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True))


def _article_result(article: Article, request: CalculationRequest, snapshot: _Snapshot) -> ArticleResult:
    offence = request.offence_date
    end = request.judgment_date or offence
    chain = snapshot.lineage(article)
    start = next(i for i, v in enumerate(chain) if v.possibly_in_force(offence) and v.article_id == article.pk)
    selected = [v for v in chain[start:] if v.effective_from <= end and (v.to_last is None or v.to_last > offence)]
    result = ArticleResult(article=article, outcomes=[])
    for version in selected:
        plan: list[tuple[datetime.date, list[str]]] = []
        if version.possibly_in_force(offence):
            plan.append((offence, [OFFENCE_DATE]))
        if request.judgment_date is not None and version.possibly_in_force(request.judgment_date):
            plan.append((request.judgment_date, [JUDGMENT_DATE]))
        if not plan:
            plan.append((max(version.from_last, offence), [INTERMEDIATE]))
        # One outcome per distinct set of rules: the same version at both dates is computed once.
        if len(plan) == 2 and _rule_ids(snapshot, version, plan[0][0]) == _rule_ids(snapshot, version, plan[1][0]):
            plan = [(offence, [OFFENCE_DATE, JUDGMENT_DATE])]
        for day, roles in plan:
            result.outcomes.append(
                compute_version(
                    version,
                    request.circumstances,
                    on=day,
                    combination=request.combination,
                    roles=roles,
                    snapshot=snapshot,
                )
            )
    if request.judgment_date is not None and not any(JUDGMENT_DATE in o.roles for o in result.outcomes):
        result.warnings.append(
            _(
                "The catalog holds no version of %(article)s in force on the judgment date: only the earlier law "
                "is shown."
            )
            % {"article": article_label(article)}
        )
    if request.judgment_date is None and len(chain) > start + 1:
        result.warnings.append(
            _(
                "The law changed after the offence date: give the judgment date to compare the ranges and find "
                "the more favourable one."
            )
        )
    _mark_favourable(result)
    return result


def _rule_ids(snapshot: _Snapshot, version: ArticleVersion, day: datetime.date) -> frozenset[int]:
    return frozenset(rule.pk for rule in snapshot.rules_for(version, day))


def calculate(request: CalculationRequest, *, today: datetime.date | None = None) -> Calculation:
    """See the module docstring. Raises ValidationFailed for bad input; writes nothing."""
    snapshot = _Snapshot()
    articles = _validate(request, today or timezone.localdate(), snapshot)
    results = [_article_result(article, request, snapshot) for article in articles]
    conventions = [
        _("One year counts 365 days and one month 30 days."),
        _("Fractions are computed exactly and rounded down to whole days and to the cent, in favour of the accused."),
        _("Rules of the same group do not add up: only the greatest increase applies."),
    ]
    if len(articles) > 1:
        conventions.append(
            _("Each article is computed on its own; how penalties for several offences combine is not computed.")
        )
    if sum(1 for r in results for o in r.outcomes for s in o.steps if s.applied) > 1:
        conventions.append(
            _(
                "How several increases combine is not settled by the source texts: each step is shown with the rule "
                "used so that a legal reviewer can check it."
            )
        )
    return Calculation(
        request=request,
        results=results,
        combination_label=str(COMBINATIONS[request.combination]),
        conventions=conventions,
        cap=snapshot.cap,
    )


def check_sentence(
    *,
    version: ArticleVersion,
    circumstances: Circumstances,
    prison_days: int | None = None,
    fine: Decimal | None = None,
    on: datetime.date | None = None,
    combination: str = ADDITIVE,
) -> SentenceCheck:
    """Is a recorded sentence inside the computed range? See the module docstring."""
    errors: dict[str, list[str]] = {}
    if prison_days is not None and prison_days < 0:
        errors["prison_days"] = [_("A prison term cannot be negative.")]
    elif prison_days is not None and prison_days > ABSURD_PRISON_DAYS:
        errors["prison_days"] = [_("A prison term of more than 100 years is not plausible: check the figure.")]
    if fine is not None and fine < 0:
        errors["fine"] = [_("A fine cannot be negative.")]
    if errors:
        raise ValidationFailed(errors)
    on = on or version.from_last
    if not version.possibly_in_force(on):
        raise ValidationFailed({"on": [_not_in_force_message(version.article, [version], on)]})
    outcome = compute_version(version, circumstances, on=on, combination=combination)
    if not outcome.computed:
        return SentenceCheck(within=None, reason_required=True, outcome=outcome, problems=[outcome.not_computed_reason])
    problems: list[str] = []
    if prison_days is not None:
        prison = outcome.prison
        if prison is None:
            if prison_days > 0:
                problems.append(_("This article provides no prison term."))
        elif not prison.low.days <= prison_days <= prison.high.days:
            problems.append(
                _("The prison term (%(term)s) is outside the range %(low)s to %(high)s.")
                % {"term": format_term(prison_days), "low": prison.low.text, "high": prison.high.text}
            )
    if fine is not None:
        fines = outcome.fine
        if fines is None:
            if fine > 0:
                problems.append(_("This article provides no fine."))
        elif not fines.low <= fine <= fines.high:
            problems.append(
                _("The fine (Q%(fine)s) is outside the range Q%(low)s to Q%(high)s.")
                % {"fine": format_amount(fine), "low": format_amount(fines.low), "high": format_amount(fines.high)}
            )
    return SentenceCheck(within=not problems, reason_required=bool(problems), outcome=outcome, problems=problems)
