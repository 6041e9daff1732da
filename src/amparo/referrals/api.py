"""JSON API for referrals. The receiver gets exactly the shared sections, as on the screen."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of

from . import selectors
from .models import Referral, Section


class ReferralSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    from_org = serializers.CharField(source="from_org.code")
    to_org = serializers.CharField(source="to_org.code")
    service_type = serializers.CharField()
    legal_basis = serializers.CharField()
    status = serializers.CharField()
    respond_by = serializers.DateField()
    sent_at = serializers.DateTimeField()
    shared_sections = serializers.ListField(child=serializers.CharField())


class BoxesSerializer(serializers.Serializer):
    received = ReferralSummarySerializer(many=True)
    sent = ReferralSummarySerializer(many=True)


class ReferralDetailSerializer(ReferralSummarySerializer):
    sections = serializers.DictField(help_text="Only the shared sections.")
    access_ended = serializers.BooleanField(
        help_text="The receiver's access to the shared sections has ended (the referral is closed): sections is empty."
    )


def _sections_json(referral: Referral, sections: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for code, value in sections.items():
        if code in (Section.IDENTITY, Section.CONTACT, Section.SCREENING):
            data[code] = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in value.items()}
        elif code == Section.EVENTS:
            data[code] = [
                {
                    "kind": e.kind,
                    "country": e.country,
                    "start_date": e.start_date,
                    "end_date": e.end_date,
                    "forms": e.forms,
                    "means_of_control": e.means_of_control,
                }
                for e in value
            ]
        elif code == Section.RISK:
            data[code] = (
                None
                if value is None
                else {f: getattr(value, f) for f in ("individual", "family", "community", "retrafficking", "reprisal")}
            )
        elif code == Section.CARE_PLAN:
            plan = value["plan"]
            data[code] = {
                "goals": plan.goals if plan else None,
                "services_delivered": [d.service_type for d in value["deliveries"]],
            }
        elif code == Section.NOTES:
            data[code] = [{"created_at": n.created_at, "body": n.body} for n in value]
        elif code == Section.ATTACHMENTS:
            data[code] = [
                {
                    "id": a.pk,
                    "filename": a.filename,
                    "size": a.size,
                    "url": f"/referrals/{referral.pk}/attachments/{a.pk}/",
                }
                for a in value
            ]
    return data


class ReferralBoxesApi(APIView):
    @extend_schema(
        responses={200: BoxesSerializer},
        summary="Referrals received by and sent from your institution",
        operation_id="v1_referrals_list",
    )
    def get(self, request: Request) -> Response:
        boxes = selectors.referral_boxes(actor=actor_of(request))
        return Response(
            {
                "received": ReferralSummarySerializer(boxes.inbox, many=True).data,
                "sent": ReferralSummarySerializer(boxes.outbox, many=True).data,
            }
        )


class ReferralDetailApi(APIView):
    @extend_schema(responses={200: ReferralDetailSerializer}, summary="A referral and the sections it shares")
    def get(self, request: Request, referral_id: uuid.UUID) -> Response:
        view = selectors.referral_get_for_view(actor=actor_of(request), referral_id=referral_id)
        data = dict(ReferralSummarySerializer(view.referral).data)
        data["sections"] = _sections_json(view.referral, view.sections)
        data["access_ended"] = view.access_ended
        return Response(data)


referral_boxes_api = ReferralBoxesApi.as_view()
referral_detail_api = ReferralDetailApi.as_view()
