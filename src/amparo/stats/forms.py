from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.core.geo import DEPARTMENTS
from amparo.organizations.models import Organization

from .aggregates import Filters, Period
from .publish import reporting_period

DATE = forms.DateInput(attrs={"type": "date"})
MAX_YEARS = 30
# dates a reporting period may take: beyond them the previous period of the report, or the end of the
# last day, falls outside the calendar (and no record is that old or that far ahead)
FIRST_YEAR, LAST_YEAR = 1900, 2100


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("To"), widget=DATE, required=False)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        empty_label=_("All institutions"),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, complete: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = reporting_period(timezone.localdate(), complete=complete)
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", _("All departments")),
            *sorted(DEPARTMENTS.items(), key=lambda kv: kv[1]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("start", "end"):
            value = data.get(name)
            if value and value.year < FIRST_YEAR:
                self.add_error(name, _("The date is too far in the past."))
            elif value and value.year > LAST_YEAR:
                self.add_error(name, _("The date is too far in the future."))
        if self.has_error("start") or self.has_error("end"):
            return data
        # the period as it will be used (a date left empty takes the default), so that a single date
        # cannot give a period that ends before it starts
        period = self._period(data)
        if period.end < period.start:
            self.add_error("end" if data.get("end") else "start", _("The end of the period is before its start."))
        elif (period.end - period.start).days > MAX_YEARS * 366:
            self.add_error("start", _("A period covers at most %(years)s years.") % {"years": MAX_YEARS})
        return data

    def _period(self, data: dict[str, Any]) -> Period:
        start: datetime.date = data.get("start") or self.default.start
        end: datetime.date = data.get("end") or (
            self.default.end if not data.get("start") else start + datetime.timedelta(days=364)
        )
        return Period(start, end)

    def filters(self) -> Filters:
        """The filters (the default reporting period when no dates are given); call after is_valid()."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        institution = data.get("institution")
        return Filters(self._period(data), institution.pk if institution else None, data.get("department") or "")

    def error_text(self) -> str:
        """What is wrong with the filters, one line per filter named by its label (plain-text 400s, the API)."""
        lines = []
        for name, errors in self.errors.items():
            text = " ".join(str(m) for m in errors)
            if name in self.fields:
                text = _("%(filter)s: %(errors)s") % {"filter": self.fields[name].label, "errors": text}
            lines.append(text)
        return "\n".join(lines)

    def query(self) -> str:
        f = self.filters()
        parts = {"start": f.period.start.isoformat(), "end": f.period.end.isoformat()}
        if f.institution_id:
            parts["institution"] = str(f.institution_id)
        if f.department:
            parts["department"] = f.department
        from urllib.parse import urlencode

        return urlencode(parts)
