"""JSON API of the justice app: the same selectors, services and compartments as the screens. Persons
appear only through PersonShownSerializer (protection.py decides what each user may see)."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of
from amparo.core.api import StrictSerializer, fields_named_as_sent

from . import selectors, services
from .models import Complaint
from .protection import PersonShown
from .vocab import ComplaintSource, InvestigationStatus, PlaceType


class PersonShownSerializer(serializers.Serializer):
    """A person as the requesting user may see them: a protected witness outside their team is only a
    pseudonym (no id, no name, no age, sex or nationality)."""

    id = serializers.UUIDField(source="person_id", allow_null=True)
    name = serializers.CharField()
    protected = serializers.BooleanField()
    pseudonym = serializers.CharField(allow_blank=True)
    gender = serializers.CharField(allow_blank=True)
    nationalities = serializers.ListField(child=serializers.CharField())
    age_low = serializers.IntegerField(allow_null=True)
    age_high = serializers.IntegerField(allow_null=True)


def person_json(shown: PersonShown | None) -> dict[str, Any] | None:
    return None if shown is None else dict(PersonShownSerializer(shown).data)


class ComplaintSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    number = serializers.CharField(read_only=True)
    received_on = serializers.DateField()
    source = serializers.ChoiceField(choices=ComplaintSource.choices)  # type: ignore[assignment]
    receiving_org = serializers.IntegerField(source="receiving_org_id", required=False, allow_null=True)
    mp_file_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    summary = serializers.CharField(max_length=20000, write_only=True)
    case_ids = serializers.ListField(child=serializers.UUIDField(), required=False, default=list, write_only=True)
    investigation_id = serializers.UUIDField(read_only=True, allow_null=True)


class ComplaintDetailSerializer(ComplaintSerializer):
    summary = serializers.CharField(read_only=True)  # type: ignore[assignment]
    cases = serializers.ListField(child=serializers.UUIDField(), read_only=True)


def _complaint(complaint: Complaint, *, detail: bool = False) -> dict[str, Any]:
    data = dict(ComplaintSerializer(complaint).data)
    if detail:
        data["summary"] = complaint.summary
        data["cases"] = [str(pk) for pk in complaint.cases.values_list("pk", flat=True)]
    return data


class ComplaintCollectionApi(APIView):
    @extend_schema(
        responses={200: ComplaintSerializer(many=True)},
        summary="Complaints received by your institution",
        operation_id="v1_complaints_list",
    )
    def get(self, request: Request) -> Response:
        complaints = selectors.complaint_list(actor=actor_of(request), limit=200)
        return Response([_complaint(c) for c in complaints])

    @extend_schema(
        request=ComplaintSerializer,
        responses={201: ComplaintSerializer},
        summary="Record a complaint (denuncia); e.g. from a hotline call",
    )
    def post(self, request: Request) -> Response:
        serializer = ComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        with fields_named_as_sent({"cases": "case_ids"}):
            complaint = services.complaint_create(
                actor_of(request),
                received_on=d["received_on"],
                source=d["source"],
                summary=d["summary"],
                receiving_org_id=d.get("receiving_org_id"),
                mp_file_number=d["mp_file_number"],
                case_ids=d["case_ids"],
            )
        return Response(_complaint(complaint), status=status.HTTP_201_CREATED)


class ComplaintDetailApi(APIView):
    @extend_schema(responses={200: ComplaintDetailSerializer}, summary="A complaint (audited)")
    def get(self, request: Request, complaint_id: uuid.UUID) -> Response:
        complaint = selectors.complaint_get_for_view(actor=actor_of(request), complaint_id=complaint_id)
        return Response(_complaint(complaint, detail=True))


class InvestigationSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    mp_file_number = serializers.CharField()
    status = serializers.CharField()
    opened_on = serializers.DateField()


class InvestigationListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    results = InvestigationSummarySerializer(many=True)


class SuspectSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    role_in_process = serializers.CharField()
    public_official = serializers.BooleanField()
    person = PersonShownSerializer(allow_null=True)
    business = serializers.CharField(allow_null=True)


class OperationSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    codename = serializers.CharField()
    status = serializers.CharField()
    planned_for = serializers.DateField()


class InvestigationDetailSerializer(InvestigationSummarySerializer):
    summary = serializers.CharField()
    team = serializers.ListField(child=serializers.DictField())
    suspects = SuspectSerializer(many=True)
    witnesses = PersonShownSerializer(many=True)
    victim_cases = serializers.ListField(child=serializers.CharField())
    operations = OperationSummarySerializer(many=True)
    court_events = serializers.ListField(child=serializers.DictField())
    cooperation = serializers.ListField(child=serializers.DictField())


class InvestigationQuerySerializer(serializers.Serializer):
    """The search form's fields and limits; a status or type outside the vocabularies is refused."""

    file_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    suspect_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Fuzzy, through the persons' blind index",
    )
    place_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    place_type = serializers.ChoiceField(choices=PlaceType.choices, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=InvestigationStatus.choices, required=False, allow_blank=True, default="")
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)


