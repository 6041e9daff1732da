"""Reads of the justice app, always scoped to the actor. Views of identifying data are audited, and every
access to an operation is recorded for its lead (operation_access)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.permissions import can_view_case
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.core.normalize import name_words, phonetic_word
from amparo.linkage.resolve import Group, groups_of, members_of
from amparo.people.indexing import query_tokens
from amparo.people.models import IndexKind, Person, PersonIndexToken
from amparo.people.permissions import persons_visible_to

from .models import (
    Complaint,
    Evidence,
    Investigation,
    InvestigationVictim,
    Operation,
    OperationAccess,
    Suspect,
    Witness,
)
from .permissions import (
    can_edit_investigation,
    can_edit_operation,
    can_manage_team,
    can_view_complaint,
    can_view_investigation,
    can_view_operation,
    complaints_visible_to,
    investigations_visible_to,
    operations_visible_to,
)
from .protection import PersonShown, hidden_person_ids, shown_persons

PAGE_SIZE = 50
P = ParamSpec("P")
R = TypeVar("R")


# --- complaints ---


@transaction.atomic
def complaint_list(*, actor: Actor, unassigned_only: bool = False, limit: int = PAGE_SIZE) -> list[Complaint]:
    if not actor.has(Perm.JUSTICE_VIEW):
        raise PermissionDenied()
    complaints = complaints_visible_to(actor)
    if unassigned_only:
        complaints = complaints.filter(investigation__isnull=True)
    rows = list(complaints.order_by("-received_on", "-created_at")[:limit])
    audit_record(actor=actor, action="complaint.list", details={"results": len(rows)})
    return rows


@transaction.atomic
def complaint_get_for_view(*, actor: Actor, complaint_id: uuid.UUID | str) -> Complaint:
    if not actor.has(Perm.JUSTICE_VIEW):
        raise PermissionDenied()
    complaint = Complaint.objects.select_related("receiving_org", "recorded_by_org").filter(pk=complaint_id).first()
    if complaint is None or not can_view_complaint(actor, complaint):
        raise NotFound()
    audit_record(actor=actor, action="complaint.view", target_type="complaint", target_id=complaint.pk)
    return complaint


# --- operations: every access recorded ---


def record_operation_access(actor: Actor, operations: list[Operation], action: str, *, granted: bool = True) -> None:
    """Log an access for the lead's access log, and in the audit trail (codes only)."""
    if not operations:
        return
    OperationAccess.objects.bulk_create(
        OperationAccess(
            operation=op, user=actor.user, organization_id=actor.organization_id, action=action, granted=granted
        )
        for op in operations
    )
    for op in operations:
        audit_record(
            actor=actor,
            action=f"operation.{action}" if granted else "operation.denied",
            target_type="operation",
            target_id=op.pk,
            details={"granted": granted, "access": action},
        )


class CompartmentDenied(NotFound):
    """Somebody outside an operation's compartment asked for it: to them it is a plain 404; the attempt
    is logged for the lead by ``compartment_logged`` once the refused transaction has rolled back."""

    def __init__(self, actor: Actor, operation: Operation, action: str) -> None:
        super().__init__()
        self.actor = actor
        self.operation = operation
        self.action = action


