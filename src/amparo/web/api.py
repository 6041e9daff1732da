from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from amparo.accounts.api_auth import actor_of
from amparo.accounts.roles import ROLE_TABLE


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    institution = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True)
    permissions = serializers.ListField(child=serializers.CharField())


@extend_schema(responses={200: MeSerializer}, summary="Who am I: institution, role and permissions")
@api_view(["GET"])
def me_api(request: Request) -> Response:
    actor = actor_of(request)
    membership = actor.membership
    return Response(
        {
            "username": actor.username,
            "institution": membership.organization.code if membership else None,
            "role": membership.role if membership else None,
            "permissions": sorted(ROLE_TABLE[membership.role].permissions) if membership else [],
        }
    )
