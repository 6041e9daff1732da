"""JSON API for the hotline: the same services, permissions and audit as the screens.

Lists carry operational data only (no summary, no contact); the reference code is returned once, to the
operator who records the call, to give to the caller. A call becomes a victim case and/or a complaint
through the same services as the screens.
"""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.actor import Actor
from amparo.accounts.api_auth import actor_of
from amparo.accounts.roles import Perm
from amparo.core import geo
from amparo.core.api import StrictSerializer
from amparo.core.exceptions import PermissionDenied
from amparo.people.models import Gender

from . import reference, selectors, services
from .models import Call, CallerType, CallLanguage, Category, Channel, Urgency
from .permissions import can_file_complaint_from, can_open_case_from


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


class CallQueueQuerySerializer(serializers.Serializer):
    tab = serializers.ChoiceField(
        choices=list(selectors.TABS),
        required=False,
        default="new",
        help_text="new (default), mine, urgent, all (supervisors; anybody else gets new)",
    )


class CallCreateSerializer(StrictSerializer):
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


class LookupSerializer(StrictSerializer):
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
        parameters=[CallQueueQuerySerializer],
        responses={200: CallListSerializer},
        summary="The shared hotline queue",
        operation_id="v1_hotline_calls_list",
    )
    def get(self, request: Request) -> Response:
        query = CallQueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        queue = selectors.call_queue(actor=actor_of(request), tab=query.validated_data["tab"])
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


class CallCaseSerializer(StrictSerializer):
    given_names = serializers.CharField(max_length=200, help_text="Or a provisional name. Encrypted.")
    surnames = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default=Gender.UNKNOWN)
    age_min = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=120)
    age_max = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=120)
    nationality = serializers.ChoiceField(
        choices=sorted(geo.COUNTRIES.items()), required=False, allow_blank=True, default=""
    )


class CallCaseOpenedSerializer(serializers.Serializer):
    call_id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_number = serializers.CharField()
    complaint_id = serializers.UUIDField(allow_null=True)


class CallComplaintSerializer(StrictSerializer):
    receiving_org = serializers.IntegerField(help_text="The Public Ministry or the police (organization id).")
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20_000,
        help_text="Encrypted. Blank: the call's summary.",
    )
    link_case = serializers.BooleanField(required=False, default=True)


class CallComplaintFiledSerializer(serializers.Serializer):
    call_id = serializers.UUIDField()
    complaint_id = serializers.UUIDField()
    complaint_number = serializers.CharField()
    receiving_org = serializers.IntegerField()
    case_ids = serializers.ListField(child=serializers.UUIDField())


def _call_to_convert(request: Request, call_id: uuid.UUID, may: Any) -> tuple[Actor, Call]:
    """As the screens: 403 without the hotline permission, 404 for a call outside the shared queue (or that does
    not exist: the same answer), 403 for a call the user may not convert; the service checks again."""
    actor = actor_of(request)
    if not actor.has(Perm.HOTLINE_TAKE):
        raise PermissionDenied()
    call = selectors.call_find(actor=actor, call_id=call_id)
    if not may(actor, call):
        raise PermissionDenied()
    return actor, call


class CallCaseApi(APIView):
    @extend_schema(
        request=CallCaseSerializer,
        responses={201: CallCaseOpenedSerializer},
        summary="Open a victim case from a call (registers the person; linked both ways)",
        operation_id="v1_hotline_calls_case_create",
    )
    def post(self, request: Request, call_id: uuid.UUID) -> Response:
        actor, call = _call_to_convert(request, call_id, can_open_case_from)
        serializer = CallCaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_from_call(call, **serializer.validated_data)
        case = services.call_open_case(actor=actor, call_id=call.pk, person=person)
        call.refresh_from_db(fields=["complaint"])
        return Response(
            {"call_id": call.pk, "case_id": case.pk, "case_number": case.number, "complaint_id": call.complaint_id},
            status=status.HTTP_201_CREATED,
        )


class CallComplaintApi(APIView):
    @extend_schema(
        request=CallComplaintSerializer,
        responses={201: CallComplaintFiledSerializer},
        summary="File a call as a complaint (denuncia) to the Public Ministry or the police",
        operation_id="v1_hotline_calls_complaint_create",
    )
    def post(self, request: Request, call_id: uuid.UUID) -> Response:
        actor, call = _call_to_convert(request, call_id, can_file_complaint_from)
        serializer = CallComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        complaint = services.call_file_complaint(
            actor=actor,
            call_id=call.pk,
            receiving_org_id=d["receiving_org"],
            summary=d["summary"],
            link_case=d["link_case"],
        )
        return Response(
            {
                "call_id": call.pk,
                "complaint_id": complaint.pk,
                "complaint_number": complaint.number,
                "receiving_org": complaint.receiving_org_id,
                "case_ids": list(complaint.cases.values_list("pk", flat=True)),
            },
            status=status.HTTP_201_CREATED,
        )


call_collection_api = CallCollectionApi.as_view()
reference_lookup_api = ReferenceLookupApi.as_view()
call_case_api = CallCaseApi.as_view()
call_complaint_api = CallComplaintApi.as_view()