def compartment_logged(func: Callable[P, R]) -> Callable[P, R]:
    """Put OUTSIDE ``@transaction.atomic``: records a refused access after the rollback, then 404."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CompartmentDenied as exc:
            with transaction.atomic():
                record_operation_access(exc.actor, [exc.operation], exc.action, granted=False)
            raise NotFound() from exc

    return wrapper


def operation_lookup(actor: Actor, operation_id: uuid.UUID | str, action: str, *, edit: bool = False) -> Operation:
    """The operation, or NotFound whether it does not exist or the actor is outside its compartment
    (CompartmentDenied: the attempt is logged for the lead, never revealed to the actor)."""
    if not actor.has(Perm.JUSTICE_VIEW):
        raise PermissionDenied()
    try:
        operation = Operation.objects.select_related("investigation", "lead", "target").filter(pk=operation_id).first()
    except (ValueError, TypeError, ValidationError):
        operation = None
    if operation is None:
        raise NotFound()
    allowed = can_edit_operation(actor, operation) if edit else can_view_operation(actor, operation)
    if not allowed:
        raise CompartmentDenied(actor, operation, action)
    record_operation_access(actor, [operation], action)
    return operation


@dataclass
class OperationView:
    operation: Operation
    members: list[Any]
    is_member: bool
    is_lead: bool
    findings: list[Any]
    shown: dict[uuid.UUID, PersonShown]
    accesses: list[OperationAccess] = field(default_factory=list)


@compartment_logged
@transaction.atomic
def operation_get_for_view(*, actor: Actor, operation_id: uuid.UUID | str) -> OperationView:
    operation = operation_lookup(actor, operation_id, "view")
    findings = list(operation.findings.select_related("person", "case"))
    is_lead = operation.lead_id == actor.user_pk
    return OperationView(
        operation=operation,
        members=list(operation.members.order_by("username")),
        is_member=can_edit_operation(actor, operation),
        is_lead=is_lead,
        findings=findings,
        shown=shown_persons(actor, [f.person for f in findings]),
        accesses=list(operation.accesses.select_related("user", "organization")[:200]) if is_lead else [],
    )


@compartment_logged
@transaction.atomic
def operation_access_log(*, actor: Actor, operation_id: uuid.UUID | str) -> tuple[Operation, list[OperationAccess]]:
    """The lead's screen: who accessed the operation (or tried), when, and whether it was granted."""
    operation = operation_lookup(actor, operation_id, "access_log")
    if operation.lead_id != actor.user_pk:
        raise PermissionDenied()
    return operation, list(operation.accesses.select_related("user", "organization")[:1000])


# --- investigations ---


@dataclass
class InvestigationFilters:
    file_number: str = ""
    suspect_name: str = ""
    place_name: str = ""
    place_type: str = ""
    status: str = ""


