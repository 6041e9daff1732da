"""HTML views of linkage: runs (administrators), the review queue and pair screen (reviewers), the
possible-duplicates panel of the person form (htmx)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts.roles import Perm
from amparo.core.exceptions import ValidationFailed
from amparo.core.views import actor_from, requires

from . import selectors, services
from .models import Decision, PairStatus


@requires(Perm.LINKAGE_RUN)
def run_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    if request.method == "POST":
        try:
            run = services.run_request(actor=actor, trigger="web")
        except ValidationFailed as exc:
            for errors in exc.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("linkage:runs")
        messages.success(request, _("The run has been queued."))
        return redirect("linkage:run", run_id=run.pk)
    return render(request, "linkage/runs.html", {"runs": selectors.run_list(actor=actor)})


@requires(Perm.LINKAGE_RUN)
def run_detail_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    run = selectors.run_get(actor=actor_from(request), run_id=run_id)
    template = "linkage/_run_progress.html" if request.headers.get("HX-Request") else "linkage/run.html"
    return render(request, template, {"run": run})


@requires(Perm.LINKAGE_REVIEW)
def queue_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    queue = selectors.review_queue(actor=actor_from(request), status=status)
    return render(
        request,
        "linkage/queue.html",
        {"queue": queue, "status": status, "statuses": PairStatus.choices},
    )


@requires(Perm.LINKAGE_REVIEW)
def pair_view(request: HttpRequest, pair_id: int) -> HttpResponse:
    view = selectors.pair_view(actor=actor_from(request), pair_id=pair_id)
    return render(request, "linkage/pair.html", {"view": view, "Decision": Decision, "PairStatus": PairStatus})


@require_POST
@requires(Perm.LINKAGE_REVIEW)
def pair_decide_view(request: HttpRequest, pair_id: int) -> HttpResponse:
    try:
        pair = services.pair_decide(
            actor=actor_from(request), pair_id=pair_id, decision=request.POST.get("decision", "")
        )
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("linkage:pair", pair_id=pair_id)
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
    merge = services.merge_undo(actor=actor_from(request), merge_id=merge_id)
    messages.success(request, _("The merge has been undone: both records are separate again."))
    if merge.pair_id:
        return redirect("linkage:pair", pair_id=merge.pair_id)
    return redirect("linkage:queue")


@require_POST
@requires(Perm.LINKAGE_REVIEW)
def partner_link_decide_view(request: HttpRequest, link_id: int) -> HttpResponse:
    try:
        services.partner_link_decide(
            actor=actor_from(request), link_id=link_id, decision=request.POST.get("decision", "")
        )
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("linkage:queue")
