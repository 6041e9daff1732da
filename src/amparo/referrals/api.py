"""JSON API for referrals. The receiver gets exactly the shared sections, as on the screen."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of
from amparo.accounts.roles import Perm
from amparo.cases.vocab import ServiceType
from amparo.core.api import StrictSerializer
from amparo.core.exceptions import PermissionDenied
from amparo.organizations.models import Organization

from . import selectors, services
from .models import LegalBasis, Referral, Section


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


# The sections below hold exactly the fields of selectors.SECTION_FIELDS (the page and the PDF show
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


# Events, risk and care plan: the fields of each row that the page shows (selectors.SECTION_FIELDS too).
class EventSectionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Stage: recruitment, transfer, exploitation...")
    country = serializers.CharField(help_text="ISO 3166 country code; empty when unknown.")
    forms = serializers.ListField(child=serializers.CharField(), help_text="Forms of exploitation.")


class RiskSectionSerializer(serializers.Serializer):
    retrafficking = serializers.CharField()
    reprisal = serializers.CharField()


class DeliverySerializer(serializers.Serializer):
    service_type = serializers.CharField()
    provider = serializers.CharField(source="provider.code", help_text="The providing institution's code.")


class CarePlanSectionSerializer(serializers.Serializer):
    goals = serializers.CharField(allow_null=True, help_text="Null while the case has no care plan.")
    deliveries = DeliverySerializer(many=True)


SECTION_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    Section.IDENTITY: IdentitySectionSerializer,
    Section.CONTACT: ContactSectionSerializer,
    Section.SCREENING: ScreeningSectionSerializer,
    Section.EVENTS: EventSectionSerializer,
    Section.RISK: RiskSectionSerializer,
    Section.CARE_PLAN: CarePlanSectionSerializer,
}


class SectionsSerializer(serializers.Serializer):
    identity = IdentitySectionSerializer(required=False)
    contact = ContactSectionSerializer(required=False)
    screening = ScreeningSectionSerializer(required=False)
    events = EventSectionSerializer(many=True, required=False)
    risk = RiskSectionSerializer(allow_null=True, required=False, help_text="Null while the case is not assessed.")
    care_plan = CarePlanSectionSerializer(required=False)
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
        if code == Section.EVENTS:
            data[code] = EventSectionSerializer(value, many=True).data
        elif code == Section.RISK:
            data[code] = None if value is None else RiskSectionSerializer(value).data
        elif code == Section.CARE_PLAN:
            plan = value["plan"]
            data[code] = CarePlanSectionSerializer(
                {"goals": plan.goals if plan else None, "deliveries": value["deliveries"]}
            ).data
        elif code in SECTION_SERIALIZERS:
            data[code] = SECTION_SERIALIZERS[code](value).data
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


# --- actions: each one calls the service the web screen calls, which checks access, validates and audits ---


class ReferralSendSerializer(StrictSerializer):
    case_id = serializers.UUIDField()
    to_org = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(is_active=True),
        help_text="The receiving institution's code (see the service directory).",
    )
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    shared_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=Section.choices), help_text="At least the identity."
    )
    respond_by = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Answer date; by default in three days."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    order_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="court_order and pgn_order."
    )
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="override (supervisors only)."
    )


class DeclineSerializer(StrictSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="Required: why it is declined."
    )


class OutcomeSerializer(StrictSerializer):
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000, help_text="Required: the outcome for the sender."
    )


class EmptySerializer(StrictSerializer):
    """No fields: anything sent is refused."""


def _body(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _summary(referral: Referral) -> Response:
    return Response(ReferralSummarySerializer(referral).data)


class ReferralCollectionApi(ReferralBoxesApi):
    """GET: the boxes; POST: send a referral."""

    @extend_schema(
        request=ReferralSendSerializer,
        responses={201: ReferralSummarySerializer},
        summary="Refer a case of your institution to another (legal basis and shared sections required)",
        operation_id="v1_referrals_send",
    )
    def post(self, request: Request) -> Response:
        d = _body(ReferralSendSerializer, request)
        referral = services.referral_send(
            actor=actor_of(request),
            case_id=d["case_id"],
            to_org_id=d["to_org"].pk,
            service_type=d["service_type"],
            legal_basis=d["legal_basis"],
            shared_sections=d["shared_sections"],
            respond_by=d["respond_by"],
            reason=d["reason"],
            order_reference=d["order_reference"],
            override_reason=d["override_reason"],
        )
        return Response(ReferralSummarySerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralAcceptApi(APIView):
    @extend_schema(
        request=EmptySerializer,
        responses={200: ReferralSummarySerializer},
        summary="Accept a referral your institution received",
    )
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        _body(EmptySerializer, request)
        return _summary(services.referral_respond(actor=actor_of(request), referral_id=referral_id, accept=True))


class ReferralDeclineApi(APIView):
    @extend_schema(
        request=DeclineSerializer,
        responses={200: ReferralSummarySerializer},
        summary="Decline a referral your institution received, saying why",
    )
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        d = _body(DeclineSerializer, request)
        return _summary(
            services.referral_respond(
                actor=actor_of(request), referral_id=referral_id, accept=False, reason=d["reason"]
            )
        )


class ReferralCompleteApi(APIView):
    @extend_schema(
        request=OutcomeSerializer,
        responses={200: ReferralSummarySerializer},
        summary="Report the outcome of an accepted referral to the sender; your access ends",
    )
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        d = _body(OutcomeSerializer, request)
        return _summary(
            services.referral_complete(actor=actor_of(request), referral_id=referral_id, outcome=d["outcome"])
        )


class ReferralCancelApi(APIView):
    @extend_schema(
        request=EmptySerializer,
        responses={200: ReferralSummarySerializer},
        summary="Cancel a referral your institution sent (the receiver is told; its access ends)",
    )
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        if not actor_of(request).has(Perm.REFERRAL_SEND):  # the web action's rule (referral_cancel_view)
            raise PermissionDenied()
        _body(EmptySerializer, request)
        return _summary(services.referral_cancel(actor=actor_of(request), referral_id=referral_id))


referral_boxes_api = sensitive_post_parameters()(ReferralCollectionApi.as_view())
referral_detail_api = ReferralDetailApi.as_view()
referral_accept_api = ReferralAcceptApi.as_view()
referral_decline_api = sensitive_post_parameters()(ReferralDeclineApi.as_view())
referral_complete_api = sensitive_post_parameters()(ReferralCompleteApi.as_view())
referral_cancel_api = ReferralCancelApi.as_view()
