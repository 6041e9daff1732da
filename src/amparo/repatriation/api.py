"""JSON API for repatriations: the same selectors, services, permissions and audit as the screens."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of
from amparo.core.api import StrictSerializer

from . import selectors, services
from .protocol import Destination


class RepatriationSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case_number = serializers.CharField()
    track = serializers.CharField()
    status = serializers.CharField()
    minor = serializers.BooleanField()
    country = serializers.CharField()
    current_step = serializers.CharField(allow_null=True)
    current_responsible = serializers.CharField(allow_null=True, help_text="Institution code")
    current_due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    as_team = serializers.BooleanField()


class RepatriationListSerializer(serializers.Serializer):
    results = RepatriationSummarySerializer(many=True)
    overdue = serializers.IntegerField()


class RepatriationStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(help_text="What the step is, in the language of the request")
    responsible = serializers.CharField(help_text="Institution code")
    mandatory = serializers.BooleanField()
    state = serializers.CharField(help_text="done, not_applicable, current, overdue, pending or stopped")
    due = serializers.DateField(allow_null=True)
    due_is_estimate = serializers.BooleanField()
    evidence_required = serializers.ListField(child=serializers.CharField())
    evidence = serializers.ListField(child=serializers.CharField())
    done_at = serializers.DateTimeField(allow_null=True)
    done_by_org = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_null=True)
    not_applicable_reason = serializers.CharField(allow_null=True)
    records_visible = serializers.BooleanField(
        help_text="False: the note and the reason are withheld (null), seen only by the case team and the "
        "institutions that need them"
    )


class RepatriationDetailSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case_number = serializers.CharField()
    age_group = serializers.CharField()
    nationality = serializers.CharField()
    track = serializers.CharField()
    status = serializers.CharField()
    minor = serializers.BooleanField()
    country = serializers.CharField()
    family_involved = serializers.BooleanField(allow_null=True)
    destination = serializers.CharField()
    parties = serializers.DictField(
        child=serializers.CharField(),
        help_text="Role code (consulate, minex, pgn, sbs, dgm, pdh, svet, receiving) -> institution name",
    )
    steps = RepatriationStepSerializer(many=True)


class StepCompleteSerializer(StrictSerializer):
    evidence = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    family_involved = serializers.BooleanField(required=False, allow_null=True, default=None)
    destination = serializers.ChoiceField(choices=Destination.choices, required=False, allow_blank=True, default="")


def _detail(view: selectors.RepatriationView) -> dict[str, Any]:
    r = view.repatriation
    return {
        "id": r.pk,
        "case_number": r.case.number,
        "age_group": r.case.age_group,
        "nationality": r.nationality,
        "track": r.track,
        "status": r.status,
        "minor": r.minor,
        "country": r.country,
        "family_involved": r.family_involved,
        "destination": r.destination,
        "parties": view.roles,
        "steps": [
            {
                "position": row.step.position,
                "code": row.step.code,
                "name": str(row.definition.label),
                "responsible": row.step.organization.code,
                "mandatory": row.definition.mandatory,
                "state": row.status,
                "due": row.due,
                "due_is_estimate": row.projected,
                "evidence_required": [e.code for e in row.definition.evidence],
                "evidence": row.step.evidence,
                "done_at": row.step.done_at,
                "done_by_org": row.step.done_by_org.code if row.step.done_by_org else None,
                "note": row.step.note,
                "not_applicable_reason": row.step.not_applicable_reason,
                "records_visible": row.records_visible,
            }
            for row in view.steps
        ],
    }


class RepatriationListApi(APIView):
    @extend_schema(
        responses={200: RepatriationListSerializer},
        summary="Repatriations of your cases and those your institution takes part in",
        operation_id="v1_repatriations_list",
    )
    def get(self, request: Request) -> Response:
        result = selectors.repatriation_list(actor=actor_of(request))
        return Response(
            {
                "results": [
                    {
                        "id": row.repatriation.pk,
                        "case_number": row.repatriation.case.number,
                        "track": row.repatriation.track,
                        "status": row.repatriation.status,
                        "minor": row.repatriation.minor,
                        "country": row.repatriation.country,
                        "current_step": row.current.code if row.current else None,
                        "current_responsible": row.current.organization.code if row.current else None,
                        "current_due": row.current.due_date if row.current else None,
                        "overdue": row.overdue,
                        "as_team": row.as_team,
                    }
                    for row in result.rows
                ],
                "overdue": result.overdue,
            }
        )


class RepatriationDetailApi(APIView):
    @extend_schema(
        responses={200: RepatriationDetailSerializer},
        summary="A repatriation: its steps and the minimum case data",
        operation_id="v1_repatriation_retrieve",
    )
    def get(self, request: Request, repatriation_id: uuid.UUID) -> Response:
        view = selectors.repatriation_get_for_view(actor=actor_of(request), repatriation_id=repatriation_id)
        return Response(_detail(view))


class RepatriationStepCompleteApi(APIView):
    @extend_schema(
        request=StepCompleteSerializer,
        responses={200: RepatriationDetailSerializer},
        summary="Record the current step with its evidence (the hand-over: by the receiving institution)",
        operation_id="v1_repatriation_step_complete",
    )
    def post(self, request: Request, repatriation_id: uuid.UUID, step_code: str) -> Response:
        actor = actor_of(request)
        serializer = StepCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        services.repatriation_step_complete(
            actor=actor,
            repatriation_id=repatriation_id,
            step_code=step_code,
            evidence=d["evidence"],
            note=d["note"],
            family_involved=d["family_involved"],
            destination=d["destination"],
        )
        view = selectors.repatriation_get_for_view(actor=actor, repatriation_id=repatriation_id)
        return Response(_detail(view))


repatriation_list_api = RepatriationListApi.as_view()
repatriation_detail_api = RepatriationDetailApi.as_view()
repatriation_step_complete_api = RepatriationStepCompleteApi.as_view()
