"""API: the token endpoint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from sifasuo.accounts import services
from sifasuo.accounts.forms import GENERIC_LOGIN_ERROR
from sifasuo.accounts.passwords import password_expired


class TokenRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("The current one-time code, required when the account has a confirmed device."),
    )


class TokenResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField()


class TokenThrottle(AnonRateThrottle):
    rate = "30/min"


class TokenView(APIView):
    """Exchange username, password (and one-time code) for an expiring API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            return Response({"detail": GENERIC_LOGIN_ERROR}, status=status.HTTP_400_BAD_REQUEST)
        otp = data.get("otp", "")
        # No code is no attempt: only a wrong code counts against the device's throttle.
        # A role that must use two-factor login gets no token before it has enrolled.
        has_device = services.has_confirmed_device(user)
        enforced = user.has_role(*settings.OTP_ENFORCED_ROLES)  # type: ignore[attr-defined]
        if (has_device or enforced) and (
            not otp or not has_device or match_token(user, otp) is None
        ):
            return Response(
                {"detail": _("A valid one-time code is required.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if password_expired(user):
            # No token may outlive the rotation rule: the new password is set on the web.
            return Response(
                {"detail": _("Your password has expired: change it before going on.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"token": services.api_token_issue(user=user)})
