"""HTML views of linkage: runs (administrators), the review queue and pair screen (reviewers), the
possible-duplicates panel of the person form (htmx)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.core.exceptions import ValidationFailed
from amparo.core.geo import country_name
from amparo.core.views import actor_from, requires

from . import duplicates, selectors, services
from .models import Decision, PairStatus
from .records import LinkRecord


def _show_errors(request: HttpRequest, exc: ValidationFailed) -> None:
    for errors in exc.errors.values():
        for error in errors:
            messages.error(request, error)


def _back_to_pair(actor: Actor, pair_id: int | None) -> HttpResponse:
    """The pair's page in the current run (after a newer run, the same records' new pair), else the queue."""
    current = selectors.current_pair_id(actor=actor, pair_id=pair_id) if pair_id is not None else None
    if current is not None:
        return redirect("linkage:pair", pair_id=current)
    return redirect("linkage:queue")


@requires(Perm.LINKAGE_RUN)
def run_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    if request.method == "POST":
        try:
            run = services.run_request(actor=actor, trigger="web")
        except ValidationFailed as exc:
            _show_errors(request, exc)
            return redirect("linkage:runs")
        messages.success(request, _("The run has been queued."))
        return redirect("linkage:run", run_id=run.pk)
    return render(
        request,
        "linkage/runs.html",
        {"runs": selectors.run_list(actor=actor), "busy": selectors.run_in_progress(actor=actor)},
    )


@requires(Perm.LINKAGE_RUN)
def run_detail_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    run = selectors.run_get(actor=actor_from(request), run_id=run_id)
    template = "linkage/_run_progress.html" if request.headers.get("HX-Request") else "linkage/run.html"
    return render(request, template, {"run": run})


@requires(Perm.LINKAGE_REVIEW)
def queue_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in PairStatus.values:
        status = "open"  # an unknown filter (an old or edited link) shows what the select says it shows
    queue = selectors.review_queue(actor=actor_from(request), status=status)
    return render(
        request,
        "linkage/queue.html",
        {"queue": queue, "status": status, "statuses": PairStatus.choices},
    )


@requires(Perm.LINKAGE_REVIEW)
def pair_view(request: HttpRequest, pair_id: int) -> HttpResponse:
    actor = actor_from(request)
    current = selectors.current_pair_id(actor=actor, pair_id=pair_id)
    if current is not None and current != pair_id:
        # a link from before a newer run: the same two records' pair in the current run
        return redirect("linkage:pair", pair_id=current)
    view = selectors.pair_view(actor=actor, pair_id=pair_id)
    return render(request, "linkage/pair.html", {"view": view, "Decision": Decision, "PairStatus": PairStatus})


@require_POST
@requires(Perm.LINKAGE_REVIEW)
def pair_decide_view(request: HttpRequest, pair_id: int) -> HttpResponse:
    actor = actor_from(request)
    try:
        pair = services.pair_decide(actor=actor, pair_id=pair_id, decision=request.POST.get("decision", ""))
    except ValidationFailed as exc:
        _show_errors(request, exc)
        return _back_to_pair(actor, pair_id)
    if pair.status == PairStatus.MERGED:
        messages.success(request, _("The records are now linked as one person. You can undo this."))
    elif pair.status == PairStatus.CONFIRMED:
        messages.success(request, _("Confirmed. The other institution must confirm too before the merge."))
    else:
        messages.success(request, _("Marked as different persons."))
    return redirect("linkage:pair", pair_id=pair_id)


@require_POST
@requires(Perm.LINKAGE_REVIEW)
def merge_undo_view(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    try:
        merge = services.merge_undo(actor=actor, merge_id=merge_id)
    except ValidationFailed as exc:  # undone already (a double submit, or the other institution did)
        _show_errors(request, exc)
        return _back_to_pair(actor, selectors.merge_pair_id(actor=actor, merge_id=merge_id))
    messages.success(request, _("The merge has been undone: both records are separate again."))
    return _back_to_pair(actor, merge.pair_id)


@require_POST
@requires(Perm.LINKAGE_REVIEW)
def partner_link_decide_view(request: HttpRequest, link_id: int) -> HttpResponse:
    try:
        link = services.partner_link_decide(
            actor=actor_from(request), link_id=link_id, decision=request.POST.get("decision", "")
        )
    except ValidationFailed as exc:
        _show_errors(request, exc)
        return redirect("linkage:queue")
    if link.status == PairStatus.CONFIRMED:
        messages.success(
            request,
            _("Link confirmed: it is listed under “Confirmed links” for follow-up with %(partner)s.")
            % {"partner": country_name(link.partner_import.partner, get_language() or "es")},
        )
    else:
        messages.success(request, _("Marked as not the same person."))
    return redirect("linkage:queue")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _record_from_form(data: Any, org_id: int) -> LinkRecord:
    """The person form as typed so far (partial input is fine: nothing is validated or saved)."""
    dob = None
    try:
        dob = datetime.date.fromisoformat(data.get("date_of_birth", "")).isoformat()
    except ValueError:
        dob = None
    total = min(_int(data.get("doc-TOTAL_FORMS")) or 0, 20)
    return LinkRecord(
        unique_id="new",
        given_names=data.get("given_names", "")[:200],
        surnames=data.get("surnames", "")[:200],
        aliases=[a.strip() for a in data.get("aliases", "")[:500].split(",") if a.strip()],
        date_of_birth=dob,
        age_min=_int(data.get("age_min")),
        age_max=_int(data.get("age_max")),
        age_assessed_on=datetime.date.today().isoformat(),
        gender=data.get("gender", ""),
        nationality=(data.getlist("nationalities") or [""])[0],
        documents=[data.get(f"doc-{i}-number", "")[:60] for i in range(total) if data.get(f"doc-{i}-number")],
        department=data.get("residence_department", ""),
        municipality=data.get("residence_municipality", ""),
        owner_org=org_id,
        phone=data.get("phone", "")[:40],
        address=data.get("address", "")[:300],
        email=data.get("email", "")[:254],
    )


@require_POST
@requires(Perm.PERSON_CREATE)
def possible_duplicates_view(request: HttpRequest) -> HttpResponse:
    """htmx panel of the person form. POST so that typed names never appear in URLs or access logs."""
    actor = actor_from(request)
    record = _record_from_form(request.POST, actor.org_pk)
    result = None
    if len(record["given_names"].strip()) + len(record["surnames"].strip()) >= 3 or record["documents"]:
        result = duplicates.possible_duplicates(actor=actor, record=record)
    return render(request, "linkage/_possible_duplicates.html", {"result": result})
