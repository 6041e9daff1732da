"""Charges under the legal catalog (amparo.law), verdicts and sentences.

A charge is filed under the article version in force on the offence date (``law.selectors.version_in_force``:
refused when the article was not in force); a sentence is checked against the calculator's range for that
version and the charge's circumstances (``law.calculator.check_sentence``): outside it, a reason is required.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.cases.permissions import can_view_case
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.law.calculator import Outcome, check_sentence, compute_version
from amparo.law.circumstances import GIVEN, MAX_AGE, Circumstances
from amparo.law.loader import DAYS_PER_MONTH, DAYS_PER_YEAR
from amparo.law.models import Article
from amparo.law.selectors import version_in_force

from .models import Charge, Sentence, Verdict
from .services import _audit, _check_date, _Errors, _user, investigation_for_edit, investigation_start
from .vocab import ChargeStatus, VerdictOutcome

MAX_YEARS = 100  # beyond this a term is not plausible (the Penal Code caps prison at 50 years)
MAX_AMOUNT = Decimal("100000000")  # Q100 million: a typing error beyond this


def charge_circumstances(charge: Charge) -> Circumstances:
    return Circumstances(victim_age=charge.victim_age, given=frozenset(charge.circumstances))


def charge_outcome(charge: Charge) -> Outcome:
    """The calculator's range for the charge (its version, at the offence date, with its circumstances)."""
    return compute_version(charge.version, charge_circumstances(charge), on=charge.offence_date)


@transaction.atomic
def charge_file(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    suspect_id: uuid.UUID | str,
    article_id: int,
    offence_date: datetime.date,
    filed_on: datetime.date,
    victim_age: int | None = None,
    circumstances: Iterable[str] = (),
) -> Charge:
    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    suspect = investigation.suspects.filter(pk=suspect_id).first() if suspect_id else None
    if suspect is None:
        errors.add("suspect", _("Choose a suspect of this investigation."))
    article = Article.objects.select_related("law").filter(pk=article_id).first() if article_id else None
    if article is None:
        errors.add("article", _("Choose an article of the legal catalog."))
    codes = sorted(set(circumstances))
    if any(code not in GIVEN for code in codes):
        errors.add("circumstances", _("Some circumstances are not valid."))
    if victim_age is not None and not 0 <= victim_age <= MAX_AGE:
        errors.add("victim_age", _("Give the victim's age in completed years."))
    _check_date(errors, "offence_date", offence_date)
    _check_date(errors, "filed_on", filed_on)
    if offence_date and filed_on and filed_on < offence_date:
        errors.add("filed_on", _("A charge cannot be filed before the offence."))
    if filed_on and filed_on < investigation_start(investigation):
        errors.add("filed_on", _("A charge cannot be filed before the complaint or the opening of the investigation."))
    version = None
    if article is not None and offence_date is not None and "offence_date" not in errors.errors:
        try:
            version = version_in_force(article, offence_date)
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                for message in messages:
                    errors.add(field, message)
        else:
            if not version.is_offence:
                errors.add("article", _("This article only raises other penalties: charge the offence itself."))
    errors.raise_if_any()
    assert suspect is not None and article is not None and version is not None
    charge = Charge.objects.create(
        investigation=investigation,
        suspect=suspect,
        article=article,
        version=version,
        offence_date=offence_date,
        victim_age=victim_age,
        circumstances=codes,
        filed_on=filed_on,
        recorded_by=_user(actor),
    )
    _audit(
        actor,
        "investigation.charge",
        "investigation",
        investigation.pk,
        version=version.code,
        circumstances=codes,
    )
    return charge


def _charge_for_edit(actor: Actor, charge_id: uuid.UUID | str) -> Charge:
    charge = Charge.objects.select_related("investigation", "version", "article").filter(pk=charge_id).first()
    if charge is None:
        raise NotFound()
    investigation_for_edit(actor, charge.investigation_id)
    return charge


