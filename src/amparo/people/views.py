from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from amparo.accounts.roles import Perm
from amparo.cases.permissions import cases_visible_to
from amparo.core import geo
from amparo.core.exceptions import StaleEdit, TamperedCiphertext, ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires
from amparo.justice.selectors import person_involvement
from amparo.linkage.selectors import linked_person_ids

from . import selectors, services
from .forms import DocumentFormSet, PersonForm, PersonSearchForm
from .integrity import ROW_FIELDS, mark_unreadable
from .permissions import can_edit_person, hidden_ids


@requires(Perm.PERSON_SEARCH)
def person_search_view(request: HttpRequest) -> HttpResponse:
    # The screen searches by POST: a name or document in the address would stay in the browser history and
    # in every access log on the way. A GET query is still answered (old bookmarks, links).
    form = PersonSearchForm((request.POST if request.method == "POST" else request.GET) or None)
    actor = actor_from(request)
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_valid() and (form.cleaned_data["name"] or form.cleaned_data["document"]):
        result = selectors.person_search(
            actor=actor, name=form.cleaned_data["name"], document=form.cleaned_data["document"]
        )
        context.update(searched=True, persons=result.persons)
    else:
        context["persons"] = selectors.person_recent(actor=actor) if actor.has(Perm.PERSON_VIEW) else []
    # A record failing its integrity check shows a placeholder (reported) instead of failing the whole list.
    mark_unreadable(actor=actor, records=context["persons"], fields=ROW_FIELDS)
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/search.html"
    return render(request, template, context)


def _parse(request: HttpRequest, initial: dict[str, Any] | None = None) -> tuple[PersonForm, Any]:
    if request.method == "POST":
        return PersonForm(request.POST), DocumentFormSet(request.POST, prefix="doc")
    return PersonForm(initial=initial), DocumentFormSet(prefix="doc", initial=(initial or {}).get("documents"))


@sensitive_post_parameters()
@requires(Perm.PERSON_CREATE)
def person_create_view(request: HttpRequest) -> HttpResponse:
    form, docs = _parse(request)
    if request.method == "POST" and form.is_valid() and docs.is_valid():
        documents = [d for d in (f.to_input() for f in docs.forms) if d]
        try:
            person = services.person_create(actor=actor_from(request), data=form.to_input(documents))  # type: ignore[attr-defined]
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Person registered."))
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "docs": docs, "creating": True})


def tampered_response(request: HttpRequest, target_type: str, target_id: Any) -> HttpResponse:
    """The integrity error page, with the event recorded in the audit trail as the page says."""
    services.tampering_report(actor=actor_from(request), target_type=target_type, target_id=target_id)
    return render(request, "people/tampered.html", {"record_id": target_id}, status=409)


@requires(Perm.PERSON_VIEW)
def person_detail_view(request: HttpRequest, person_id: str) -> HttpResponse:
    actor = actor_from(request)
    person = selectors.person_get_for_view(actor=actor, person_id=person_id)
    try:
        # Decrypt now so a tampered value is reported here, not half-way through the template.
        fields = {
            name: getattr(person, name)
            for name in ("given_names", "surnames", "aliases", "date_of_birth", "phone", "email", "address")
        }
        documents = [(d, d.number) for d in person.documents.all()]
    except TamperedCiphertext:
        return tampered_response(request, "person", person.pk)
    # Records merged with this person (linkage), protected witnesses hidden from the actor left out: their
    # existence is not revealed, not even as a count.
    linked = linked_person_ids(person.pk) - hidden_ids(actor)
    involvement = person_involvement(actor=actor, person_id=person.pk) if actor.has(Perm.JUSTICE_VIEW) else None
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "fields": fields,
            "documents": documents,
            "can_edit": can_edit_person(actor, person),
            "can_open_case": actor.has(Perm.CASE_CREATE),
            # linkage: cases of every record merged with this person follow it (within what the actor may see)
            "cases": list(cases_visible_to(actor).filter(person_id__in=linked).order_by("-opened_at")),
            "linked_records": len(linked) - 1,
            # justice: the investigations of the actor's team where this person or a merged record appears
            "involvement": involvement,
            "department": geo.department_name(person.residence_department),
            "municipality": geo.municipality_name(person.residence_municipality),
            "nationality_names": [geo.country_name(c, get_language() or "es") for c in person.nationalities],
            "language_names": [geo.language_name(c, get_language()) for c in person.languages],
        },
    )


def _shown(field: Any, value: Any) -> Any:
    """A stored value as the form shows it: choice labels (countries, languages, sex) instead of codes."""
    if not hasattr(field, "choices"):
        return value
    labels = {str(code): label for code, label in field.choices}
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(str(labels.get(str(v), v)) for v in values if v not in (None, ""))


def _documents_shown(person: Any) -> str:
    return ", ".join(f"{d.get_doc_type_display()} {d.number}" for d in person.documents.all())


@sensitive_post_parameters()
@requires(Perm.PERSON_EDIT)
def person_edit_view(request: HttpRequest, person_id: str) -> HttpResponse:
    actor = actor_from(request)
    person = selectors.person_get_for_view(actor=actor, person_id=person_id)
    try:
        initial = PersonForm.initial_from(person)
        initial["documents"] = [
            {
                "doc_type": d.doc_type,
                "number": d.number,
                "issuing_country": d.issuing_country,
                "suspected_false": d.suspected_false,
            }
            for d in person.documents.all()
        ]
    except TamperedCiphertext:
        return tampered_response(request, "person", person.pk)
    form, docs = _parse(request, initial)
    conflict: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid() and docs.is_valid():
        documents = [d for d in (f.to_input() for f in docs.forms) if d]
        try:
            services.person_update(
                actor=actor,
                person_id=person.pk,
                data=form.to_input(documents),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        except StaleEdit as exc:
            # Keep what this user typed; show the current values of the fields that differ so they can merge.
            current = PersonForm.initial_from(person)
            conflict = {
                "fields": [
                    (form.fields[f].label, _shown(form.fields[f], current.get(f)))
                    if f in form.fields
                    else (_("Documents"), _documents_shown(person))
                    for f in exc.changed_fields
                ],
                "version": exc.current_version,
            }
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form = PersonForm(data)
            form.is_valid()
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "docs": docs, "person": person, "creating": False, "conflict": conflict},
    )