def _suspect_person_ids(actor: Actor, name: str) -> QuerySet[Any]:
    """Persons whose names match at least half the query's words (phonetic blind index), protected
    witnesses hidden from the actor excluded."""
    words = {phonetic_word(w) for w in name_words(name)}
    minimum = max(1, (len(words) + 1) // 2)
    phonetic = query_tokens(IndexKind.NAME_PHONETIC, words)
    return (
        PersonIndexToken.objects.filter(kind=IndexKind.NAME_PHONETIC, value__in=phonetic)
        .exclude(person_id__in=hidden_person_ids(actor))
        .values("person_id")
        .annotate(words=Count("value", distinct=True))
        .filter(words__gte=minimum)
        .values("person_id")
    )


def _with_merged_records(actor: Actor, person_ids: QuerySet[Any]) -> QuerySet[Any]:
    """``person_ids`` and every record merged with them (amparo.linkage), protected persons hidden from the
    actor left out: a merge never links a name to a protected witness's records."""
    return Person.objects.filter(pk__in=members_of(person_ids)).exclude(pk__in=hidden_person_ids(actor)).values("pk")


def investigation_queryset(actor: Actor, filters: InvestigationFilters) -> QuerySet[Investigation]:
    from .services import place_name_index

    investigations = investigations_visible_to(actor)
    if filters.file_number.strip():
        number = filters.file_number.strip()
        investigations = investigations.filter(Q(mp_file_number=number) | Q(number=number))
    if filters.status:
        investigations = investigations.filter(status=filters.status)
    if filters.suspect_name.strip():
        # A suspect registered under another spelling and merged with a matching person is found too.
        matching = _with_merged_records(actor, _suspect_person_ids(actor, filters.suspect_name))
        suspects = Suspect.objects.filter(investigation_id=OuterRef("pk"), person_id__in=matching)
        investigations = investigations.filter(Exists(suspects))
    if filters.place_name.strip() or filters.place_type:
        from .models import Place

        places = Place.objects.all()
        if filters.place_type:
            places = places.filter(place_type=filters.place_type)
        if filters.place_name.strip():
            # The place's blind index first (an indexed lookup that matches a few places), then the files among
            # those the actor may see; an EXISTS per visible file made SQLite take seconds at 100,000 files.
            places = places.filter(name_index=place_name_index(filters.place_name))
            investigations = investigations.filter(pk__in=places.values("investigation_id"))
        else:
            investigations = investigations.filter(Exists(places.filter(investigation_id=OuterRef("pk"))))
    return investigations


@dataclass
class InvestigationPage:
    investigations: list[Investigation]
    total: int
    filters: InvestigationFilters


@transaction.atomic
def investigation_search(
    *, actor: Actor, filters: InvestigationFilters, limit: int = PAGE_SIZE, offset: int = 0
) -> InvestigationPage:
    if not actor.has(Perm.JUSTICE_VIEW):
        raise PermissionDenied()
    queryset = investigation_queryset(actor, filters)
    rows = list(queryset.select_related("lead").order_by("-opened_on", "-created_at")[offset : offset + limit])
    total = queryset.count()
    # The query is identifying (a suspect's or a place's name): only its shape is audited.
    audit_record(
        actor=actor,
        action="investigation.search",
        details={
            "by_file_number": bool(filters.file_number.strip()),
            "by_suspect": bool(filters.suspect_name.strip()),
            "by_place": bool(filters.place_name.strip()),
            "place_type": filters.place_type,
            "status": filters.status,
            "results": len(rows),
        },
    )
    return InvestigationPage(investigations=rows, total=total, filters=filters)


@dataclass
class SuspectRow:
    suspect: Suspect
    shown: PersonShown | None


@dataclass
class WitnessRow:
    witness: Witness
    shown: PersonShown


RowT = TypeVar("RowT", SuspectRow, WitnessRow)


@dataclass
class PersonEntry(Generic[RowT]):
    """One real person of a suspect or witness list: the records of the list merged into that person
    (amparo.linkage), the first the one the person is shown by, each with its own data."""

    rows: list[RowT]

    @property
    def main(self) -> RowT:
        return self.rows[0]

    @property
    def merged(self) -> list[RowT]:
        return self.rows[1:]

    @property
    def merged_note(self) -> str:
        n = len(self.rows) - 1
        if not n:
            return ""
        return ngettext(
            "Also registered as %(count)d other record merged with this person.",
            "Also registered as %(count)d other records merged with this person.",
            n,
        ) % {"count": n}


def _by_person(
    rows: list[RowT], person_of: Callable[[RowT], uuid.UUID | None], groups: dict[uuid.UUID, Group]
) -> list[PersonEntry[RowT]]:
    """The rows as one entry per merge group, in the order each person first appears, the surviving record
    first. A business, and a person protection hides from the actor, stays on its own: grouping it would
    tell the actor which named record a pseudonym is."""
    entries: list[PersonEntry[RowT]] = []
    by_group: dict[uuid.UUID, PersonEntry[RowT]] = {}
    for row in rows:
        pid = person_of(row)
        if pid is None or row.shown is None or row.shown.hidden:
            entries.append(PersonEntry([row]))
            continue
        key = groups[pid].canonical
        if key in by_group:
            by_group[key].rows.append(row)
        else:
            by_group[key] = PersonEntry([row])
            entries.append(by_group[key])

    def not_survivor(row: RowT) -> bool:
        pid = person_of(row)
        return pid is None or groups[pid].canonical != pid

    for entry in by_group.values():
        entry.rows.sort(key=not_survivor)  # stable: the others keep the order they were added in
    return entries


@dataclass
class InvestigationView:
    investigation: Investigation
    can_edit: bool
    can_manage_team: bool
    team: list[Any]
    complaints: list[tuple[Complaint, bool]]  # (complaint, actor may open it: the receiving institution's)
    places: list[Any]
    suspects: list[SuspectRow]  # one per record (the API's list)
    victims: list[tuple[InvestigationVictim, bool]]  # (link, actor may open the case)
    witnesses: list[tuple[Any, PersonShown]]  # one per record (the API's list)
    evidence: list[Evidence]
    operations: list[Operation]
    arrests: list[Any]
    court_events: list[Any]
    cooperation: list[Any]
    charges: list[Any] = field(default_factory=list)
    status_changes: list[Any] = field(default_factory=list)  # the steps along the procedure, oldest first
    shown: dict[uuid.UUID, PersonShown] = field(default_factory=dict)
    suspect_labels: dict[uuid.UUID, str] = field(default_factory=dict)  # suspect id -> name or pseudonym
    # the page's lists: one entry per real person, merged records under it (never a hidden person's)
    suspect_entries: list[PersonEntry[SuspectRow]] = field(default_factory=list)
    witness_entries: list[PersonEntry[WitnessRow]] = field(default_factory=list)


def investigation_lookup(actor: Actor, investigation_id: uuid.UUID | str) -> Investigation:
    if not actor.has(Perm.JUSTICE_VIEW):
        raise PermissionDenied()
    investigation = Investigation.objects.select_related("lead", "owner_org").filter(pk=investigation_id).first()
    if investigation is None or not can_view_investigation(actor, investigation):
        raise NotFound()
    return investigation


def visible_operations(actor: Actor, investigation: Investigation) -> list[Operation]:
    operations = list(operations_visible_to(actor).filter(investigation=investigation).select_related("lead"))
    record_operation_access(actor, operations, "list")
    return operations


@transaction.atomic
def investigation_get_for_view(*, actor: Actor, investigation_id: uuid.UUID | str) -> InvestigationView:
    investigation = investigation_lookup(actor, investigation_id)
    suspects = list(investigation.suspects.select_related("person", "business"))
    witnesses = list(investigation.witnesses.select_related("person"))
    persons: list[Person] = [s.person for s in suspects if s.person] + [w.person for w in witnesses]
    shown = shown_persons(actor, persons)
    groups = groups_of(p.pk for p in persons)
    suspect_rows = [SuspectRow(s, shown.get(s.person_id) if s.person_id else None) for s in suspects]
    witness_rows = [WitnessRow(w, shown[w.person_id]) for w in witnesses]
    victims = list(investigation.victims.select_related("case", "case__person"))
    audit_record(actor=actor, action="investigation.view", target_type="investigation", target_id=investigation.pk)
    return InvestigationView(
        investigation=investigation,
        can_edit=can_edit_investigation(actor, investigation),
        can_manage_team=can_manage_team(actor, investigation),
        team=list(investigation.team.select_related("user").order_by("added_at")),
        complaints=[(c, can_view_complaint(actor, c)) for c in investigation.complaints.order_by("received_on")],
        places=list(investigation.places.all()),
        suspects=suspect_rows,
        victims=[(v, can_view_case(actor, v.case)) for v in victims],
        witnesses=[(r.witness, r.shown) for r in witness_rows],
        evidence=list(investigation.evidence.prefetch_related("custody")),
        operations=visible_operations(actor, investigation),
        arrests=list(investigation.arrests.select_related("suspect")),
        court_events=list(investigation.court_events.all()),
        cooperation=list(investigation.cooperation.all()),
        status_changes=list(investigation.status_changes.all()),
        charges=list(investigation.charges.select_related("article__law", "version", "verdict__sentence")),
        shown=shown,
        suspect_labels={
            s.pk: str(shown[s.person_id]) if s.person_id else (s.business.name if s.business else "") for s in suspects
        },
        suspect_entries=_by_person(suspect_rows, lambda r: r.suspect.person_id, groups),
        witness_entries=_by_person(witness_rows, lambda r: r.witness.person_id, groups),
    )


@compartment_logged
@transaction.atomic
def operation_for_member(*, actor: Actor, operation_id: uuid.UUID | str, action: str = "edit") -> Operation:
    """For the compartment's work screens: members only (others: 404, logged for the lead)."""
    return operation_lookup(actor, operation_id, action, edit=True)


@compartment_logged
@transaction.atomic
def operation_for_lead(*, actor: Actor, operation_id: uuid.UUID | str) -> Operation:
    operation = operation_lookup(actor, operation_id, "edit", edit=True)
    if operation.lead_id != actor.user_pk:
        raise PermissionDenied()
    return operation


def investigation_export_rows(*, actor: Actor, investigations: list[Investigation]) -> list[list[str]]:
    """Rows of the CSV export: names through protection.py, operations only inside the compartment."""
    ids = [i.pk for i in investigations]
    suspects = list(Suspect.objects.filter(investigation_id__in=ids).select_related("person", "business"))
    witnesses = list(Witness.objects.filter(investigation_id__in=ids).select_related("person"))
    shown = shown_persons(actor, [s.person for s in suspects if s.person] + [w.person for w in witnesses])
    victims = dict(
        InvestigationVictim.objects.filter(investigation_id__in=ids)
        .values_list("investigation_id")
        .annotate(n=Count("id"))
    )
    operations_by = dict(
        operations_visible_to(actor)
        .filter(investigation_id__in=ids)
        .values_list("investigation_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for inv in investigations:
        names = [
            str(shown[s.person_id]) if s.person_id else (s.business.name if s.business else "")
            for s in suspects
            if s.investigation_id == inv.pk
        ]
        witness_names = [str(shown[w.person_id]) for w in witnesses if w.investigation_id == inv.pk]
        rows.append(
            [
                inv.number,
                inv.mp_file_number,
                str(inv.get_status_display()),
                inv.opened_on.isoformat(),
                "; ".join(names),
                "; ".join(witness_names),
                str(victims.get(inv.pk, 0)),
                str(operations_by.get(inv.pk, 0)),
            ]
        )
    return rows


@dataclass
class ChargeView:
    charge: Any
    suspect_label: str
    outcome: Any  # amparo.law.calculator.Outcome: the range for this charge
    can_edit: bool
    victims: list[tuple[str, str]]  # (case id, case number) of the investigation's victims the actor may see


@transaction.atomic
def charge_get_for_view(*, actor: Actor, charge_id: uuid.UUID | str) -> ChargeView:
    from .models import Charge
    from .prosecution_services import charge_outcome

    charge = (
        Charge.objects.select_related(
            "investigation", "suspect__person", "suspect__business", "article__law", "version"
        )
        .filter(pk=charge_id)
        .first()
    )
    if charge is None:
        raise NotFound()
    investigation = investigation_lookup(actor, charge.investigation_id)
    suspect = charge.suspect
    label = (
        str(shown_persons(actor, [suspect.person])[suspect.person.pk])
        if suspect.person
        else (suspect.business.name if suspect.business else "")
    )
    victims = [
        (str(v.case_id), v.case.number)
        for v in investigation.victims.select_related("case")
        if can_view_case(actor, v.case)
    ]
    audit_record(actor=actor, action="charge.view", target_type="investigation", target_id=investigation.pk)
    return ChargeView(
        charge=charge,
        suspect_label=label,
        outcome=charge_outcome(charge),
        can_edit=can_edit_investigation(actor, investigation),
        victims=victims,
    )


# --- a person's involvement (the person page), following merges ---


@dataclass
class Involvement:
    investigation: Investigation
    roles: list[str]  # "suspect", "witness", "victim" (display labels: ``role_labels``)
    merged_record: bool  # through a record merged with the person, not the person's own record

    @property
    def role_labels(self) -> list[str]:
        return [str(INVOLVEMENT_ROLES[r]) for r in self.roles]


INVOLVEMENT_ROLES = {"suspect": _("suspect"), "witness": _("witness"), "victim": _("victim")}


@transaction.atomic
def person_involvement(*, actor: Actor, person_id: uuid.UUID | str, limit: int = PAGE_SIZE) -> list[Involvement]:
    """The investigations of the actor's team in which the person, or a record merged with it, is a suspect,
    a witness or a victim (through a case), newest first. Only a person the actor may see is a starting point;
    merged records of protected persons hidden from the actor are left out (protection.py). Audited with
    counts only."""
    if not actor.has(Perm.JUSTICE_VIEW):
        raise PermissionDenied()
    start = persons_visible_to(actor).filter(pk=person_id).values("pk")
    group = _with_merged_records(actor, start)
    mine = investigations_visible_to(actor).values("pk")
    found: dict[uuid.UUID, dict[str, set[uuid.UUID]]] = {}
    rows = [
        (
            "suspect",
            Suspect.objects.filter(investigation_id__in=mine, person_id__in=group).values_list(
                "investigation_id", "person_id"
            ),
        ),
        (
            "witness",
            Witness.objects.filter(investigation_id__in=mine, person_id__in=group).values_list(
                "investigation_id", "person_id"
            ),
        ),
        (
            "victim",
            InvestigationVictim.objects.filter(investigation_id__in=mine, case__person_id__in=group).values_list(
                "investigation_id", "case__person_id"
            ),
        ),
    ]
    for role, query in rows:
        for investigation_id, pid in query:
            found.setdefault(investigation_id, {}).setdefault(role, set()).add(pid)
    investigations = (
        Investigation.objects.filter(pk__in=list(found)).select_related("lead").order_by("-opened_on", "-created_at")
    )
    own = _as_uuid(person_id)
    result = [
        Involvement(
            investigation=inv,
            roles=[r for r in INVOLVEMENT_ROLES if r in found[inv.pk]],
            merged_record=all(own not in ids for ids in found[inv.pk].values()),
        )
        for inv in investigations[:limit]
    ]
    audit_record(
        actor=actor,
        action="person.involvement",
        target_type="person",
        target_id=own,
        details={"results": len(result), "through_merged_records": sum(i.merged_record for i in result)},
    )
    return result


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
