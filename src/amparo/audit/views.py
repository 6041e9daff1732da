from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from amparo.accounts.roles import Perm
from amparo.core.views import actor_from, requires

from .forms import AuditFilterForm
from .selectors import audit_events_for
from .services import audit_head_export, audit_record, audit_verify


@requires(Perm.AUDIT_VIEW)
def audit_list_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for(actor=actor_from(request), filters=filters)  # type: ignore[attr-defined]
    if form.is_bound and not form.is_valid():
        events = events.none()  # the form shows what is wrong; an unfiltered list would mislead
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read the page before this browse is itself recorded
    with transaction.atomic():
        audit_record(
            actor=actor_from(request),
            action="audit.browse",  # type: ignore[attr-defined]
            details={"page": page.number, "filtered": bool(filters and any(filters.values()))},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})


# The reasons `audit_verify` gives (in English, for the command line and the logs), as the screen says them.
REASON_LABELS = {
    "sequence gap: missing events (deleted)": _("Events are missing: some were deleted."),
    "sequence gap: out of order": _("Events are out of order."),
    "previous-hash link broken (deleted, inserted or reordered)": _(
        "The link to the previous event is broken: events were deleted, inserted or reordered."
    ),
    "content does not match its hash (edited)": _("The event's content does not match its hash: it was edited."),
    "differs from the exported chain head": _("The event differs from the exported chain head."),
    "events after this one were deleted": _("The events after this one were deleted."),
    "the exported chain head is missing": _("The exported chain head is missing from the trail."),
}


@requires(Perm.AUDIT_VIEW)
@require_POST
def audit_verify_view(request: HttpRequest) -> HttpResponse:
    result = audit_verify()
    with transaction.atomic():
        audit_record(
            actor=actor_from(request),
            action="audit.verify",  # type: ignore[attr-defined]
            details={"ok": result.ok, "checked": result.checked},
        )
    reason = REASON_LABELS.get(result.reason, result.reason)
    return render(request, "audit/verify.html", {"result": result, "reason": reason})


@requires(Perm.AUDIT_VIEW)
def audit_head_view(request: HttpRequest) -> HttpResponse:
    head = audit_head_export()
    with transaction.atomic():
        audit_record(actor=actor_from(request), action="audit.head_export", details={"seq": head["seq"]})  # type: ignore[attr-defined]
    response = HttpResponse(json.dumps(head, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="amparo-audit-head-{head["seq"]}.json"'
    return response
