"""JSON API for referrals. The receiver gets exactly the shared sections, as on the screen."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
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


# The three sections below hold exactly the fields of selectors.SECTION_FIELDS (the page and the PDF show
# the same; a test holds the two together): what the section's label promises, nothing more.
class IdentitySectionSerializer(serializers.Serializer):
    given_names = serializers.CharField()
    surnames = serializers.CharField()
    age_min = serializers.IntegerField(allow_null=True, help_text="Age, or the low end of the assessed age range.")
    age_max = serializers.IntegerField(allow_null=True, help_text="Age, or the high end of the assessed age range.")
    gender = serializers.CharField()
    gender_label = serializers.CharField()
    nationalities = serializers.ListField(child=serializers.CharField(), help_text="ISO 3166 country codes.")
    languages = serializers.ListField(child=serializers.CharField())
    minor_protocol = serializers.BooleanField()


class ContactSectionSerializer(serializers.Serializer):
    phone = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    department = serializers.CharField(allow_null=True, help_text="Department of residence.")


class ScreeningSectionSerializer(serializers.Serializer):
    trafficking_status = serializers.CharField()
    determined_by = serializers.CharField()


SECTION_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    Section.IDENTITY: IdentitySectionSerializer,
    Section.CONTACT: ContactSectionSerializer,
    Section.SCREENING: ScreeningSectionSerializer,
}


class SectionsSerializer(serializers.Serializer):
    identity = IdentitySectionSerializer(required=False)
    contact = ContactSectionSerializer(required=False)
    screening = ScreeningSectionSerializer(required=False)
    events = serializers.ListField(child=serializers.DictField(), required=False)
    risk = serializers.DictField(allow_null=True, required=False)
    care_plan = serializers.DictField(required=False)
    notes = serializers.ListField(child=serializers.DictField(), required=False)
    attachments = serializers.ListField(child=serializers.DictField(), required=False)


class ReferralDetailSerializer(ReferralSummarySerializer):
    sections = SectionsSerializer(help_text="Only the shared sections: a section not shared is absent.")
    access_ended = serializers.BooleanField(
        help_text="The receiver's access to the shared sections has ended (the referral is closed): sections is empty."
    )


def _sections_json(referral: Referral, sections: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for code, value in sections.items():
        if code in SECTION_SERIALIZERS:
            data[code] = SECTION_SERIALIZERS[code](value).data
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
                    # the web download (a signed-in session); there is no API download yet
                    "url": reverse("referrals:attachment", args=[referral.pk, a.pk]),
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
