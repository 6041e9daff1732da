"""Dashboards, chart downloads, and the records behind a figure (for those who may see the records)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amparo.accounts.decorators import reauth_required
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import StaleEdit, ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires

from . import exports, publish, selectors, services
from .disclosure import threshold_from_settings
from .forms import FilterForm
from .models import ReportNarrative, ReportSection
from .report import build_report
from .report_export import report_docx, report_pdf


def _form(request: HttpRequest, *, complete: bool = False) -> FilterForm:
    form = FilterForm(request.GET or None, complete=complete)
    form.is_valid()
    return form


def _bad_filters(form: FilterForm) -> HttpResponse:
    """A 400 for a download (or a page without the filter form) that names what is wrong with its filters."""
    return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")


@requires(Perm.STATS_VIEW)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if form.is_bound and form.errors:
        return render(request, "stats/dashboard.html", {"form": form, "charts": []}, status=400)
    filters = form.filters()
    charts = [publish.chart(key, filters) for key in publish.DASHBOARD]
    threshold = threshold_from_settings()
    victims, victims_small = publish.victims_headline(filters, threshold)
    persons, persons_small = publish.persons_headline(filters, threshold)
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "charts": charts,
            "query": form.query(),
            "threshold": threshold_from_settings(),
            "victims_total": publish.shown(victims, threshold, small=victims_small),
            "persons_total": publish.shown(persons, threshold, small=persons_small),
            "units": publish.units_text(),
            "legend": publish.legend(threshold_from_settings()),
            "can_see_records": actor_from(request).has(Perm.STATS_RECORDS),
            "record_keys": selectors.RECORD_KEYS,
            "fact_build": selectors.fact_table_build(),
        },
    )


@requires(Perm.STATS_VIEW)
def chart_csv_view(request: HttpRequest, key: str) -> HttpResponse:
    if key not in publish.CHARTS:
        raise Http404()
    form = _form(request)
    if form.is_bound and form.errors:
        return _bad_filters(form)
    chart = publish.chart(key, form.filters())
    response = HttpResponse(publish.chart_csv(chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
    return response


@requires(Perm.STATS_RECORDS)
def records_view(request: HttpRequest, key: str) -> HttpResponse:
    """The cases behind one figure, limited to those the user may open anyway (their team, or their
    institution's for supervisors). A statistician never has this permission."""
    actor = actor_from(request)
    if not actor.has(Perm.CASE_VIEW):
        raise DjangoPermissionDenied()
    form = _form(request)
    if form.is_bound and form.errors:
        return _bad_filters(form)
    code = request.GET.get("code", "")
    try:
        cases = selectors.records_behind(actor=actor, key=key, code=code, filters=form.filters())
    except KeyError as exc:
        raise Http404() from exc
    return render(
        request,
        "stats/records.html",
        {"cases": cases[:500], "chart": publish.CHARTS[key][0], "code": code, "query": form.query()},
    )


@requires(Perm.STATS_VIEW)
def report_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    form = _form(request, complete=True)
    if form.is_bound and form.errors:
        return render(request, "stats/report.html", {"form": form}, status=400)
    filters = form.filters()
    report = build_report(filters, actor=actor)
    return render(
        request,
        "stats/report.html",
        {
            "form": form,
            "report": report,
            "query": form.query(),
            "threshold": report.threshold,
            "legend": publish.legend(report.threshold),
            "can_see_records": actor.has(Perm.STATS_RECORDS),
            "record_keys": selectors.RECORD_KEYS,
            "can_narrate": actor.has(Perm.PLAN_REPORT),
        },
    )


EXPORT_LANGUAGES = ("es", "en")


@requires(Perm.STATS_VIEW)
@reauth_required
def report_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report as PDF or DOCX, in Spanish or English: re-authenticated and audited. It holds only
    disclosure-controlled figures and the institutions' narratives."""
    if fmt not in ("pdf", "docx"):
        raise Http404()
    language = request.GET.get("lang", "es")
    if language not in EXPORT_LANGUAGES:
        language = "es"
    actor = actor_from(request)
    form = _form(request, complete=True)
    if form.is_bound and form.errors:
        return _bad_filters(form)
    filters = form.filters()
    with translation.override(language):
        report = build_report(filters, actor=actor)
        data = report_pdf(report) if fmt == "pdf" else report_docx(report)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="report.exported",
            target_type="annual_report",
            target_id=f"{filters.period.start.isoformat()}/{filters.period.end.isoformat()}",
            details={"format": fmt, "language": language, "institution": filters.institution_id or 0},
        )
    content_type = (
        "application/pdf" if fmt == "pdf" else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = HttpResponse(data, content_type=content_type)
    name = f"informe-{filters.period.start.isoformat()}-{filters.period.end.isoformat()}-{language}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


class NarrativeForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Narrative"), widget=forms.Textarea(attrs={"rows": 12}), max_length=20000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


@requires(Perm.PLAN_REPORT)
def narrative_edit_view(request: HttpRequest, section: str) -> HttpResponse:
    """The actor's institution writes its own narrative for a section of the report of a period."""
    if section not in ReportSection.values:
        raise Http404()
    actor = actor_from(request)
    period_form = _form(request, complete=True)
    if period_form.is_bound and period_form.errors:
        return _bad_filters(period_form)
    period = period_form.filters().period
    current = ReportNarrative.objects.filter(
        organization_id=actor.org_pk, period_start=period.start, period_end=period.end, section=section
    ).first()
    initial = {"text": current.text, "version": current.version} if current else {}
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.narrative_save(
                actor=actor,
                period=period,
                section=section,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        except StaleEdit:
            form.add_error(None, _("Someone else changed this narrative after you opened it. Review it again."))
        else:
            messages.success(request, _("Narrative saved."))
            return redirect(f"{_report_url()}?{period_form.query()}#section-{section}")
    return render(
        request,
        "stats/narrative.html",
        {"form": form, "section": ReportSection(section).label, "period": period, "query": period_form.query()},
        status=400 if request.method == "POST" else 200,
    )


def _report_url() -> str:
    from django.urls import reverse

    return reverse("stats:report")


# ------------------------------------------------------------------------------ standard exports


def _download(data: str | bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Perm.STATS_VIEW)
def exports_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    form = _form(request, complete=True)
    return render(
        request,
        "stats/exports.html",
        {
            "form": form,
            "query": form.query() if not form.errors else "",
            "identified": actor.has(Perm.STATS_EXPORT_IDENTIFIED) and actor.has(Perm.CASE_VIEW),
            "can_import": actor.has(Perm.STATS_EXPORT_IDENTIFIED) and actor.has(Perm.CASE_CREATE),
            "htcds_form": HtcdsExportForm(),
            "import_form": HtcdsImportForm(),
            "k": settings.STATS_RELEASE_K,
            "population_note": exports.population_source_note(),
            "units": publish.unit_note(),
        },
    )


@requires(Perm.STATS_VIEW)
@reauth_required
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Disclosure-controlled exports (no identities): re-authenticated and audited."""
    if kind not in ("ctdc", "unodc", "sdg"):
        raise Http404()
    actor = actor_from(request)
    form = _form(request, complete=True)
    if form.is_bound and form.errors:
        return _bad_filters(form)
    filters = form.filters()
    threshold = threshold_from_settings()
    details: dict[str, object] = {"kind": kind}
    if kind == "ctdc":
        release = exports.ctdc_release(filters, settings.STATS_RELEASE_K)
        data = release.csv()
        details.update({"records": len(release.rows), "k": release.k, "dropped": release.dropped})
    elif kind == "unodc":
        data = exports.unodc_csv(filters, threshold)
    else:
        data = exports.sdg_csv(filters, threshold)
    with transaction.atomic():
        audit_record(actor=actor, action="stats.exported", target_type="export", target_id=kind, details=details)
    return _download(
        data,
        f"{kind}-{filters.period.start.isoformat()}-{filters.period.end.isoformat()}.csv",
        "text/csv; charset=utf-8",
    )


class HtcdsExportForm(forms.Form):
    file_format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[("csv", "CSV"), ("json", "JSON")])
    password = forms.CharField(
        label=gettext_lazy("Archive password"),
        widget=forms.PasswordInput,
        min_length=exports.MIN_ARCHIVE_PASSWORD,
        help_text=gettext_lazy("At least 12 characters. Send it to the recipient by another channel."),
    )


class HtcdsImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("HTCDS file (CSV or JSON)"))


@requires(Perm.STATS_EXPORT_IDENTIFIED)
@reauth_required
def htcds_export_view(request: HttpRequest) -> HttpResponse:
    """The institution's case records with identities, as an AES-encrypted zip: re-authenticated, audited."""
    actor = actor_from(request)
    form = HtcdsExportForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "stats/htcds_export.html", {"form": form}, status=400 if request.method == "POST" else 200
        )
    rows = exports.htcds_rows(actor)
    fmt = form.cleaned_data["file_format"]
    content = exports.htcds_csv(rows) if fmt == "csv" else exports.htcds_json(rows)
    archive = exports.protected_zip({f"htcds.{fmt}": content}, form.cleaned_data["password"])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="htcds.exported",
            target_type="organization",
            target_id=actor.org_pk,
            details={"format": fmt, "records": len(rows)},
        )
    return _download(archive, "htcds.zip", "application/zip")


MAX_IMPORT_BYTES = 20 * 1024 * 1024


@requires(Perm.STATS_EXPORT_IDENTIFIED)
def htcds_import_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    if not actor.has(Perm.CASE_CREATE):
        raise DjangoPermissionDenied()
    form = HtcdsImportForm(request.POST or None, request.FILES or None)
    row_errors: dict[int, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValidationFailed({"file": [_("The file is too large.")]})
            records = exports.parse_htcds(upload.name, upload.read())
            created = exports.htcds_import(actor=actor, records=records)
        except exports.ImportFailed as exc:
            row_errors = exc.rows
            add_service_errors(form, exc.errors)
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("%(n)s cases imported.") % {"n": len(created)})
            return redirect("stats:exports")
    return render(
        request,
        "stats/htcds_import.html",
        {"form": form, "row_errors": sorted(row_errors.items())},
        status=400 if request.method == "POST" else 200,
    )
