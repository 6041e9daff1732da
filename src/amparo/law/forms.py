from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .calculator import COMBINATIONS, article_label
from .circumstances import GIVEN, MAX_AGE
from .selectors import offence_articles


class DateInput(forms.DateInput):
    input_type = "date"


class CalculatorForm(forms.Form):
    """The calculator's inputs (a GET form: the calculator writes nothing, and a result can be linked)."""

    offence_date = forms.DateField(label=_("Offence date"), widget=DateInput)
    judgment_date = forms.DateField(
        label=_("Judgment date"),
        required=False,
        widget=DateInput,
        help_text=_("Optional. Give it to compare the law at the offence date with the law at the judgment."),
    )
    articles = forms.MultipleChoiceField(label=_("Articles"), widget=forms.CheckboxSelectMultiple)
    victim_age = forms.IntegerField(
        label=_("Victim's age (completed years)"), required=False, min_value=0, max_value=MAX_AGE
    )
    circumstances = forms.MultipleChoiceField(
        label=_("Circumstances"), required=False, widget=forms.CheckboxSelectMultiple
    )
    combination = forms.ChoiceField(label=_("How increases combine"), initial="additive", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        articles = self.fields["articles"]
        assert isinstance(articles, forms.MultipleChoiceField)
        articles.choices = [(a.ref, f"{article_label(a)} · {a.title}") for a in offence_articles()]
        circumstances = self.fields["circumstances"]
        assert isinstance(circumstances, forms.MultipleChoiceField)
        circumstances.choices = [(code, text) for code, text in GIVEN.items()]
        combination = self.fields["combination"]
        assert isinstance(combination, forms.ChoiceField)
        combination.choices = list(COMBINATIONS.items())