@transaction.atomic
def verdict_record(
    actor: Actor, *, charge_id: uuid.UUID | str, outcome: str, date: datetime.date, court: str
) -> Verdict:
    charge = _charge_for_edit(actor, charge_id)
    errors = _Errors()
    if hasattr(charge, "verdict"):
        errors.add("outcome", _("This charge already has a verdict."))
    if outcome not in VerdictOutcome.values:
        errors.add("outcome", _("Choose the verdict."))
    _check_date(errors, "date", date)
    if date and date < charge.filed_on:
        errors.add("date", _("A verdict cannot precede the charge."))
    if not (court or "").strip() or len(court) > 200:
        errors.add("court", _("Name the court (up to 200 characters)."))
    errors.raise_if_any()
    verdict = Verdict.objects.create(
        charge=charge, outcome=outcome, date=date, court=court.strip(), recorded_by=_user(actor)
    )
    charge.status = ChargeStatus.DECIDED
    charge.save(update_fields=["status"])
    _audit(actor, "investigation.verdict", "investigation", charge.investigation_id, outcome=outcome)
    return verdict


def _amount(errors: _Errors, name: str, value: Decimal | None) -> None:
    if value is None:
        return
    if value < 0:
        errors.add(name, _("An amount cannot be negative."))
    elif value > MAX_AMOUNT:
        errors.add(name, _("The amount is not plausible: check the figure."))


@transaction.atomic
def sentence_record(
    actor: Actor,
    *,
    verdict_id: uuid.UUID | str,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    fine: Decimal | None = None,
    reparation: Decimal | None = None,
    reparation_case_id: uuid.UUID | str | None = None,
    reason: str = "",
) -> Sentence:
    """The sentence of a conviction: prison term in years, months and days, fine, and reparation to the
    victim as third-party plaintiff. Negative or absurd terms are refused; a term or fine outside the
    calculator's range is recorded only with a reason."""
    verdict = Verdict.objects.select_related("charge__version", "charge__article").filter(pk=verdict_id).first()
    if verdict is None:
        raise NotFound()
    investigation_for_edit(actor, verdict.charge.investigation_id)
    charge = verdict.charge
    errors = _Errors()
    if verdict.outcome != VerdictOutcome.CONVICTED:
        errors.add("verdict", _("Only a conviction carries a sentence."))
    if hasattr(verdict, "sentence"):
        errors.add("verdict", _("This verdict already has a sentence."))
    for name, value, high in (("years", years, MAX_YEARS), ("months", months, 11), ("days", days, 30)):
        if value is None or value < 0:
            errors.add(name, _("A prison term cannot be negative."))
        elif value > high:
            errors.add(name, _("The figure is not plausible: at most %(max)d.") % {"max": high})
    _amount(errors, "fine", fine)
    _amount(errors, "reparation", reparation)
    case = None
    if reparation_case_id:
        case = charge.investigation.victims.filter(case_id=reparation_case_id).select_related("case").first()
        if case is None or not can_view_case(actor, case.case):
            errors.add("reparation_case", _("Choose a victim of this investigation."))
    if reparation and reparation > 0 and not reparation_case_id:
        errors.add("reparation_case", _("Say which victim receives the reparation."))
    errors.raise_if_any()
    total = years * DAYS_PER_YEAR + months * DAYS_PER_MONTH + days
    check = check_sentence(
        version=charge.version,
        circumstances=charge_circumstances(charge),
        prison_days=total,
        fine=fine,
        on=charge.offence_date,
    )
    reason = (reason or "").strip()
    if check.reason_required and not reason:
        raise ValidationFailed(
            {"reason": [*check.problems, _("A sentence outside the computed range needs a recorded reason.")]}
        )
    sentence = Sentence.objects.create(
        verdict=verdict,
        prison_years=years,
        prison_months=months,
        prison_days=days,
        prison_days_total=total,
        fine=fine,
        reparation=reparation,
        reparation_case=case.case if case else None,
        within_range=check.within,
        outside_range_reason=reason or None,
        recorded_by=_user(actor),
    )
    _audit(
        actor,
        "investigation.sentence",
        "investigation",
        charge.investigation_id,
        prison_days=total,
        within_range=check.within,
        reparation=bool(reparation),
    )
    return sentence
