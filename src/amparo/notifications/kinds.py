"""What a notification says: a short code, shown through this table of translatable labels.

Notifications never carry identifying data: no names, no free text, only the kind and a link inside
Amparo. The text a user reads comes from here, in their language.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REFERRAL_RECEIVED = "referral.received"
REFERRAL_ACCEPTED = "referral.accepted"
REFERRAL_DECLINED = "referral.declined"
REFERRAL_COMPLETED = "referral.completed"
REFERRAL_CANCELLED = "referral.cancelled"
REFERRAL_ENDED = "referral.ended"
REFERRAL_OVERDUE = "referral.overdue"
REFERRAL_PLACED = "referral.placed"
REFERRAL_DISCHARGED = "referral.discharged"
# --- reintegration and reminders (issue 4) ---
REFERRAL_UNANSWERED = "referral.unanswered"
REFERRAL_COMPLETION_OVERDUE = "referral.completion_overdue"
PLACEMENT_ORDER_EXPIRING = "placement.order_expiring"
PLACEMENT_ORDER_EXPIRED = "placement.order_expired"
PLACEMENT_ORDER_RENEWED = "placement.order_renewed"
FOLLOW_UP_DUE = "follow_up.due"
FOLLOW_UP_OVERDUE = "follow_up.overdue"
FOLLOW_UP_ALERT = "follow_up.alert"
# repatriation (amparo.repatriation)
REPATRIATION_STEP_OPENED = "repatriation.step_opened"
REPATRIATION_NOTICE = "repatriation.notice"
REPATRIATION_STEP_COMPLETED = "repatriation.step_completed"
REPATRIATION_COMPLETED = "repatriation.completed"
REPATRIATION_CANCELLED = "repatriation.cancelled"
REPATRIATION_STEP_OVERDUE = "repatriation.step_overdue"
# --- hotline app ---
HOTLINE_RESCUE_ALERT = "hotline.rescue_alert"
HOTLINE_RESCUE_ALERT_FALLBACK = "hotline.rescue_alert_fallback"
HOTLINE_ALERT_ACKNOWLEDGED = "hotline.alert_acknowledged"
HOTLINE_ASSIGNED = "hotline.assigned"
# --- cases: what waits for a supervisor ---
CASE_NEEDS_TEAM = "case.needs_team"
CARE_PLAN_SUBMITTED = "case.care_plan_submitted"
CLOSURE_REQUESTED = "case.closure_requested"
CASE_SECOND_ACTIVE = "case.second_active"  # a merge of person records left two active cases in one institution

LABELS: dict[str, Promise] = {
    REFERRAL_RECEIVED: _("A referral was sent to your institution"),
    REFERRAL_ACCEPTED: _("A referral you sent was accepted"),
    REFERRAL_DECLINED: _("A referral you sent was declined"),
    REFERRAL_COMPLETED: _("A referral was completed"),
    REFERRAL_CANCELLED: _("A referral was cancelled"),
    REFERRAL_ENDED: _("A referral has ended"),
    REFERRAL_OVERDUE: _("A referral is overdue"),
    REFERRAL_PLACED: _("A person you referred was admitted to a shelter"),
    REFERRAL_DISCHARGED: _("A person you referred left the shelter"),
    # --- reintegration and reminders (issue 4) ---
    REFERRAL_UNANSWERED: _("A referral you sent has no answer past its date"),
    REFERRAL_COMPLETION_OVERDUE: _("An accepted referral is waiting for its outcome"),
    PLACEMENT_ORDER_EXPIRING: _("A court order for a shelter placement ends soon"),
    PLACEMENT_ORDER_EXPIRED: _("A court order for a shelter placement has ended"),
    PLACEMENT_ORDER_RENEWED: _("A court order for a shelter placement was renewed"),
    FOLLOW_UP_DUE: _("A follow-up after closure is due"),
    FOLLOW_UP_OVERDUE: _("A follow-up after closure is overdue"),
    FOLLOW_UP_ALERT: _("A follow-up found the person at risk or out of contact"),
    # repatriation (amparo.repatriation)
    REPATRIATION_STEP_OPENED: _("A repatriation step is now your institution's to do"),
    REPATRIATION_NOTICE: _("A repatriation your institution takes part in needs your attention"),
    REPATRIATION_STEP_COMPLETED: _("A repatriation step was completed"),
    REPATRIATION_COMPLETED: _("A repatriation was completed: the hand-over is confirmed"),
    REPATRIATION_CANCELLED: _("A repatriation was cancelled"),
    REPATRIATION_STEP_OVERDUE: _("A repatriation step your institution is responsible for is overdue"),
    # --- hotline app ---
    HOTLINE_RESCUE_ALERT: _("URGENT: a rescue request came in while you are on duty"),
    HOTLINE_RESCUE_ALERT_FALLBACK: _("URGENT: a rescue request came in and nobody is on duty: your unit is alerted"),
    HOTLINE_ALERT_ACKNOWLEDGED: _("An officer acknowledged a rescue alert of your call"),
    HOTLINE_ASSIGNED: _("A hotline call was assigned to you"),
    # --- cases ---
    CASE_NEEDS_TEAM: _("A new case of your institution needs a caseworker"),
    CARE_PLAN_SUBMITTED: _("A care plan is waiting for your approval"),
    CLOSURE_REQUESTED: _("A request to close a case is waiting for your approval"),
    CASE_SECOND_ACTIVE: _(
        "Two records of a person were merged: the person now has two active cases in your institution"
    ),
}
GENERIC_LABEL: Promise = _("You have a new notification")

# A kind is a code ("referral.received"), never text typed by a user.
_KIND = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
# A target is a path inside Amparo (optionally a code-like query or fragment): never another site.
_TARGET = re.compile(r"^/(?![/\\])[A-Za-z0-9._~/-]*(\?[A-Za-z0-9._~=&-]*)?(#[A-Za-z0-9._~-]*)?$")
KIND_MAX_LENGTH = 64
TARGET_MAX_LENGTH = 300


def label_for(kind: str) -> str:
    """The kind's label in the active language (a generic one for kinds this table does not know)."""
    return str(LABELS.get(kind, GENERIC_LABEL))


def is_valid_kind(kind: str) -> bool:
    return isinstance(kind, str) and len(kind) <= KIND_MAX_LENGTH and bool(_KIND.match(kind))


def is_safe_target(url: str) -> bool:
    """A path of this site: starts with one "/", no scheme, no host, no backslash, no control characters."""
    return isinstance(url, str) and len(url) <= TARGET_MAX_LENGTH and bool(_TARGET.match(url))
