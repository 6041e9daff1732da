"""Reads of referrals and of what they share. The receiver's view is built here, section by section,
from the sections the sender chose: nothing else of the case is ever loaded for the receiver."""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.identity import hidden_as
from amparo.cases.models import Attachment, CarePlan
from amparo.core import geo
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.linkage.resolve import members_of
from amparo.people.permissions import persons_visible_to

from .models import Placement, Referral, Section, ServiceOffer
from .permissions import inbox_for, is_receiver, is_sender, outbox_for, receiver_has_access


@dataclass
class ReferralView:
    referral: Referral
    as_sender: bool
    sections: dict[str, Any]  # section code -> data, only shared sections (all of them for the sender)
    # The receiver of a referral that is no longer active (completed, declined, cancelled, ended): it keeps
    # the referral's own record (who, what, when, its answer and outcome) and sees none of the case.
    access_ended: bool = False
    # The shelter stays that came of the referral (where, category, dates, destination; no file number), so
    # the sender told "admitted", "order ends" or "discharged" finds them on the page the notice links to.
    placements: list[Placement] = dataclasses.field(default_factory=list)

    @property
    def person_placed(self) -> bool:
        """The person of an active referral lives in one of its shelter placements (not yet discharged)."""
        return self.referral.is_active and any(p.discharged_at is None for p in self.placements)


def _placements(referral: Referral) -> list[Placement]:
    return list(referral.placements.select_related("shelter").order_by("admitted_at"))


@transaction.atomic
def referral_get_for_view(*, actor: Actor, referral_id: uuid.UUID | str) -> ReferralView:
    referral = (
        Referral.objects.select_related("case__person", "consent", "from_org", "to_org", "sent_by")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound()
    if is_sender(actor, referral):
        audit_record(actor=actor, action="referral.view", target_type="referral", target_id=referral.pk)
        return ReferralView(referral, True, shared_sections(referral, actor), placements=_placements(referral))
    if receiver_has_access(actor, referral):
        audit_record(
            actor=actor,
            action="referral.view_shared",
            target_type="referral",
            target_id=referral.pk,
            details={"sections": referral.shared_sections},
        )
        return ReferralView(referral, False, shared_sections(referral, actor), placements=_placements(referral))
    if is_receiver(actor, referral):
        audit_record(actor=actor, action="referral.view_closed", target_type="referral", target_id=referral.pk)
        return ReferralView(referral, False, {}, access_ended=True)
    raise NotFound()


# What each shared section holds, field by field: the one definition the page, the PDF and the API follow
# (the API's serializers are checked against it). The identity section promises "name, age, sex, nationality,
# languages": an age or age range, never the date of birth, and no aliases; the contact section promises a
# phone, an address and the department of residence, no e-mail.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    Section.IDENTITY: (
        "given_names",
        "surnames",
        "age_min",
        "age_max",
        "gender",
        "gender_label",
        "nationalities",
        "languages",
        "minor_protocol",
    ),
    Section.CONTACT: ("phone", "address", "department"),
    Section.SCREENING: ("trafficking_status", "determined_by"),
    # The sections below are lists or records of the case's own rows; these are the fields of each row the page
    # shows (the API follows): an event's stage, country and forms of exploitation (no dates, no means of
    # control); the two risks the receiver acts on (re-trafficking, reprisal); the plan's goals and each service
    # delivered with its provider.
    Section.EVENTS: ("kind", "country", "forms"),
    Section.RISK: ("retrafficking", "reprisal"),
    Section.CARE_PLAN: ("goals", "deliveries"),
}


def _section(code: str, values: dict[str, Any]) -> dict[str, Any]:
    return {field: values[field] for field in SECTION_FIELDS[code]}


def shared_sections(referral: Referral, actor: Actor) -> dict[str, Any]:
    case = referral.case
    person = case.person
    sections: dict[str, Any] = {}
    shared = set(referral.shared_sections)
    pseudonym = hidden_as(actor, case)
    if pseudonym:
        # A protected witness, the reader outside the protection team: the pseudonym stands for the
        # identity, and the whereabouts are not shared whatever the referral says.
        shared.discard(Section.CONTACT)
        if Section.IDENTITY in shared:
            shared.discard(Section.IDENTITY)
            sections[Section.IDENTITY] = _section(
                Section.IDENTITY,
                {
                    "given_names": pseudonym,
                    "surnames": "",
                    "age_min": None,
                    "age_max": None,
                    "gender": "",
                    "gender_label": "",
                    "nationalities": [],
                    "languages": [],
                    "minor_protocol": case.minor_protocol,
                },
            )
    if Section.IDENTITY in shared:
        low, high = person.age_range_on(timezone.localdate())
        sections[Section.IDENTITY] = _section(
            Section.IDENTITY,
            {
                "given_names": person.given_names,
                "surnames": person.surnames,
                "age_min": low,
                "age_max": high,
                "gender": person.gender,
                "gender_label": person.get_gender_display(),
                "nationalities": person.nationalities,
                "languages": [geo.language_name(c, get_language()) for c in person.languages],
                "minor_protocol": case.minor_protocol,
            },
        )
    if Section.CONTACT in shared:
        sections[Section.CONTACT] = _section(
            Section.CONTACT,
            {
                "phone": person.phone,
                "address": person.address,
                "department": geo.department_name(person.residence_department),
            },
        )
    if Section.SCREENING in shared:
        sections[Section.SCREENING] = _section(
            Section.SCREENING,
            {
                "trafficking_status": case.get_trafficking_status_display(),
                "determined_by": case.get_status_determined_by_display() if case.status_determined_by else "",
            },
        )
    if Section.EVENTS in shared:
        sections[Section.EVENTS] = list(case.events.all())
    if Section.RISK in shared:
        sections[Section.RISK] = case.risk_assessments.first()
    if Section.CARE_PLAN in shared:
        sections[Section.CARE_PLAN] = {
            "plan": CarePlan.objects.filter(case=case).first(),
            "deliveries": list(case.deliveries.select_related("provider")),
        }
    if Section.NOTES in shared:
        sections[Section.NOTES] = list(case.notes.select_related("author")[:50])
    if Section.ATTACHMENTS in shared:
        sections[Section.ATTACHMENTS] = list(case.attachments.all())
    return sections


