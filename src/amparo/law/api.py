"""JSON API of the legal catalog (GET, every signed-in user) and the penalty calculator (POST)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of
from amparo.accounts.roles import Perm
from amparo.core.api import StrictSerializer
from amparo.core.exceptions import PermissionDenied

from . import selectors
from .calculator import COMBINATIONS, CalculationRequest, FineRange, Outcome, PrisonRange, calculate
from .circumstances import GIVEN, MAX_AGE, Circumstances

# ---------------------------------------------------------------- catalog


class BandSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_en = serializers.CharField()
    label_es = serializers.CharField()
    prison_min_days = serializers.IntegerField(allow_null=True)
    prison_max_days = serializers.IntegerField(allow_null=True)
    fine_min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    victim_age_min = serializers.IntegerField(allow_null=True)
    victim_age_max = serializers.IntegerField(allow_null=True, help_text="Exclusive.")
    when_all = serializers.ListField(child=serializers.CharField())


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    fraction = serializers.SerializerMethodField()
    penalty = serializers.CharField()
    applies_to = serializers.ListField(child=serializers.CharField())
    when_any = serializers.ListField(child=serializers.CharField())
    group = serializers.CharField()
    label_en = serializers.CharField()
    label_es = serializers.CharField()
    notes_en = serializers.CharField()
    notes_es = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    verified = serializers.BooleanField()

    def get_fraction(self, rule: Any) -> str | None:
        return f"{rule.fraction_num}/{rule.fraction_den}" if rule.fraction_num is not None else None


class VersionSerializer(serializers.Serializer):
    code = serializers.CharField()
    effective_from = serializers.DateField()
    effective_from_precision = serializers.CharField()
    effective_to = serializers.DateField(allow_null=True, help_text="First day no longer in force.")
    effective_to_precision = serializers.CharField()
    dates_verified = serializers.BooleanField()
    confirmed_on = serializers.DateField(allow_null=True)
    amended_by = serializers.CharField(source="amended_by.code", allow_null=True, default=None)
    successor = serializers.CharField(source="successor.ref", allow_null=True, default=None)
    summary_en = serializers.CharField()
    summary_es = serializers.CharField()
    notes_en = serializers.CharField()
    notes_es = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    verified = serializers.BooleanField()
    bands = BandSerializer(many=True, source="bands.all")
    rules = RuleSerializer(many=True, source="rules.all")


class ArticleSerializer(serializers.Serializer):
    ref = serializers.CharField()
    number = serializers.CharField()
    title_en = serializers.CharField()
    title_es = serializers.CharField()
    versions = VersionSerializer(many=True, source="versions.all")


class LawSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_es = serializers.CharField()
    instrument = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    articles = ArticleSerializer(many=True, source="articles.all")


class ProvisionSerializer(serializers.Serializer):
    code = serializers.CharField()
    reference = serializers.CharField(help_text="In the user's language.")
    reference_en = serializers.CharField()
    reference_es = serializers.CharField()
    summary_en = serializers.CharField()
    summary_es = serializers.CharField()
    max_prison_days = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    verified = serializers.BooleanField()


class CatalogSerializer(serializers.Serializer):
    laws = LawSerializer(many=True)
    provisions = ProvisionSerializer(many=True)


class CatalogApi(APIView):
    @extend_schema(
        responses={200: CatalogSerializer},
        summary="The legal catalog: laws, articles, versions, penalties, increases, sources and verified flags",
        operation_id="v1_law_catalog",
    )
    def get(self, request: Request) -> Response:
        data = {"laws": list(selectors.catalog_laws()), "provisions": list(selectors.provisions())}
        return Response(CatalogSerializer(data).data)


# ---------------------------------------------------------------- calculator


class CalculationInputSerializer(StrictSerializer):
    offence_date = serializers.DateField()
    judgment_date = serializers.DateField(required=False, allow_null=True)
    articles = serializers.ListField(
        child=serializers.CharField(max_length=60),
        help_text='Article references "law-code:number", e.g. "penal-code:194", "penal-code:202 Ter".',
    )
    victim_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_AGE)
    circumstances = serializers.ListField(
        child=serializers.ChoiceField(choices=list(GIVEN)), required=False, default=list
    )
    combination = serializers.ChoiceField(choices=list(COMBINATIONS), default="additive")


class PrisonSerializer(serializers.Serializer):
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField()
    min_text = serializers.CharField(help_text="Years, months and days, in the user's language.")
    max_text = serializers.CharField()


class FineSerializer(serializers.Serializer):
    min = serializers.DecimalField(max_digits=16, decimal_places=2)
    max = serializers.DecimalField(max_digits=16, decimal_places=2)


class StepSerializer(serializers.Serializer):
    rule = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    kind = serializers.CharField()
    fraction = serializers.CharField(allow_null=True)
    matched = serializers.ListField(child=serializers.CharField())
    applied = serializers.BooleanField()
    skipped_reason = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    verified = serializers.BooleanField()
    prison_added = PrisonSerializer(allow_null=True)
    prison_after = PrisonSerializer(allow_null=True)
    fine_added = FineSerializer(allow_null=True)
    fine_after = FineSerializer(allow_null=True)


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    version = serializers.CharField()
    article = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    rules_date = serializers.DateField()
    band = serializers.CharField()
    base_prison = PrisonSerializer(allow_null=True)
    base_fine = FineSerializer(allow_null=True)
    steps = StepSerializer(many=True)
    prison = PrisonSerializer(allow_null=True)
    fine = FineSerializer(allow_null=True)
    capped = serializers.BooleanField()
    computed = serializers.BooleanField()
    not_computed_reason = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())
    flags = FlagSerializer(many=True)
    unused_circumstances = serializers.ListField(child=serializers.CharField())
    more_favourable = serializers.BooleanField()


class ArticleResultSerializer(serializers.Serializer):
    article = serializers.CharField()
    law_changed = serializers.BooleanField()
    favourable_note = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
    outcomes = OutcomeSerializer(many=True)


class CalculationSerializer(serializers.Serializer):
    combination = serializers.CharField()
    combination_label = serializers.CharField()
    conventions = serializers.ListField(child=serializers.CharField())
    results = ArticleResultSerializer(many=True)


def _prison(value: PrisonRange | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "min_days": value.low.days,
        "max_days": value.high.days,
        "min_text": value.low.text,
        "max_text": value.high.text,
    }


def _fine(value: FineRange | None) -> dict[str, Any] | None:
    return None if value is None else {"min": value.low, "max": value.high}


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "version": o.version.code,
        "article": o.version.article.ref,
        "roles": o.roles,
        "rules_date": o.at,
        "band": o.band.code,
        "base_prison": _prison(o.base_prison),
        "base_fine": _fine(o.base_fine),
        "steps": [
            {
                "rule": s.rule.code,
                "label": s.rule.label,
                "kind": s.rule.kind,
                "fraction": f"{s.rule.fraction_num}/{s.rule.fraction_den}" if s.rule.fraction_num else None,
                "matched": s.matched,
                "applied": s.applied,
                "skipped_reason": s.skipped_reason,
                "source": s.rule.source,
                "verified": s.rule.verified,
                "prison_added": _prison(s.prison_added),
                "prison_after": _prison(s.prison_after),
                "fine_added": _fine(s.fine_added),
                "fine_after": _fine(s.fine_after),
            }
            for s in o.steps
        ],
        "prison": _prison(o.prison),
        "fine": _fine(o.fine),
        "capped": o.capped,
        "computed": o.computed,
        "not_computed_reason": o.not_computed_reason,
        "notes": o.notes,
        "flags": [{"code": f.code, "message": f.message} for f in o.flags],
        "unused_circumstances": o.unused,
        "more_favourable": o.more_favourable,
    }


class CalculateApi(APIView):
    @extend_schema(
        request=CalculationInputSerializer,
        responses={200: CalculationSerializer},
        summary="Compute the penalty range step by step (writes nothing)",
        operation_id="v1_law_calculate",
        examples=[
            OpenApiExample(
                "Trafficking 2008, judged 2010, minor victim",
                value={
                    "offence_date": "2008-06-01",
                    "judgment_date": "2010-05-01",
                    "articles": ["penal-code:194"],
                    "victim_age": 15,
                    "circumstances": ["physical_harm"],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not actor_of(request).has(Perm.LAW_CALCULATE):
            raise PermissionDenied()
        given = CalculationInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        d = given.validated_data
        calculation = calculate(
            CalculationRequest(
                offence_date=d["offence_date"],
                judgment_date=d.get("judgment_date"),
                articles=tuple(d["articles"]),
                circumstances=Circumstances(victim_age=d.get("victim_age"), given=frozenset(d["circumstances"])),
                combination=d["combination"],
            )
        )
        data = {
            "combination": calculation.request.combination,
            "combination_label": calculation.combination_label,
            "conventions": calculation.conventions,
            "results": [
                {
                    "article": r.article.ref,
                    "law_changed": r.law_changed,
                    "favourable_note": r.favourable_note,
                    "warnings": r.warnings,
                    "outcomes": [_outcome(o) for o in r.outcomes],
                }
                for r in calculation.results
            ],
        }
        return Response(CalculationSerializer(data).data)


catalog_api = CatalogApi.as_view()
calculate_api = CalculateApi.as_view()
