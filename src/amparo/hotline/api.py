"""JSON API for the hotline: the same services, permissions and audit as the screens.

Lists carry operational data only (no summary, no contact); the reference code is returned once, to the
operator who records the call, to give to the caller.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of

from . import reference, selectors, services
from .models import Call, CallerType, CallLanguage, Category, Channel, Urgency


class CallSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    received_at = serializers.DateTimeField()
    channel = serializers.CharField()
    language = serializers.CharField()
    caller_type = serializers.CharField()
    category = serializers.CharField()
    urgency = serializers.CharField()
    status = serializers.CharField()
    department = serializers.CharField()
    municipality = serializers.CharField()
    answering_institution = serializers.CharField(source="organization.code")
    handler = serializers.CharField(source="handler.username", allow_null=True, default=None)
    case_id = serializers.UUIDField(allow_null=True)
    alerted_at = serializers.DateTimeField(allow_null=True)


class CallListSerializer(serializers.Serializer):
    tab = serializers.CharField()
    results = CallSummarySerializer(many=True)


class CallCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.DateTimeField()
    language = serializers.ChoiceField(choices=CallLanguage.choices)
    caller_type = serializers.ChoiceField(choices=CallerType.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    summary = serializers.CharField(max_length=services.SUMMARY_MAX, trim_whitespace=True)
    department = serializers.CharField(required=False, allow_blank=True, default="", max_length=2)
    municipality = serializers.CharField(required=False, allow_blank=True, default="", max_length=4)
    caller_contact = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.CONTACT_MAX
    )
    take = serializers.BooleanField(required=False, default=True)


class CallCreatedSerializer(CallSummarySerializer):
    reference_code = serializers.CharField(help_text="Give it to the caller; it is shown only here.")
    alert = serializers.DictField(help_text="Per duty: how the urgent rescue alert went (roster, fallback, none).")


class LookupSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class LookupResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    category = serializers.CharField()
    received_at = serializers.DateTimeField()
    follow_ups = serializers.IntegerField()
    case_opened = serializers.BooleanField()


def _summary(call: Call) -> dict[str, Any]:
    return dict(CallSummarySerializer(call).data)


class CallCollectionApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("tab", str, description="new (default), mine, urgent, all (supervisors)")],
        responses={200: CallListSerializer},
        summary="The shared hotline queue",
        operation_id="v1_hotline_calls_list",
    )
    def get(self, request: Request) -> Response:
        queue = selectors.call_queue(actor=actor_of(request), tab=request.query_params.get("tab", "new"))
        return Response({"tab": queue.tab, "results": [_summary(c) for c in queue.calls]})

    @extend_schema(
        request=CallCreateSerializer,
        responses={201: CallCreatedSerializer},
        summary="Record a call (an urgent rescue request alerts the officers on duty)",
    )
    def post(self, request: Request) -> Response:
        serializer = CallCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = dict(serializer.validated_data)
        take = d.pop("take")
        call = services.call_record(actor=actor_of(request), data=services.CallInput(**d), take=take)
        data = _summary(call)
        data["reference_code"] = reference.display(call.reference_code)
        data["alert"] = call.alert_summary
        return Response(data, status=status.HTTP_201_CREATED)


class ReferenceLookupApi(APIView):
    @extend_schema(
        request=LookupSerializer,
        responses={200: LookupResultSerializer},
        summary="Find a report by the caller's reference code (audited, rate-limited)",
    )
    def post(self, request: Request) -> Response:
        serializer = LookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = services.reference_lookup(actor=actor_of(request), code=serializer.validated_data["code"])
        return Response(
            {
                "id": call.pk,
                "status": call.status,
                "category": call.category,
                "received_at": call.received_at,
                "follow_ups": call.follow_ups.count(),
                "case_opened": call.case_id is not None,
            }
        )


call_collection_api = CallCollectionApi.as_view()
reference_lookup_api = ReferenceLookupApi.as_view()