def _summary(inv: Any) -> dict[str, Any]:
    return dict(InvestigationSummarySerializer(inv).data)


class InvestigationCollectionApi(APIView):
    @extend_schema(
        parameters=[InvestigationQuerySerializer],
        responses={200: InvestigationListSerializer},
        summary="Search the investigations of your team (50 per page, from offset)",
        operation_id="v1_investigations_list",
    )
    def get(self, request: Request) -> Response:
        query = InvestigationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        p = dict(query.validated_data)
        offset = p.pop("offset")
        filters = selectors.InvestigationFilters(**p)
        page = selectors.investigation_search(actor=actor_of(request), filters=filters, offset=offset)
        return Response({"total": page.total, "results": [_summary(i) for i in page.investigations]})


class InvestigationDetailApi(APIView):
    @extend_schema(responses={200: InvestigationDetailSerializer}, summary="An investigation of your team (audited)")
    def get(self, request: Request, investigation_id: uuid.UUID) -> Response:
        view = selectors.investigation_get_for_view(actor=actor_of(request), investigation_id=investigation_id)
        inv = view.investigation
        data = _summary(inv)
        data.update(
            summary=inv.summary,
            team=[{"user": m.user.username, "role": m.team_role} for m in view.team],
            suspects=[
                {
                    "id": str(r.suspect.pk),
                    "kind": r.suspect.kind,
                    "role_in_process": r.suspect.role_in_process,
                    "public_official": r.suspect.public_official,
                    "person": person_json(r.shown),
                    "business": r.suspect.business.name if r.suspect.business else None,
                }
                for r in view.suspects
            ],
            witnesses=[person_json(shown) for _w, shown in view.witnesses],
            victim_cases=[link.case.number for link, _can in view.victims],
            operations=[dict(OperationSummarySerializer(op).data) for op in view.operations],
            court_events=[
                {
                    "kind": e.kind,
                    "date": e.date.isoformat(),
                    "court": e.court,
                    "suspect": view.suspect_labels.get(e.suspect_id),
                }
                for e in view.court_events
            ],
            cooperation=[
                {"kind": c.kind, "direction": c.direction, "country": c.country, "status": c.status}
                for c in view.cooperation
            ],
        )
        return Response(data)


class OperationDetailApi(APIView):
    @extend_schema(
        responses={200: OperationSummarySerializer},
        summary="An operation: members only before execution (404 for anybody else; every access logged)",
    )
    def get(self, request: Request, operation_id: uuid.UUID) -> Response:
        view = selectors.operation_get_for_view(actor=actor_of(request), operation_id=operation_id)
        return Response(dict(OperationSummarySerializer(view.operation).data))


complaint_collection_api = ComplaintCollectionApi.as_view()
complaint_detail_api = ComplaintDetailApi.as_view()
investigation_collection_api = InvestigationCollectionApi.as_view()
investigation_detail_api = InvestigationDetailApi.as_view()
operation_detail_api = OperationDetailApi.as_view()
