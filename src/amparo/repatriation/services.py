"""Repatriations under the inter-institutional protocol: start, do the steps in order, hand over, cancel.

Every write locks the repatriation row first, so two institutions acting at once are serialised and a
step cannot be done twice or out of order. Bad input raises ValidationFailed before anything is written.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import Perm, role_has
from amparo.audit.services import audit_record
from amparo.cases.models import Attachment, Case
from amparo.cases.permissions import can_edit_case, can_view_case
from amparo.cases.vocab import CaseStatus
from amparo.core import geo
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.notifications import kinds
from amparo.organizations.models import Organization, OrganizationType
from amparo.people.models import Person

from .models import Repatriation, RepatriationParty, RepatriationStatus, RepatriationStep, StepState
from .permissions import can_view_repatriation, is_receiving_side, is_team_editor, may_act_on_step
from .protocol import (
    CHOSEN_PARTIES,
    FIXED_PARTIES,
    MINORS_ONLY_PARTIES,
    Destination,
    PartyRole,
    StepDef,
    Track,
    protocol_for,
)

HOME_COUNTRY = "GT"


def _fail(name: str, message: str) -> ValidationFailed:
    return ValidationFailed({name: [message]})


def _audit(actor: Actor, action: str, repatriation: Repatriation, **details: object) -> None:
    audit_record(actor=actor, action=action, target_type="repatriation", target_id=repatriation.pk, details=details)


def _user(actor: Actor) -> User:
    assert actor.user is not None
    return actor.user


def treated_as_minor(case: Case) -> bool:
    """The case's presumption of minority: its minor's protocol, or a person who could be under 18 today."""
    return case.minor_protocol or case.person.presumed_minor_on(timezone.localdate())


# --- notifications --------------------------------------------------------------------------------------


def participants_of(organization_ids: Iterable[int]) -> list[User]:
    """The users of these institutions who can take part in repatriations."""
    memberships = Membership.objects.filter(
        organization_id__in=set(organization_ids), is_active=True, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships if role_has(m.role, Perm.REPATRIATION_PARTICIPATE)]


def _party_orgs(repatriation: Repatriation, roles: Iterable[str]) -> set[int]:
    wanted = set(roles)
    return {p.organization_id for p in repatriation.parties.all() if p.role in wanted}


def _notify(repatriation: Repatriation, recipients: Iterable[User], kind: str) -> None:
    from amparo.notifications.services import notify

    notify(recipients=recipients, kind=kind, target_url=f"/repatriations/{repatriation.pk}/")


def _team(repatriation: Repatriation) -> list[User]:
    return [u for u in {repatriation.started_by, repatriation.case.owner} if u is not None]


# --- starting -------------------------------------------------------------------------------------------


def consulate_choices(track: str, country: str = "") -> list[Organization]:
    """Consulates that fit the track: Guatemala's own (under MINEX) for nationals abroad; for a foreigner,
    a consulate of the country of origin registered as an institution (its country is that country)."""
    organizations = Organization.objects.filter(is_active=True)
    if track == Track.NATIONAL:
        return list(organizations.filter(parent__code=FIXED_PARTIES[PartyRole.MINEX]))
    organizations = organizations.exclude(country=HOME_COUNTRY)
    return list(organizations.filter(country=country) if country else organizations)


def _valid_consulate(track: str, country: str, organization: Organization | None) -> bool:
    return organization is not None and organization.pk in {o.pk for o in consulate_choices(track, country)}


def _valid_receiving(track: str, country: str, organization: Organization | None) -> bool:
    """Nationals are received in Guatemala; foreigners by an institution of their country or an
    international organization (IOM)."""
    if organization is None or not organization.is_active:
        return False
    if track == Track.NATIONAL:
        return organization.country == HOME_COUNTRY and organization.parent_id is None
    return organization.country == country or organization.org_type == OrganizationType.INTERNATIONAL


@transaction.atomic
def repatriation_start(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    track: str,
    country: str,
    consulate_id: int | None,
    receiving_id: int | None,
) -> Repatriation:
    if not actor.has(Perm.REPATRIATION_MANAGE):
        raise PermissionDenied()
    case = Case.objects.select_for_update(of=("self",)).select_related("person").filter(pk=case_id).first()
    if case is None or not can_view_case(actor, case):
        raise NotFound()
    if not can_edit_case(actor, case):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if case.status == CaseStatus.CLOSED:
        add("case", _("The case is closed: reopen it first."))
    if Repatriation.objects.filter(case=case, status=RepatriationStatus.IN_PROGRESS).exists():
        add("case", _("This case already has a repatriation in progress."))
    nationalities = list(case.person.nationalities or [])
    if track not in Track.values:
        add("track", _("Choose the track: a national returning from abroad, or a foreigner returning home."))
    elif track == Track.NATIONAL and nationalities and HOME_COUNTRY not in nationalities:
        add("track", _("The person is not recorded as Guatemalan: use the track for foreigners."))
    elif track == Track.FOREIGN and nationalities == [HOME_COUNTRY]:
        add("track", _("The person is recorded as Guatemalan only: use the track for nationals."))
    if country not in geo.COUNTRIES or country == HOME_COUNTRY:
        add(
            "country",
            _("Choose the country the person returns from (nationals) or to (foreigners), other than Guatemala."),
        )
    consulate = Organization.objects.filter(pk=consulate_id or 0).first()
    receiving = Organization.objects.filter(pk=receiving_id or 0).first()
    if track in Track.values and not errors.get("country"):
        if not _valid_consulate(track, country, consulate):
            add(
                "consulate",
                _("Choose a Guatemalan consulate.")
                if track == Track.NATIONAL
                else _("Choose a consulate of the country of origin registered in Amparo."),
            )
        if not _valid_receiving(track, country, receiving):
            add(
                "receiving",
                _("Choose a receiving institution in Guatemala.")
                if track == Track.NATIONAL
                else _("Choose a receiving institution of the country of origin, or an international organization."),
            )
    fixed = {o.code: o for o in Organization.objects.filter(code__in=FIXED_PARTIES.values(), is_active=True)}
    missing = sorted(code for code in FIXED_PARTIES.values() if code not in fixed)
    if missing:
        add(
            "track", _("Institutions the protocol names are not registered: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    if errors:
        raise ValidationFailed(errors)
    assert consulate is not None and receiving is not None
    minor = treated_as_minor(case)
    protocol = protocol_for(track)
    repatriation = Repatriation.objects.create(
        case=case,
        owner_org_id=case.owner_org_id,
        track=track,
        minor=minor,
        country=country,
        nationality=nationalities[0] if nationalities else "",
        started_by=_user(actor),
    )
    chosen: dict[str, Organization] = {PartyRole.CONSULATE: consulate, PartyRole.RECEIVING: receiving}
    orgs: dict[str, Organization] = {}
    for role in protocol.parties_for(minor=minor):
        orgs[role] = chosen[role] if role in CHOSEN_PARTIES else fixed[FIXED_PARTIES[role]]
    RepatriationParty.objects.bulk_create(
        [RepatriationParty(repatriation=repatriation, role=role, organization=org) for role, org in orgs.items()]
    )
    steps = [
        RepatriationStep(repatriation=repatriation, position=i, code=d.code, organization=orgs[d.responsible])
        for i, d in enumerate(protocol.steps_for(minor=minor), start=1)
    ]
    RepatriationStep.objects.bulk_create(steps)
    _audit(actor, "repatriation.start", repatriation, track=track, country=country, minor=minor, steps=len(steps))
    _open(repatriation, steps[0])
    return repatriation


def _open(repatriation: Repatriation, step: RepatriationStep) -> None:
    """Make ``step`` the current one, with its due date, and tell the institutions the protocol names."""
    definition = protocol_for(repatriation.track).step(step.code)
    assert definition is not None
    today = timezone.localdate()
    base = timezone.localdate(repatriation.started_at) if definition.due.after == "start" else today
    step.state = StepState.CURRENT
    step.opened_at = timezone.now()
    step.due_date = base + datetime.timedelta(days=definition.due.days)
    step.save(update_fields=["state", "opened_at", "due_date"])
    _notify(repatriation, participants_of([step.organization_id]), kinds.REPATRIATION_STEP_OPENED)
    others = _party_orgs(repatriation, definition.notify_on_open) - {step.organization_id}
    if others:
        _notify(repatriation, participants_of(others), kinds.REPATRIATION_NOTICE)


def repatriation_in_progress_blocks_closure(case: Case) -> list[str]:
    """Hooked into the closure of a case (cases.services.CLOSURE_CHECKS): a repatriation in progress goes on
    with the other institutions (steps, notices, the hand-over), so the case stays open until the receiving
    institution confirms the hand-over or the case team cancels it."""
    if Repatriation.objects.filter(case=case, status=RepatriationStatus.IN_PROGRESS).exists():
        return [
            _(
                "A repatriation is in progress: the case can be closed once the receiving institution confirms "
                "the hand-over or the repatriation is cancelled."
            )
        ]
    return []


# --- the presumption of minority follows the person's age ------------------------------------------------


def repatriations_follow_person_age(actor: Actor, person: Person) -> None:
    """The person's age was corrected: each repatriation in progress of the person's cases follows the case's
    presumption of minority (the same as when it started, ``treated_as_minor``). A completed or cancelled
    repatriation stays as it was.

    Called by people.services.person_update in its transaction (PERSON_AGE_CHANGED_HOOKS), after the cases'
    hook has updated their minor's protocol (cases comes first in INSTALLED_APPS): a consequence of the
    authorized person edit, not an action on the repatriation by the actor.
    """
    repatriations = (
        Repatriation.objects.select_for_update(of=("self",))
        .select_related("case", "case__owner", "started_by")
        .filter(case__person_id=person.pk, status=RepatriationStatus.IN_PROGRESS)
        .order_by("pk")
    )
    for repatriation in repatriations:
        repatriation.case.person = person
        minor = treated_as_minor(repatriation.case)
        if minor != repatriation.minor:
            _follow_minority(actor, repatriation, minor)


def _follow_minority(actor: Actor, repatriation: Repatriation, minor: bool) -> None:
    """Switch the repatriation to the minor's steps or back to the adult's ones.

    What was recorded stays, with its records. Becoming a minor adds the minor's steps (and the children's
    institutions, PGN and SBS) in the protocol's order among the steps still to do: when that puts them
    before the current step, they come first (the assessments precede the rest of the return) and that
    step waits. Becoming an adult again removes the minor's steps not yet recorded; the children's
    institutions stay only where they recorded a step.
    """
    protocol = protocol_for(repatriation.track)
    order = {d.code: i for i, d in enumerate(protocol.steps)}
    steps = list(repatriation.steps.order_by("position"))
    for step in steps:
        step.repatriation = repatriation
    recorded = [s for s in steps if s.state in (StepState.DONE, StepState.NOT_APPLICABLE)]
    to_do = [s for s in steps if s.state in (StepState.CURRENT, StepState.PENDING)]
    current = next((s for s in to_do if s.state == StepState.CURRENT), None)
    parties = {p.role: p for p in repatriation.parties.all()}
    added: list[RepatriationStep] = []
    removed: list[RepatriationStep] = []
    if minor:
        orgs = {role: p.organization_id for role, p in parties.items()}
        missing = [role for role in protocol.parties_for(minor=True) if role not in orgs]
        fixed = {o.code: o.pk for o in Organization.objects.filter(code__in=[FIXED_PARTIES[r] for r in missing])}
        absent = sorted(FIXED_PARTIES[r] for r in missing if FIXED_PARTIES[r] not in fixed)
        if absent:
            raise _fail(
                "__all__",
                _("Institutions the protocol names are not registered: %(codes)s.") % {"codes": ", ".join(absent)},
            )
        new_parties = [
            RepatriationParty(repatriation=repatriation, role=role, organization_id=fixed[FIXED_PARTIES[role]])
            for role in missing
        ]
        RepatriationParty.objects.bulk_create(new_parties)
        orgs.update({p.role: p.organization_id for p in new_parties})
        have = {s.code for s in steps}
        added = [
            RepatriationStep(repatriation=repatriation, position=0, code=d.code, organization_id=orgs[d.responsible])
            for d in protocol.steps_for(minor=True)
            if d.code not in have
        ]
    else:
        removed = [s for s in to_do if s.definition.minors_only]
        RepatriationStep.objects.filter(pk__in=[s.pk for s in removed]).delete()
        to_do = [s for s in to_do if s not in removed]
        kept = recorded + to_do
        still_involved = {s.organization_id for s in kept} | {s.done_by_org_id for s in kept}
        RepatriationParty.objects.filter(
            pk__in=[
                p.pk
                for role, p in parties.items()
                if role in MINORS_ONLY_PARTIES and p.organization_id not in still_involved
            ]
        ).delete()
    to_do = sorted([*to_do, *added], key=lambda s: order[s.code])
    # Renumber: recorded steps first as they were, then what is still to do in the protocol's order.
    repatriation.steps.update(position=F("position") + 1000)
    for position, step in enumerate([*recorded, *to_do], start=1):
        step.position = position
        if step.pk is not None and step not in added:
            step.save(update_fields=["position"])
    RepatriationStep.objects.bulk_create(added)
    repatriation.minor = minor
    repatriation.save(update_fields=["minor"])
    first = to_do[0] if to_do else None
    if current is not None and current is not first and current not in removed:
        current.state, current.opened_at, current.due_date = StepState.PENDING, None, None
        current.save(update_fields=["state", "opened_at", "due_date"])
    _audit(
        actor,
        "repatriation.minor_changed",
        repatriation,
        minor=minor,
        steps_added=[s.code for s in added],
        steps_removed=[s.code for s in removed],
    )
    if first is not None and first is not current:
        _open(repatriation, first)
    everyone = {p.organization_id for p in repatriation.parties.all()}
    recipients = [u for u in [*participants_of(everyone), *_team(repatriation)] if u.pk != actor.user_pk]
    _notify(repatriation, recipients, kinds.REPATRIATION_NOTICE)


# --- steps ----------------------------------------------------------------------------------------------


def _locked(actor: Actor, repatriation_id: uuid.UUID | str) -> Repatriation:
    repatriation = (
        Repatriation.objects.select_for_update(of=("self",))
        .select_related("case", "case__owner", "started_by")
        .filter(pk=repatriation_id)
        .first()
    )
    if repatriation is None or not can_view_repatriation(actor, repatriation):
        raise NotFound()
    return repatriation


def _step(repatriation: Repatriation, code: str) -> RepatriationStep:
    step = repatriation.steps.filter(code=code).first()
    if step is None:
        raise _fail("step", _("This step is not part of this repatriation."))
    step.repatriation = repatriation
    return step


def _label(definition: StepDef) -> str:
    return str(definition.label)


def _check_turn(repatriation: Repatriation, step: RepatriationStep) -> None:
    """Steps are done in order: only the current step can be done or marked not applicable."""
    if repatriation.status == RepatriationStatus.COMPLETED:
        raise _fail("status", _("This repatriation is completed: the hand-over was confirmed."))
    if repatriation.status == RepatriationStatus.CANCELLED:
        raise _fail("status", _("This repatriation was cancelled."))
    if step.state in (StepState.DONE, StepState.NOT_APPLICABLE):
        raise _fail("step", _("“%(step)s” has already been recorded.") % {"step": _label(step.definition)})
    if step.state == StepState.CURRENT:
        return
    current = repatriation.steps.filter(state=StepState.CURRENT).select_related("organization").first()
    if current is None:  # pragma: no cover - an active repatriation always has a current step
        raise _fail("step", _("This step cannot be done now."))
    definition = current.definition
    if definition.mandatory:
        message = _(
            "“%(step)s” cannot be done yet: steps are done in order, and “%(current)s” (%(org)s) comes first. "
            "It is mandatory and cannot be skipped."
        )
    else:
        message = _(
            "“%(step)s” cannot be done yet: steps are done in order, and “%(current)s” (%(org)s) comes first. "
            "It is optional: it can be marked not applicable."
        )
    raise _fail(
        "step",
        message % {"step": _label(step.definition), "current": _label(definition), "org": current.organization.name},
    )


def _check_may_act(actor: Actor, repatriation: Repatriation, step: RepatriationStep) -> None:
    if may_act_on_step(actor, repatriation, step):
        return
    if step.definition.handover:
        raise PermissionDenied(_("Only the receiving institution confirms the hand-over."))
    raise PermissionDenied(
        _("Only the case team and the institution responsible for this step (%(org)s) can record it.")
        % {"org": step.organization.name}
    )


def destination_errors(repatriation: Repatriation, destination: str) -> list[str]:
    if destination not in Destination.values:
        return [_("Choose where the person goes.")]
    if destination == Destination.FAMILY and repatriation.family_involved:
        return [
            _(
                "The family assessment found the family involved in the exploitation: reunification with the "
                "family is refused. Choose an alternative destination."
            )
        ]
    if destination == Destination.INDEPENDENT and repatriation.minor:
        return [_("A minor cannot be handed over to independent living: choose the family or alternative care.")]
    return []


def _minor_assessments_done(repatriation: Repatriation) -> bool:
    codes = [d.code for d in repatriation.protocol_steps if d.minors_only]
    done = repatriation.steps.filter(code__in=codes, state=StepState.DONE).count()
    return done == len(codes) and repatriation.family_involved is not None


def _clean_file(file_name: str, file_data: bytes | None) -> tuple[str, str, bytes] | None:
    from amparo.cases import attachments

    if not file_data:
        return None
    clean = attachments.validate_and_clean(file_name, file_data)
    return clean.filename, clean.content_type, clean.data


def _store_file(actor: Actor, repatriation: Repatriation, clean: tuple[str, str, bytes]) -> Attachment:
    """The evidence file becomes an attachment of the case (encrypted file, metadata stripped)."""
    from amparo.cases import attachments

    filename, content_type, data = clean
    attachment = Attachment(
        case_id=repatriation.case_id,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=_user(actor),
    )
    attachment.key_id = attachments.store(attachment.id, data)
    try:
        attachment.save()
    except Exception:
        attachments.delete_file(attachment.id)
        raise
    return attachment


@transaction.atomic
def repatriation_step_complete(
    *,
    actor: Actor,
    repatriation_id: uuid.UUID | str,
    step_code: str,
    evidence: Iterable[str],
    note: str,
    family_involved: bool | None = None,
    destination: str = "",
    file_name: str = "",
    file_data: bytes | None = None,
) -> RepatriationStep:
    """Record the current step with its evidence. The hand-over step completes the repatriation."""
    if not (actor.has(Perm.REPATRIATION_MANAGE) or actor.has(Perm.REPATRIATION_PARTICIPATE)):
        raise PermissionDenied()
    repatriation = _locked(actor, repatriation_id)
    step = _step(repatriation, step_code)
    _check_may_act(actor, repatriation, step)
    _check_turn(repatriation, step)
    definition = step.definition
    errors: dict[str, list[str]] = {}
    given = set(evidence)
    required = [e for e in definition.evidence if e.code not in given]
    if required:
        errors["evidence"] = [
            _("Confirm the evidence this step needs: %(items)s.") % {"items": "; ".join(str(e.label) for e in required)}
        ]
    if not note.strip():
        errors["note"] = [_("Describe what was done and the evidence (document numbers, dates, who took part).")]
    if definition.family_assessment:
        if family_involved is None:
            errors["family_involved"] = [_("Say whether the family was involved in the exploitation.")]
        else:
            repatriation.family_involved = family_involved  # checked below, saved only if all is valid
            destination_problems = destination_errors(repatriation, destination)
            if destination_problems:
                errors["destination"] = destination_problems
    if definition.handover:
        if repatriation.minor and not _minor_assessments_done(repatriation):
            errors["step"] = [
                _("For a minor, the best-interest assessment and the family assessment come before the hand-over.")
            ]
        destination_problems = destination_errors(repatriation, destination)
        if destination_problems:
            errors["destination"] = destination_problems
    if errors:
        raise ValidationFailed(errors)
    clean = _clean_file(file_name, file_data)  # ValidationFailed({"file": ...}) before any write
    step.state = StepState.DONE
    step.done_at = timezone.now()
    step.done_by = _user(actor)
    step.done_by_org_id = actor.org_pk or None
    step.evidence = [e.code for e in definition.evidence]
    step.note = note.strip()
    if clean is not None:
        step.attachment = _store_file(actor, repatriation, clean)
    step.save(update_fields=["state", "done_at", "done_by", "done_by_org", "evidence", "note", "attachment"])
    if definition.family_assessment or definition.handover:
        repatriation.destination = destination
        if definition.handover:
            repatriation.status = RepatriationStatus.COMPLETED
            repatriation.completed_at = step.done_at
        repatriation.save(update_fields=["family_involved", "destination", "status", "completed_at"])
    _audit(
        actor,
        "repatriation.handover_confirmed" if definition.handover else "repatriation.step_completed",
        repatriation,
        step=step.code,
        evidence=len(step.evidence),
        file=clean is not None,
        **({"destination": destination} if definition.handover else {}),
    )
    if definition.handover:
        everyone = {p.organization_id for p in repatriation.parties.all()}
        _notify(repatriation, [*participants_of(everyone), *_team(repatriation)], kinds.REPATRIATION_COMPLETED)
        return step
    told = _party_orgs(repatriation, definition.notify_on_complete)
    recipients = participants_of(told)
    if step.organization_id != repatriation.owner_org_id:
        recipients += _team(repatriation)  # the case team hears of what other institutions did
    recipients = [u for u in recipients if u.pk != actor.user_pk]  # not the one who did it
    if recipients:
        _notify(repatriation, recipients, kinds.REPATRIATION_STEP_COMPLETED)
    _open_next(repatriation, step)
    return step


def _open_next(repatriation: Repatriation, after: RepatriationStep) -> None:
    following = (
        repatriation.steps.filter(position__gt=after.position, state=StepState.PENDING).order_by("position").first()
    )
    if following is not None:
        _open(repatriation, following)


@transaction.atomic
def repatriation_handover_confirm(
    *,
    actor: Actor,
    repatriation_id: uuid.UUID | str,
    destination: str,
    evidence: Iterable[str],
    note: str,
    file_name: str = "",
    file_data: bytes | None = None,
) -> Repatriation:
    """The receiving institution confirms it received the person: the repatriation is complete."""
    if not actor.has(Perm.REPATRIATION_PARTICIPATE):
        raise PermissionDenied()
    repatriation = _locked(actor, repatriation_id)
    if not is_receiving_side(actor, repatriation):
        raise PermissionDenied(_("Only the receiving institution confirms the hand-over."))
    handover = next(d for d in repatriation.protocol_steps if d.handover)
    repatriation_step_complete(
        actor=actor,
        repatriation_id=repatriation.pk,
        step_code=handover.code,
        evidence=evidence,
        note=note,
        destination=destination,
        file_name=file_name,
        file_data=file_data,
    )
    repatriation.refresh_from_db()
    return repatriation


@transaction.atomic
def repatriation_step_not_applicable(
    *, actor: Actor, repatriation_id: uuid.UUID | str, step_code: str, reason: str
) -> RepatriationStep:
    """Mark the current, optional step as not applicable, with the reason; the next step opens."""
    if not (actor.has(Perm.REPATRIATION_MANAGE) or actor.has(Perm.REPATRIATION_PARTICIPATE)):
        raise PermissionDenied()
    repatriation = _locked(actor, repatriation_id)
    step = _step(repatriation, step_code)
    _check_may_act(actor, repatriation, step)
    _check_turn(repatriation, step)
    if step.definition.mandatory:
        raise _fail(
            "step",
            _("“%(step)s” is mandatory: it cannot be skipped or marked not applicable.")
            % {"step": _label(step.definition)},
        )
    if not reason.strip():
        raise _fail("reason", _("Say why this step does not apply."))
    step.state = StepState.NOT_APPLICABLE
    step.done_at = timezone.now()
    step.done_by = _user(actor)
    step.done_by_org_id = actor.org_pk or None
    step.not_applicable_reason = reason.strip()
    step.save(update_fields=["state", "done_at", "done_by", "done_by_org", "not_applicable_reason"])
    _audit(actor, "repatriation.step_not_applicable", repatriation, step=step.code)
    _open_next(repatriation, step)
    return step


@transaction.atomic
def repatriation_cancel(*, actor: Actor, repatriation_id: uuid.UUID | str, reason: str) -> Repatriation:
    """The case team cancels a repatriation in progress, with the reason; every party is told."""
    if not actor.has(Perm.REPATRIATION_MANAGE):
        raise PermissionDenied()
    repatriation = _locked(actor, repatriation_id)
    if not is_team_editor(actor, repatriation):
        raise PermissionDenied(_("Only the case team can cancel a repatriation."))
    if repatriation.status != RepatriationStatus.IN_PROGRESS:
        raise _fail("status", _("Only a repatriation in progress can be cancelled."))
    if not reason.strip():
        raise _fail("reason", _("Say why the repatriation is cancelled."))
    repatriation.status = RepatriationStatus.CANCELLED
    repatriation.cancelled_at = timezone.now()
    repatriation.cancelled_by = _user(actor)
    repatriation.cancel_reason = reason.strip()
    repatriation.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    _audit(actor, "repatriation.cancelled", repatriation)
    everyone = {p.organization_id for p in repatriation.parties.all()}
    _notify(repatriation, participants_of(everyone), kinds.REPATRIATION_CANCELLED)
    return repatriation
