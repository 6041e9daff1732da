"""Dates of the post-closure follow-ups, and the state of each one on a given day."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings

DEFAULT_MONTHS = (1, 3, 6, 12)


def follow_up_months() -> list[int]:
    months = getattr(settings, "AMPARO_FOLLOW_UP_MONTHS", None) or DEFAULT_MONTHS
    return sorted({int(m) for m in months if 0 < int(m) <= 120})


def grace_days() -> int:
    return int(getattr(settings, "AMPARO_FOLLOW_UP_GRACE_DAYS", 7))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


UPCOMING, DUE, OVERDUE, DONE, CANCELLED = "upcoming", "due", "overdue", "done", "cancelled"


def state(*, due_on: datetime.date, done: bool, cancelled: bool, today: datetime.date) -> str:
    if done:
        return DONE
    if cancelled:
        return CANCELLED
    if due_on > today:
        return UPCOMING
    if (today - due_on).days > grace_days():
        return OVERDUE
    return DUE