@transaction.atomic
def referral_attachment(
    *, actor: Actor, referral_id: uuid.UUID | str, attachment_id: uuid.UUID | str
) -> tuple[Attachment, bytes]:
    """A file of the case, for the receiver only if attachments were shared and the referral is active."""
    from amparo.cases import attachments

    referral = Referral.objects.select_related("case", "consent").filter(pk=referral_id).first()
    if referral is None or not (
        is_sender(actor, referral)
        or (receiver_has_access(actor, referral) and Section.ATTACHMENTS in referral.shared_sections)
    ):
        raise NotFound()
    attachment = Attachment.objects.filter(pk=attachment_id, case_id=referral.case_id).first()
    if attachment is None:
        raise NotFound()
    data = attachments.load(attachment)
    audit_record(
        actor=actor,
        action="referral.attachment_downloaded",
        target_type="referral",
        target_id=referral.pk,
        details={"attachment": str(attachment.pk)},
    )
    return attachment, data


@dataclass
class Boxes:
    inbox: list[Referral]
    outbox: list[Referral]
    overdue_in: int
    overdue_out: int


def referral_boxes(*, actor: Actor, limit: int = 50, status: str = "", person_id: uuid.UUID | None = None) -> Boxes:
    """The caseworker's inbox (received) and outbox (sent), newest first; overdue = unanswered past the date.
    With ``person_id`` (one of the actor's institution's persons), the referrals of that person's cases and
    of every record merged with it (linkage), in the same statement."""
    if not (actor.has(Perm.REFERRAL_RECEIVE) or actor.has(Perm.CASE_VIEW)):
        raise PermissionDenied()
    today = timezone.localdate()
    inbox, outbox = inbox_for(actor), outbox_for(actor)
    if status:
        inbox, outbox = inbox.filter(status=status), outbox.filter(status=status)
    if person_id is not None:
        # Only a person the actor may see is a starting point (another institution's id gives nothing).
        start = persons_visible_to(actor).filter(pk=person_id).values("pk")
        group = members_of(start)
        inbox, outbox = inbox.filter(case__person_id__in=group), outbox.filter(case__person_id__in=group)
    overdue = Q(status="sent", respond_by__lt=today)
    related = ("from_org", "to_org", "case")
    return Boxes(
        inbox=list(inbox.select_related(*related).order_by("-sent_at")[:limit]),
        outbox=list(outbox.select_related(*related).order_by("-sent_at")[:limit]),
        overdue_in=inbox.filter(overdue).count(),
        overdue_out=outbox.filter(overdue).count(),
    )


def _list_allows(field: str, value: str) -> Q:
    """An empty list (everyone) or a list that holds ``value``. The lists hold codes, matched on their JSON
    text (the same on SQLite and PostgreSQL: ``["01", "03"]``): the database filters, not Python."""
    return Q(**{f"{field}_text": "[]"}) | Q(**{f"{field}_text__contains": json.dumps(value)})


def directory_search(
    *, service_type: str = "", department: str = "", age: int | None = None, gender: str = "", nationality: str = ""
) -> QuerySet[ServiceOffer]:
    """The service directory (public data about institutions): who offers what, to whom, where."""
    offers = ServiceOffer.objects.filter(is_active=True, organization__is_active=True).select_related("organization")
    if service_type:
        offers = offers.filter(service_type=service_type)
    if age is not None:
        offers = offers.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=age), Q(max_age__isnull=True) | Q(max_age__gte=age)
        )
    for field, value in (("departments", department), ("sexes", gender), ("nationalities", nationality)):
        if value:
            offers = offers.annotate(**{f"{field}_text": Cast(field, TextField())}).filter(_list_allows(field, value))
    return offers


def offers_of(*, actor: Actor) -> QuerySet[ServiceOffer]:
    """The actor's institution's own directory rows, active or not (for editing)."""
    if not actor.has(Perm.DIRECTORY_MANAGE):
        raise PermissionDenied()
    return ServiceOffer.objects.filter(organization_id=actor.org_pk).order_by("-is_active", "service_type")


def offer_of(*, actor: Actor, offer_id: int) -> ServiceOffer:
    """One of the institution's own offers; another institution's is NotFound (404, no existence leak)."""
    offer = offers_of(actor=actor).filter(pk=offer_id).first()
    if offer is None:
        raise NotFound()
    return offer
