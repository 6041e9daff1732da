"""Reads of cases, scoped to the actor (team, or the institution's supervisors). Views are audited."""

from __future__ import annotations

import base64
import datetime
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.core.normalize import name_words, phonetic_word
from amparo.linkage.resolve import members_of
from amparo.people.indexing import query_tokens
from amparo.people.models import IndexKind, PersonIndexToken
from amparo.people.permissions import hidden_by_protection

from .identity import attach_shown_persons
from .models import Attachment, Case, Task
from .permissions import can_view_case, cases_visible_to
from .vocab import CaseStatus

PAGE_SIZE = 50


@transaction.atomic
def case_get_for_view(*, actor: Actor, case_id: uuid.UUID | str) -> Case:
    if not actor.has(Perm.CASE_VIEW):
        raise PermissionDenied()
    case = (
        Case.objects.select_related("person", "owner_org", "owner_unit", "owner", "supervisor")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise NotFound()
    audit_record(actor=actor, action="case.view", target_type="case", target_id=case.pk)
    return case


def active_cases_of_person(person_id: uuid.UUID, organization_id: int | None = None) -> QuerySet[Case]:
    """The active (not closed) cases of a person, in one institution if given, following merges: the cases
    of every record merged with the person count (amparo.linkage.resolve). Not scoped to a user: it serves the
    one-active-case rule (cases.services) and ``other_active_cases``, which checks what the user may see."""
    from amparo.people.models import Person

    group = members_of(Person.objects.filter(pk=person_id).values("pk"))
    cases = Case.objects.filter(person_id__in=group).exclude(status=CaseStatus.CLOSED)
    return cases if organization_id is None else cases.filter(owner_org_id=organization_id)


@dataclass(frozen=True)
class OtherActiveCases:
    shown: list[Case]  # the actor may open these: linked, with their number
    unseen: int  # outside what the actor may see: counted, never numbered

    @property
    def total(self) -> int:
        return len(self.shown) + self.unseen

    def __bool__(self) -> bool:
        return self.total > 0


def other_active_cases(*, actor: Actor, case: Case) -> OtherActiveCases:
    """The person's other active cases in the case's institution (two records merged after each had a case
    there), for the members of that institution only. A case is linked only when the actor may see it and
    neither case shows a protected witness by pseudonym to the actor (a link would tie the two together)."""
    if actor.org_pk != case.owner_org_id:
        return OtherActiveCases(shown=[], unseen=0)
    others = list(
        active_cases_of_person(case.person_id, case.owner_org_id)
        .exclude(pk=case.pk)
        .select_related("owner")
        .order_by("opened_at")
    )
    if not others:
        return OtherActiveCases(shown=[], unseen=0)
    attach_shown_persons(actor, [case, *others])
    shown = [
        other
        for other in others
        if not case.hidden_as and not other.hidden_as and can_view_case(actor, other)  # type: ignore[attr-defined]
    ]
    return OtherActiveCases(shown=shown, unseen=len(others) - len(shown))


@dataclass
class CaseFilters:
    scope: str = "mine"  # mine | unit | all (all visible)
    status: str = ""
    trafficking_status: str = ""
    form: str = ""
    age_group: str = ""
    sex: str = ""
    nationality: str = ""
    department: str = ""
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    name: str = ""


@dataclass
class CasePage:
    cases: list[Case]
    next_cursor: str = ""
    filters: CaseFilters = field(default_factory=CaseFilters)


def _encode_cursor(case: Case) -> str:
    raw = json.dumps([case.opened_at.isoformat(), str(case.pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_cursor(cursor: str) -> tuple[datetime.datetime, str] | None:
    try:
        opened, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.datetime.fromisoformat(opened), str(uuid.UUID(pk))
    except (ValueError, TypeError):
        return None


def _name_person_ids(actor: Actor, name: str) -> QuerySet[Any]:
    """Persons of the actor's institution whose names match at least half the words (phonetically)."""
    words = {phonetic_word(w) for w in name_words(name)}
    minimum = max(1, (len(words) + 1) // 2)
    phonetic = query_tokens(IndexKind.NAME_PHONETIC, words)
    return (
        # owner_org on the entry (a copy of the person's) keeps the lookup within the institution, in the index.
        PersonIndexToken.objects.filter(kind=IndexKind.NAME_PHONETIC, value__in=phonetic, owner_org_id=actor.org_pk)
        .values("person_id")
        .annotate(words=Count("value", distinct=True))
        .filter(words__gte=minimum)
        .values("person_id")
    )


def case_queryset(actor: Actor, filters: CaseFilters) -> QuerySet[Case]:
    cases = cases_visible_to(actor)
    if filters.scope == "mine":
        assigned = Case.assigned.through.objects.filter(case_id=OuterRef("pk"), user_id=actor.user_pk)
        cases = cases.filter(Q(owner_id=actor.user_pk) | Exists(assigned))
    elif filters.scope == "unit" and actor.membership is not None and actor.membership.unit_id:
        cases = cases.filter(owner_unit_id=actor.membership.unit_id)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.trafficking_status:
        cases = cases.filter(trafficking_status=filters.trafficking_status)
    if filters.form:
        cases = cases.filter(forms_index__contains=f"|{filters.form}|")
    if filters.age_group:
        cases = cases.filter(age_group=filters.age_group)
    if filters.name.strip() or filters.sex or filters.nationality or filters.department:
        # A protected witness is not found by who they are (the case shows only the pseudonym).
        cases = cases.exclude(person_id__in=hidden_by_protection(actor))
    if filters.sex:
        cases = cases.filter(person__gender=filters.sex)
    if filters.nationality:
        cases = cases.filter(person__nationalities__icontains=f'"{filters.nationality}"')
    if filters.department:
        cases = cases.filter(person__residence_department=filters.department)
    if filters.opened_from:
        cases = cases.filter(opened_at__date__gte=filters.opened_from)
    if filters.opened_to:
        cases = cases.filter(opened_at__date__lte=filters.opened_to)
    if filters.name.strip():
        # A merged person's cases follow it: a name that matches one record finds the cases of every record
        # merged with it (a subquery in the same statement, no extra query), still within cases_visible_to.
        cases = cases.filter(person_id__in=members_of(_name_person_ids(actor, filters.name)))
    return cases


@transaction.atomic
def case_list(*, actor: Actor, filters: CaseFilters, cursor: str = "", page_size: int = PAGE_SIZE) -> CasePage:
    """Keyset pagination on (opened, id): constant cost per page however many cases there are."""
    if not actor.has(Perm.CASE_VIEW):
        raise PermissionDenied()
    cases = case_queryset(actor, filters).select_related("person").order_by("-opened_at", "-id")
    position = _decode_cursor(cursor) if cursor else None
    if position is not None:
        opened, pk = position
        cases = cases.filter(Q(opened_at__lt=opened) | Q(opened_at=opened, id__lt=pk))
    rows = list(cases[: page_size + 1])
    page = rows[:page_size]
    attach_shown_persons(actor, page)
    audit_record(
        actor=actor,
        action="case.list",
        details={"results": len(page), "scope": filters.scope, "by_name": bool(filters.name.strip())},
    )
    return CasePage(cases=page, next_cursor=_encode_cursor(page[-1]) if len(rows) > page_size else "", filters=filters)


def overdue_tasks(*, actor: Actor, mine_only: bool = True) -> QuerySet[Task]:
    if not actor.has(Perm.CASE_VIEW):
        raise PermissionDenied()
    # EXISTS per task rather than IN (every visible case): with table statistics SQLite otherwise lists all
    # the institution's cases first (40 ms at 80,000 cases) instead of starting from the user's open tasks.
    visible = Exists(cases_visible_to(actor).filter(pk=OuterRef("case_id")))
    tasks = Task.objects.filter(visible, done_at__isnull=True, due_date__lt=timezone.localdate())
    if mine_only:
        tasks = tasks.filter(assigned_to_id=actor.user_pk)
    return tasks.select_related("case", "assigned_to").order_by("due_date")


@transaction.atomic
def attachment_download(*, actor: Actor, attachment_id: uuid.UUID | str) -> tuple[Attachment, bytes]:
    from . import attachments

    attachment = Attachment.objects.select_related("case").filter(pk=attachment_id).first()
    if attachment is None or not can_view_case(actor, attachment.case):
        raise NotFound()
    data = attachments.load(attachment)
    audit_record(
        actor=actor,
        action="case.attachment_downloaded",
        target_type="case",
        target_id=attachment.case_id,
        details={"attachment": str(attachment.pk)},
    )
    return attachment, data
