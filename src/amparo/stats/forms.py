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
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        elif start and end and (end - start).days > MAX_YEARS * 366:
            self.add_error("start", _("A period covers at most %(years)s years.") % {"years": MAX_YEARS})
        return data

    def filters(self) -> Filters:
        """The filters (the default reporting period when no dates are given); call after is_valid()."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start: datetime.date = data.get("start") or self.default.start
        end: datetime.date = data.get("end") or (
            self.default.end if not data.get("start") else start + datetime.timedelta(days=364)
        )
        institution = data.get("institution")
        return Filters(Period(start, end), institution.pk if institution else None, data.get("department") or "")

    def query(self) -> str:
        f = self.filters()
        parts = {"start": f.period.start.isoformat(), "end": f.period.end.isoformat()}
        if f.institution_id:
            parts["institution"] = str(f.institution_id)
        if f.department:
            parts["department"] = f.department
        from urllib.parse import urlencode

        return urlencode(parts)
