"""Plan indicators computed from Amparo's own records (counts only: no identity leaves this module).

Each function takes a calendar year and returns a number; `COMPUTED` is the menu the plan screen offers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _aware_year(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Datetime bounds (the index on the timestamp is used, unlike a __date lookup)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def victims_identified(year: int) -> Decimal:
    from amparo.cases.models import Case
    from amparo.cases.vocab import TraffickingStatus

    start, end = _aware_year(year)
    return Decimal(
        Case.objects.filter(
            opened_at__gte=start,
            opened_at__lt=end,
            trafficking_status__in=[TraffickingStatus.PRESUMED, TraffickingStatus.CONFIRMED],
        ).count()
    )


def referrals_answered_on_time_pct(year: int) -> Decimal | None:
    from amparo.referrals.models import Referral

    start, end = _aware_year(year)
    sent = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
    total = sent.count()
    if not total:
        return None
    on_time = sent.filter(responded_at__isnull=False, responded_at__date__lte=F("respond_by")).count()
    return (Decimal(on_time) * 100 / total).quantize(Decimal("0.1"))


def _trained(year: int, role: str | None = None) -> Decimal:
    from .models import Participant

    start, end = _year_bounds(year)
    rows = Participant.objects.filter(training__start_date__range=(start, end), attended=True)
    if role:
        rows = rows.filter(role=role)
    return Decimal(rows.count())


def people_trained(year: int) -> Decimal:
    return _trained(year)


def judges_trained(year: int) -> Decimal:
    return _trained(year, "judges")


def prevention_reach(year: int) -> Decimal:
    from .models import PreventionActivity

    start, end = _year_bounds(year)
    total = PreventionActivity.objects.filter(start_date__range=(start, end)).aggregate(n=Sum("estimated_reach"))
    return Decimal(total["n"] or 0)


COMPUTED: dict[str, tuple[Promise, Callable[[int], Decimal | None]]] = {
    "victims_identified": (
        _("Victims identified (presumed or confirmed), cases opened in the year"),
        victims_identified,
    ),
    "referrals_on_time": (_("Referrals answered by the expected date (%)"), referrals_answered_on_time_pct),
    "people_trained": (_("Officials trained (attended)"), people_trained),
    "judges_trained": (_("Judges trained (attended)"), judges_trained),
    "prevention_reach": (_("Estimated reach of prevention activities"), prevention_reach),
}


def register(key: str, label: Promise, function: Callable[[int], Decimal | None]) -> None:
    """Other apps (justice: convictions...) add their indicators here from their AppConfig.ready()."""
    COMPUTED[key] = (label, function)


def compute(key: str, year: int) -> Decimal | None:
    entry = COMPUTED.get(key)
    return entry[1](year) if entry else None
