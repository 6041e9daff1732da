"""JSON API for persons: the same selectors, services, permissions and audit as the HTML screens."""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of
from amparo.core import geo
from amparo.core.api import ErrorSerializer, StrictSerializer
from amparo.core.exceptions import TamperedCiphertext

from . import selectors, services
from .integrity import mark_unreadable
from .models import DocumentType, Gender, People, Person
from .validation import DocumentInput, PersonInput


class DocumentSerializer(StrictSerializer):
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    number = serializers.CharField(max_length=60)
    issuing_country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    suspected_false = serializers.BooleanField(required=False, default=False)


class PersonWriteSerializer(StrictSerializer):
    given_names = serializers.CharField(max_length=200)
    surnames = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    age_min = serializers.IntegerField(required=False, allow_null=True, default=None)
    age_max = serializers.IntegerField(required=False, allow_null=True, default=None)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default=Gender.UNKNOWN)
    nationalities = serializers.ListField(child=serializers.CharField(max_length=2), required=False, default=list)
    languages = serializers.ListField(child=serializers.CharField(max_length=3), required=False, default=list)
    people = serializers.ChoiceField(choices=People.choices, required=False, default=People.UNKNOWN)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, allow_null=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True, default="")
    residence_department = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    residence_municipality = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")
    documents = DocumentSerializer(many=True, required=False, default=list)

    def to_input(self) -> PersonInput:
        data = dict(self.validated_data)
        for name in ("phone", "email", "address"):  # null, as the record reads when there is none: none
            data[name] = data[name] or ""
        documents = [DocumentInput(**d) for d in data.pop("documents", [])]
        return PersonInput(**data, documents=documents)


class PersonUpdateSerializer(PersonWriteSerializer):
    version = serializers.IntegerField(help_text="The version you read; a stale version is refused (409).")
    # Sent back from the record as read: accepted and ignored (anything else unknown is refused).
    id = serializers.UUIDField(read_only=True)
    owner_org = serializers.CharField(read_only=True)


class PersonReadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    owner_org = serializers.CharField(source="owner_org.code")
    given_names = serializers.CharField()
    surnames = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    date_of_birth = serializers.DateField(allow_null=True)
    age_min = serializers.IntegerField(allow_null=True)
    age_max = serializers.IntegerField(allow_null=True)
    gender = serializers.CharField()
    nationalities = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    people = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    residence_department = serializers.CharField()
    residence_municipality = serializers.CharField()
    documents = DocumentSerializer(many=True, source="documents.all")


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_names = serializers.CharField()
    surnames = serializers.CharField()
    gender = serializers.CharField()
    nationalities = serializers.ListField(child=serializers.CharField())
    score = serializers.IntegerField()


def _summary(person: Person, score: int) -> dict[str, Any]:
    return {
        "id": person.pk,
        "given_names": person.given_names,
        "surnames": person.surnames,
        "gender": person.gender,
        "nationalities": person.nationalities,
        "score": score,
    }


class PersonSearchSerializer(StrictSerializer):
    """The POST body: an unknown field is refused."""

    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Name or part of it (fuzzy, phonetic)."
    )
    document = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="Identity document number."
    )


class PersonSearchResultsSerializer(serializers.Serializer):
    results = PersonSummarySerializer(many=True)


SEARCH_PATH = "/api/v1/persons/search/"


def _search(request: Request, *, name: str, document: str) -> Response:
    """One search for both entry points: the same selector, scoping, audit and answer."""
    actor = actor_of(request)
    result = selectors.person_search(actor=actor, name=name, document=document)
    # A record failing its integrity check: 409 as before, now in the audit trail (each such record once).
    if mark_unreadable(actor=actor, records=result.persons):
        raise TamperedCiphertext()
    rows = [_summary(p, result.scores.get(p.pk, 0)) for p in result.persons]
    return Response({"results": PersonSummarySerializer(rows, many=True).data})


class PersonCollectionApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("name", str, description="Name or part of it (fuzzy, phonetic)."),
            OpenApiParameter("document", str, description="Identity document number."),
        ],
        responses={200: PersonSearchResultsSerializer, 409: ErrorSerializer},
        operation_id="v1_persons_list",  # the id it always had (clients generated from the schema keep it)
        summary="Search persons by name or document (deprecated: use POST /api/v1/persons/search/)",
        description=(
            "Deprecated: the name and document travel in the URL, which proxies and servers write to their "
            "access logs. Use POST /api/v1/persons/search/ with a JSON body: same results and scoping."
        ),
        deprecated=True,
    )
    def get(self, request: Request) -> Response:
        # Kept as it always answered (a huge query is cut by the selector, not refused) for old clients.
        response = _search(
            request, name=request.query_params.get("name", ""), document=request.query_params.get("document", "")
        )
        response["Deprecation"] = "true"
        response["Link"] = f'<{SEARCH_PATH}>; rel="successor-version"'
        return response

    @extend_schema(request=PersonWriteSerializer, responses={201: PersonReadSerializer}, summary="Register a person")
    def post(self, request: Request) -> Response:
        serializer = PersonWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_create(actor=actor_of(request), data=serializer.to_input())
        return Response(PersonReadSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonSearchApi(APIView):
    @extend_schema(
        request=PersonSearchSerializer,
        responses={200: PersonSearchResultsSerializer, 409: ErrorSerializer},
        summary="Search persons by name or document",
        description=(
            "The query travels in the body, so names and document numbers stay out of URLs and access logs. "
            "Only persons the caller may see are returned; the search is audited without the query."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = PersonSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _search(request, name=serializer.validated_data["name"], document=serializer.validated_data["document"])


class PersonDetailApi(APIView):
    @extend_schema(responses={200: PersonReadSerializer, 409: ErrorSerializer}, summary="A person's record (audited)")
    def get(self, request: Request, person_id: str) -> Response:
        actor = actor_of(request)
        person = selectors.person_get_for_view(actor=actor, person_id=person_id)
        try:
            return Response(PersonReadSerializer(person).data)
        except TamperedCiphertext:
            services.tampering_report(actor=actor, target_type="person", target_id=person.pk)
            raise

    @extend_schema(
        request=PersonUpdateSerializer,
        responses={200: PersonReadSerializer, 409: ErrorSerializer},
        summary="Edit a person (409 stale_edit: someone changed it after the version you read)",
    )
    def put(self, request: Request, person_id: str) -> Response:
        serializer = PersonUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data.pop("version")
        actor = actor_of(request)
        try:
            person = services.person_update(
                actor=actor, person_id=person_id, data=serializer.to_input(), expected_version=version
            )
            return Response(PersonReadSerializer(person).data)
        except TamperedCiphertext:
            # Raised after the edit was authorized (the stored values are compared with the new ones); the
            # edit itself was rolled back.
            services.tampering_report(actor=actor, target_type="person", target_id=person_id)
            raise


class VocabularySerializer(serializers.Serializer):
    gender = serializers.DictField(child=serializers.CharField())
    people = serializers.DictField(child=serializers.CharField())
    document_types = serializers.DictField(child=serializers.CharField())
    countries = serializers.DictField(child=serializers.CharField())
    languages = serializers.DictField(child=serializers.CharField())
    departments = serializers.DictField(child=serializers.CharField())


class VocabularyApi(APIView):
    """Code lists used by the person fields (countries, languages, departments)."""

    @extend_schema(summary="Vocabularies for person fields", responses={200: VocabularySerializer})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "gender": dict(Gender.choices),
                "people": dict(People.choices),
                "document_types": dict(DocumentType.choices),
                "countries": geo.COUNTRIES,
                "languages": geo.LANGUAGES,
                "departments": geo.DEPARTMENTS,
            }
        )


person_collection_api = sensitive_post_parameters()(PersonCollectionApi.as_view())
person_search_api = sensitive_post_parameters()(PersonSearchApi.as_view())
person_detail_api = sensitive_post_parameters()(PersonDetailApi.as_view())
vocabulary_api = VocabularyApi.as_view()
