"""JSON API for cases: the same selectors, services, permissions and audit as the screens."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.actor import Actor
from amparo.accounts.api_auth import actor_of
from amparo.accounts.roles import Perm
from amparo.core.api import StrictSerializer, fields_named_as_sent

from . import selectors, services
from .identity import hidden_as
from .models import Case
from .vocab import INDICATOR_BY_CODE, Answer, CaseStatus, Priority, TraffickingStatus


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    person_id = serializers.UUIDField(allow_null=True)
    status = serializers.CharField()
    trafficking_status = serializers.CharField()
    risk_level = serializers.CharField()
    priority = serializers.CharField()
    minor_protocol = serializers.BooleanField()
    age_group = serializers.CharField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


SUMMARY_FIELDS = (
    "id",
    "number",
    "person_id",
    "status",
    "trafficking_status",
    "risk_level",
    "priority",
    "minor_protocol",
    "age_group",
    "opened_at",
    "closed_at",
    "version",
)


class CaseListSerializer(serializers.Serializer):
    results = CaseSummarySerializer(many=True)
    next_cursor = serializers.CharField(allow_blank=True)


class CaseOpenSerializer(StrictSerializer):
    person_id = serializers.UUIDField()
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.NORMAL)


class TransitionSerializer(StrictSerializer):
    to_status = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ScreeningSerializer(StrictSerializer):
    answers = serializers.DictField(child=serializers.ChoiceField(choices=Answer.choices))
    notes = serializers.DictField(child=serializers.CharField(max_length=1000), required=False, default=dict)

    def validate_answers(self, value: dict[str, str]) -> dict[str, str]:
        return _known_indicators(value)

    def validate_notes(self, value: dict[str, str]) -> dict[str, str]:
        return _known_indicators(value)


def _known_indicators(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - set(INDICATOR_BY_CODE))
    if unknown:
        raise serializers.ValidationError(_("Unknown indicators: %(codes)s") % {"codes": ", ".join(unknown)})
    return value


class CaseListQuerySerializer(serializers.Serializer):
    """The list's query: values outside these are refused (they also reach the audit record of the search)."""

    scope = serializers.ChoiceField(
        choices=["mine", "unit", "all"],
        required=False,
        default="mine",
        help_text="mine (default); unit and all are for supervisors (anybody else gets mine, as on the screen).",
    )
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False, allow_blank=True, default="")
    trafficking_status = serializers.ChoiceField(
        choices=TraffickingStatus.choices, required=False, allow_blank=True, default=""
    )
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Victim's name (fuzzy, blind index)"
    )
    after = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="next_cursor of the previous page"
    )

    def validate_after(self, value: str) -> str:
        if value and selectors._decode_cursor(value) is None:
            raise serializers.ValidationError(_("This is not a cursor of this list: use next_cursor as given."))
        return value


class ScreeningResultSerializer(serializers.Serializer):
    proposed_status = serializers.CharField()


def _summary(actor: Actor, case: Case) -> dict[str, Any]:
    summary = {name: getattr(case, name) for name in SUMMARY_FIELDS}
    pseudonym = case.hidden_as if hasattr(case, "hidden_as") else hidden_as(actor, case)
    if pseudonym:  # a protected witness, the actor outside the protection team: not even the person's id
        summary.update(person_id=None, age_group="")
    return summary


class CaseCollectionApi(APIView):
    @extend_schema(
        parameters=[CaseListQuerySerializer],
        responses={200: CaseListSerializer},
        summary="Cases visible to you, 50 per page",
        operation_id="v1_cases_list",
    )
    def get(self, request: Request) -> Response:
        query = CaseListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        actor = actor_of(request)
        scope = params["scope"] if actor.has(Perm.CASE_SUPERVISE) else "mine"  # the screen's rule
        filters = selectors.CaseFilters(
            scope=scope, status=params["status"], trafficking_status=params["trafficking_status"], name=params["name"]
        )
        page = selectors.case_list(actor=actor, filters=filters, cursor=params["after"])
        return Response({"results": [_summary(actor, c) for c in page.cases], "next_cursor": page.next_cursor})

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSummarySerializer}, summary="Open a case")
    def post(self, request: Request) -> Response:
        serializer = CaseOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_open(
            actor=actor_of(request),
            person_id=serializer.validated_data["person_id"],
            priority=serializer.validated_data["priority"],
        )
        return Response(_summary(actor_of(request), case), status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(responses={200: CaseSummarySerializer}, summary="A case (audited)")
    def get(self, request: Request, case_id: uuid.UUID) -> Response:
        actor = actor_of(request)
        return Response(_summary(actor, selectors.case_get_for_view(actor=actor, case_id=case_id)))


class CaseTransitionApi(APIView):
    @extend_schema(
        request=TransitionSerializer, responses={200: CaseSummarySerializer}, summary="Move the case along the workflow"
    )
    def post(self, request: Request, case_id: uuid.UUID) -> Response:
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with fields_named_as_sent({"status": "to_status"}):
            case = services.case_transition(actor=actor_of(request), case_id=case_id, **serializer.validated_data)
        return Response(_summary(actor_of(request), case))


class CaseScreeningApi(APIView):
    @extend_schema(
        request=ScreeningSerializer,
        responses={201: ScreeningResultSerializer},
        summary="Record a screening; returns the proposed trafficking status",
    )
    def post(self, request: Request, case_id: uuid.UUID) -> Response:
        serializer = ScreeningSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        screening = services.screening_record(
            actor=actor_of(request),
            case_id=case_id,
            answers=serializer.validated_data["answers"],
            notes=serializer.validated_data["notes"],
        )
        return Response({"proposed_status": screening.proposed_status}, status=status.HTTP_201_CREATED)


case_collection_api = CaseCollectionApi.as_view()
case_detail_api = CaseDetailApi.as_view()
case_transition_api = CaseTransitionApi.as_view()
case_screening_api = CaseScreeningApi.as_view()
