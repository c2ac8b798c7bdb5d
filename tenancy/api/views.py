"""The tenancy API: the organization, its members and skills; the shared viewset base.

Thin views: reads come from selectors, writes go through services, and the permission a write
needs is checked with `check_rule` before its input is validated. (The people directory carries
running allocations, which belong to pods, so its endpoint lives in `pods.api`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from tenancy import services
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIMixin, OrgAPIRequest, OrgViewSet
from tenancy.api.serializers import MembershipSerializer, OrganizationSerializer, SkillSerializer
from tenancy.cache import cached_value
from tenancy.models import Membership, Skill
from tenancy.selectors import membership_list, skill_list

_S = TypeVar("_S", bound=serializers.Serializer[Any])


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Bearer pod_…` in the schema (registered on import)."""

    target_class = "tenancy.api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "pod_…",
            "description": "A personal token for one organization: "
            "`manage.py issue_token --org SLUG --email EMAIL`.",
        }


class ApiViewSet(OrgViewSet):
    """Base of the org API viewsets.

    Each action reads through a selector or writes through a service itself; `queryset` on a
    subclass is the model's empty queryset, there only so the schema knows the model. Filters
    are validated query parameters handed to the selector, so filter backends are off.
    """

    filter_backends: tuple[Any, ...] = ()
    lookup_value_converter = "int"  # routers build `<int:pk>`, so the schema says integer

    def get_queryset(self) -> QuerySet[Any]:
        assert self.queryset is not None, "an ApiViewSet names its model with queryset = Model.objects.none()"
        return self.queryset.none()  # never a source of rows: actions use selectors

    def paginated(self, rows: Any, serializer_class: type[serializers.BaseSerializer[Any]]) -> Response:
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    def cached_list(self, name: str, build: Callable[[], Response], scope: tuple[Any, ...] = (),
                    *, scopes: tuple[str, ...] | None = None) -> Response:
        """An org-wide list (the same rows for every member) cached until the org's next write.

        Keyed by the full URL (filters, page, page size, host in the pagination links) and the
        day, since running allocations and health depend on it; `scope` names whatever else
        decides which rows the viewer may see (e.g. the pods they lead); `scopes` the cache scopes
        the rows are built from (tenancy.cache; None: every area).
        """
        parts = (self.request.build_absolute_uri(), timezone.localdate(), scope)
        data = cached_value(self.organization, f"api:{name}", parts, lambda: build().data,
                            scopes=scopes)
        return Response(data)

    def query_params(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        """Validated filters from the query string (a bad one is a 400 naming the parameter)."""
        params = serializer_class(data=self.request.query_params)
        # DRF reads `?until=` as "not sent"; the schema says a date, so a blank value is a 400.
        blank = {name: "Leave the parameter out rather than send it empty."
                 for name, field in params.fields.items()
                 if self.request.query_params.get(name) == "" and not getattr(field, "allow_blank", False)}
        if blank:
            raise serializers.ValidationError(blank)
        params.is_valid(raise_exception=True)
        return {k: v for k, v in params.validated_data.items() if v not in (None, "")}

    def validated(
        self, serializer_class: type[_S], instance: Any = None, partial: bool = False,
    ) -> _S:
        serializer = serializer_class(instance, data=self.request.data, partial=partial,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer


# --- Organization and members --------------------------------------------------------------------


class OrganizationView(OrgAPIMixin, generics.GenericAPIView[Any]):
    """The organization named in the URL, with its settings."""

    serializer_class = OrganizationSerializer
    pagination_class = None
    filter_backends: tuple[Any, ...] = ()

    @extend_schema(operation_id="organization_retrieve", responses=OrganizationSerializer)
    def get(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.view_org")
        return Response(OrganizationSerializer(self.organization).data)


class MemberViewSet(ApiViewSet):
    """Members of the organization: logins with an org role. Read-only."""

    queryset = Membership.objects.none()
    serializer_class = MembershipSerializer

    @extend_schema(responses=MembershipSerializer(many=True))
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.view_org")
        return self.paginated(membership_list(organization=self.organization),
                              MembershipSerializer)


# --- Skills ------------------------------------------------------------------------------------------


class SkillViewSet(ApiViewSet):
    """The organization's skill catalogue; people hold skills at a level from 1 to 5."""

    queryset = Skill.objects.none()
    serializer_class = SkillSerializer

    @extend_schema(responses=SkillSerializer(many=True))
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.view_org")
        return self.paginated(skill_list(organization=self.organization), SkillSerializer)

    @extend_schema(request=SkillSerializer, responses={201: SkillSerializer})
    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("tenancy.manage_skills")
        data = self.validated(SkillSerializer).validated_data
        skill = services.skill_create(organization=self.organization, actor=request.user, **data)
        skill = get_or_404(skill_list(organization=self.organization), pk=skill.pk)
        return Response(SkillSerializer(skill).data, status=status.HTTP_201_CREATED)
