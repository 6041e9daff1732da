"""JSON API of reintegration: the plan, the post-closure schedule and the visits of a case (its team only)."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of

from . import selectors


class GoalSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    area = serializers.CharField()
    description = serializers.CharField()
    institution = serializers.CharField(source="institution.code")
    referral = serializers.UUIDField(source="referral_id", allow_null=True)
    status = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="follow_up.id")
    months = serializers.IntegerField(source="follow_up.months")
    due_on = serializers.DateField(source="follow_up.due_on")
    state = serializers.CharField(help_text="upcoming, due, overdue, done or cancelled")
    visit = serializers.UUIDField(source="follow_up.visit_id", allow_null=True)


class VisitSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    date = serializers.DateField()
    modality = serializers.CharField()
    visited_by = serializers.CharField(source="visited_by.username")
    outcome = serializers.CharField()
    notes = serializers.CharField(allow_null=True)


class ReintegrationSerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case.id")
    goals = GoalSerializer(many=True)
    schedule = FollowUpSerializer(many=True)
    visits = VisitSerializer(many=True)


class CaseReintegrationApi(APIView):
    @extend_schema(
        responses={200: ReintegrationSerializer},
        summary="A case's reintegration plan, follow-up schedule and visits",
        operation_id="v1_cases_reintegration_retrieve",
    )
    def get(self, request: Request, case_id: uuid.UUID) -> Response:
        view = selectors.reintegration_get_for_view(actor=actor_of(request), case_id=case_id)
        return Response(ReintegrationSerializer(view).data)


case_reintegration_api = CaseReintegrationApi.as_view()
