"""The portal's API for a future mobile app: SMS login, kinds, own applications, rating.

A citizen asks for a code (``auth/code/``), exchanges it for an expiring API token
(``auth/token/``), then sends ``Authorization: Token <key>``. Applications are scoped like
the pages: a citizen sees only their own (another's id answers 404); office staff see their
offices' requests.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from sifasuo.accounts import services as account_services
from sifasuo.core import applications
from sifasuo.core.api import IdempotentCreateMixin, ScopedReadOnlyViewSet
from sifasuo.core.errors import ApplicationError
from sifasuo.core.middleware import client_ip
from sifasuo.portal import services
from sifasuo.portal.choices import RatingLevel
from sifasuo.portal.config import value
from sifasuo.portal.filtersets import PortalApplicationFilterSet
from sifasuo.portal.models import ApplicationEvent, PortalApplication, Rating


class PortalAuthThrottle(AnonRateThrottle):
    rate = "30/min"


class CodeRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    phone = serializers.CharField(max_length=20, help_text=_("A mainland China mobile number."))


class CodeSentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()
    expires_in = serializers.IntegerField(help_text=_("Seconds the code stays valid."))


class CodeVerifySerializer(serializers.Serializer):  # type: ignore[type-arg]
    phone = serializers.CharField(max_length=20)
    code = serializers.CharField(max_length=10)


class TokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField()


class PortalCodeView(APIView):
    """Send a one-time login code by SMS (rate-limited per phone and per address: 429)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PortalAuthThrottle]

    @extend_schema(request=CodeRequestSerializer, responses={202: CodeSentSerializer})
    def post(self, request: Request) -> Response:
        serializer = CodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.login_code_request(
            phone=serializer.validated_data["phone"], ip=client_ip(request._request)
        )
        return Response(
            {"detail": _("The code has been sent."), "expires_in": value("PORTAL_OTP_TTL_SECONDS")},
            status=status.HTTP_202_ACCEPTED,
        )


class PortalTokenView(APIView):
    """Exchange the phone and the code for an expiring API token of the citizen."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PortalAuthThrottle]

    @extend_schema(request=CodeVerifySerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        serializer = CodeVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.login_code_verify(code=data["code"], phone=data["phone"])
        return Response({"token": account_services.api_token_issue(user=user)})


class KindFieldSerializer(serializers.Serializer):  # type: ignore[type-arg]
    # Declared fields leave the class (DRF's metaclass); mypy sees Field's attributes.
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]
    type = serializers.CharField()
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class KindSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    what_to_bring = serializers.CharField()
    fields = KindFieldSerializer(many=True)  # type: ignore[assignment]


def _describe_kind(kind: applications.ApplicationKind) -> dict[str, Any]:
    form = kind.form_class(None, None, office=None)
    fields = []
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        fields.append(
            {
                "name": name,
                "label": str(field.label or name),
                "required": field.required,
                "type": type(field).__name__,
                "choices": [[str(k), str(v)] for k, v in choices] if choices else [],
            }
        )
    return {
        "code": kind.code,
        "label": str(kind.label),
        "description": str(kind.description),
        "what_to_bring": str(kind.what_to_bring),
        "fields": fields,
    }


class KindListView(APIView):
    """The kinds of request that can be filed online, with their form fields."""

    @extend_schema(responses={200: KindSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([_describe_kind(kind) for kind in applications.kinds()])


STATUS_HELP = _("SUBMITTED, IN_PROGRESS, COMPLETED, REJECTED or WITHDRAWN.")


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    # A plain string in the schema: "status" names other choice sets elsewhere in the API.
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)

    class Meta:
        model = ApplicationEvent
        fields = ["status", "message", "created_at"]


class RatingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Rating
        fields = ["level", "comment", "rated_on"]


class ApplicationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    office_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    events = EventSerializer(many=True, read_only=True)
    rating = serializers.SerializerMethodField()

    class Meta:
        model = PortalApplication
        fields = [
            "id",
            "tracking_number",
            "kind",
            "kind_label",
            "office_code",
            "office_name",
            "status",
            "submitted_on",
            "respond_by",
            "completed_on",
            "last_message",
            "events",
            "rating",
        ]

    @extend_schema(responses=RatingSerializer(allow_null=True))  # type: ignore[misc]
    def get_rating(self, obj: PortalApplication) -> dict[str, Any] | None:
        rating = getattr(obj, "rating", None)
        return RatingSerializer(rating).data if rating is not None else None


class ApplicationCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField(help_text=_("A kind code from /api/v1/portal/kinds/."))
    office = serializers.CharField(help_text=_("The judicial office's code (9 digits)."))
    data = serializers.DictField(  # type: ignore[assignment]
        help_text=_("The kind's form fields, by name.")
    )
    consent = serializers.BooleanField(
        default=False,
        help_text=_("True: the citizen consents to the current personal-information notice."),
    )


class RatingCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    level = serializers.ChoiceField(choices=RatingLevel.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PortalApplicationViewSet(
    IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet
):
    """Online applications: a citizen's own (list, file, follow, rate); staff: their offices'.

    ``POST`` files a request (send ``Idempotency-Key`` to retry safely); the kind's form
    refuses bad fields with 400 as the page does.
    """

    queryset = PortalApplication.objects.all()
    serializer_class = ApplicationSerializer
    create_serializer_class = ApplicationCreateSerializer
    filterset_class = PortalApplicationFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "rating")
            .prefetch_related("events")
            .order_by("-submitted_on", "-pk")
        )

    def create_record(self, data: dict[str, Any]) -> PortalApplication:
        user: Any = self.request.user
        if not getattr(user, "is_citizen", False):
            raise PermissionDenied
        kind = applications.get(data["kind"])
        if kind is None:
            raise ApplicationError(
                gettext("This kind of request cannot be filed online."), field="kind"
            )
        office = services.offices_for_application().filter(code=data["office"]).first()
        if office is None:
            raise ApplicationError(gettext("Choose a judicial office."), field="office")
        form = kind.form_class(data["data"], None, office=office)
        if not form.is_valid():
            raise serializers.ValidationError({"data": form.errors.get_json_data()})
        return services.application_submit(
            citizen=user,
            kind_code=kind.code,
            office=office,
            data=form.cleaned_data,
            consent=data["consent"],
            ip=client_ip(self.request._request),
        )

    @extend_schema(request=RatingCreateSerializer, responses={201: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def rating(self, request: Request, public_id: str | None = None) -> Response:
        """Rate the completed service once (five levels); a poor rating opens a follow-up."""
        application = self.get_object()
        serializer = RatingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.rating_create(
            citizen=request.user,
            application=application,
            level=serializer.validated_data["level"],
            comment=serializer.validated_data["comment"],
        )
        application = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(application).data, status=status.HTTP_201_CREATED)
