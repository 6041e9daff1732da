from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.core import geo

from .models import DocumentType, Gender, People
from .validation import DocumentInput, PersonInput


def _country_choices() -> list[tuple[str, str]]:
    return geo.country_choices(get_language())


class PersonForm(forms.Form):
    """Parses the person screen; the rules live in validation.validate_person (via the service)."""

    given_names = forms.CharField(label=_("Given names"), max_length=200)
    surnames = forms.CharField(label=_("Surnames"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        max_length=500,
        help_text=_("Other names the person uses, separated by commas."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    age_min = forms.IntegerField(label=_("Estimated age from"), required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(
        label=_("Estimated age to"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is unknown or documents are doubtful."),
    )
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"),
        required=False,
        choices=_country_choices,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=lambda: geo.language_choices(get_language()),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    people = forms.ChoiceField(label=_("People"), choices=People.choices, initial=People.UNKNOWN)
    residence_department = forms.ChoiceField(
        label=_("Department of residence"),
        required=False,
        choices=lambda: [("", "—"), *sorted(geo.DEPARTMENTS.items())],
    )
    residence_municipality = forms.ChoiceField(
        label=_("Municipality of residence"),
        required=False,
        choices=lambda: [
            ("", "—"),
            *[(c, f"{geo.department_name(d)} · {n}") for c, (d, n) in sorted(geo.MUNICIPALITIES.items())],
        ],
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def to_input(self, documents: list[DocumentInput]) -> PersonInput:
        d = self.cleaned_data
        return PersonInput(
            given_names=d["given_names"],
            surnames=d["surnames"],
            aliases=[a.strip() for a in d["aliases"].split(",") if a.strip()],
            date_of_birth=d["date_of_birth"],
            age_min=d["age_min"],
            age_max=d["age_max"],
            gender=d["gender"],
            nationalities=list(d["nationalities"]),
            languages=list(d["languages"]),
            people=d["people"],
            phone=d["phone"],
            email=d["email"],
            address=d["address"],
            residence_department=d["residence_department"],
            residence_municipality=d["residence_municipality"],
            documents=documents,
        )

    @staticmethod
    def initial_from(person: Any) -> dict[str, Any]:
        return {
            "given_names": person.given_names,
            "surnames": person.surnames,
            "aliases": ", ".join(person.aliases or []),
            "date_of_birth": person.date_of_birth,
            "age_min": person.age_min,
            "age_max": person.age_max,
            "gender": person.gender,
            "nationalities": person.nationalities,
            "languages": person.languages,
            "people": person.people,
            "residence_department": person.residence_department,
            "residence_municipality": person.residence_municipality,
            "phone": person.phone or "",
            "email": person.email or "",
            "address": person.address or "",
            "version": person.version,
        }


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=[("", "—"), *DocumentType.choices], required=False)
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    issuing_country = forms.ChoiceField(
        label=_("Issuing country"), required=False, choices=lambda: [("", "—"), *_country_choices()]
    )
    suspected_false = forms.BooleanField(label=_("Suspected false"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("number") and not data.get("doc_type"):
            self.add_error("doc_type", _("Choose the document type."))
        if data.get("doc_type") and not data.get("number"):
            self.add_error("number", _("Enter the document number."))
        return data

    def to_input(self) -> DocumentInput | None:
        d = self.cleaned_data
        if not d.get("number"):
            return None
        return DocumentInput(d["doc_type"], d["number"], d["issuing_country"], d["suspected_false"])


DocumentFormSet = forms.formset_factory(DocumentForm, extra=2, max_num=10)


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    document = forms.CharField(label=_("Document number"), max_length=60, required=False)
