"""The knowledge API: guilds, lessons (list, create, read, edit), incidents, and the one search.

Thin views on `ApiViewSet`: reads through `knowledge.selectors` and `knowledge.search`, writes
through `knowledge.services`, each checked with the same rules as the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from knowledge import selectors, services
from knowledge.api.serializers import (
    GuildSerializer,
    IncidentSerializer,
    LessonDetailSerializer,
    LessonFilter,
    LessonSerializer,
    LessonUpdateSerializer,
    LessonWriteSerializer,
    SearchFilter,
    SearchResultSerializer,
)
from knowledge.models import Guild, Incident, Lesson, LessonStatus, SearchDocument
from knowledge.search import search_documents
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.schema import ObjectSchema
from tenancy.api.views import ApiViewSet
from tenancy.permissions import can


@extend_schema_view(list=extend_schema(responses=GuildSerializer(many=True)),
                    retrieve=extend_schema(responses=GuildSerializer))
class GuildViewSet(ApiViewSet):
    """Guilds (communities of practice) with member and lesson counts."""

    queryset = Guild.objects.none()
    serializer_class = GuildSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return self.paginated(selectors.guild_list(organization=self.organization), GuildSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return Response(GuildSerializer(
            get_or_404(selectors.guild_list(organization=self.organization), pk=pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[LessonFilter], responses=LessonSerializer(many=True)),
    retrieve=extend_schema(responses=LessonDetailSerializer),
    create=extend_schema(request=LessonWriteSerializer, responses={201: LessonDetailSerializer}),
    partial_update=extend_schema(request=LessonUpdateSerializer, responses=LessonDetailSerializer),
)
class LessonViewSet(ApiViewSet):
    """Published lessons; POST posts one into a guild you belong to (or saves a draft); PATCH
    edits one (its author, the guild's stewards, admins), keeping the old text as a revision."""

    queryset = Lesson.objects.none()
    serializer_class = LessonSerializer

    def _lesson(self, pk: Any) -> Lesson:
        try:
            lesson = selectors.lesson_get(organization=self.organization, pk=pk)
        except (Lesson.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc
        if lesson.status == LessonStatus.DRAFT and not can(self.membership,
                                                           "knowledge.change_lesson", lesson):
            raise Http404
        return lesson

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        f = self.query_params(LessonFilter)
        rows = selectors.lesson_list(organization=self.organization, guild_id=f.get("guild"),
                                     kind=f.get("kind", ""), tag=f.get("tag", ""),
                                     pod_id=f.get("pod"))
        return self.paginated(rows, LessonSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return Response(LessonDetailSerializer(self._lesson(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        data = dict(self.validated(LessonWriteSerializer).validated_data)
        self.check_rule("knowledge.post_lesson", data["guild"])
        lesson = services.lesson_create(organization=self.organization, actor=request.user, **data)
        return Response(LessonDetailSerializer(self._lesson(lesson.pk)).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        lesson = self._lesson(pk)
        self.check_rule("knowledge.change_lesson", lesson)
        data = dict(self.validated(LessonUpdateSerializer, lesson, partial=True).validated_data)
        services.lesson_update(organization=self.organization, actor=request.user, lesson=lesson,
                               **data)
        return Response(LessonDetailSerializer(self._lesson(lesson.pk)).data)


class SearchViewSet(ApiViewSet):
    """One search across lessons, post-mortems, talks and presentations: ranked, highlighted."""

    queryset = SearchDocument.objects.none()
    serializer_class = SearchResultSerializer
    pagination_class = None
    schema = ObjectSchema()  # one object (hits, total, pages), not an array

    @extend_schema(parameters=[SearchFilter], responses=SearchResultSerializer)
    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        f = self.query_params(SearchFilter)
        filters = {"kind": f.get("kind", ""), "guild_id": f.get("guild"), "pod_id": f.get("pod"),
                   "tag": f.get("tag", ""), "since": f.get("since"), "until": f.get("until")}
        result = search_documents(organization=self.organization, q=f.get("q", ""), viewer=self.membership,
                                  page=f.get("page", 1), **filters)
        return Response(SearchResultSerializer(result).data)


@extend_schema_view(list=extend_schema(responses=IncidentSerializer(many=True)),
                    retrieve=extend_schema(responses=IncidentSerializer))
class IncidentViewSet(ApiViewSet):
    """The incident database (read-only here; post-mortems are written on the pages)."""

    queryset = Incident.objects.none()
    serializer_class = IncidentSerializer

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return self.paginated(selectors.incident_list(organization=self.organization),
                              IncidentSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return Response(IncidentSerializer(
            get_or_404(selectors.incident_list(organization=self.organization), pk=pk)).data)
