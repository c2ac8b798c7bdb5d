"""Showcases and their presentations (and what cites them), tech talks and rotations through the
API, with the pages' services and rules: every member reads and cites, leaders and admins manage."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from knowledge import selectors, services
from knowledge.api import showcase_serializers as s
from knowledge.models import Presentation, Rotation, Showcase, Talk
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.views import ApiViewSet


class _KnowledgeViewSet(ApiViewSet):
    manage_rule = ""
    serializer: Any = None

    def _write(self, service: Any, status_code: int = 200, **kwargs: Any) -> Response:
        obj = service(organization=self.organization, actor=self.request.user, **kwargs)
        return Response(self.serializer(obj).data, status=status_code)


class ShowcaseViewSet(_KnowledgeViewSet):
    """Monthly showcases; `POST …/presentations/` adds a presentation to one."""

    queryset = Showcase.objects.none()
    serializer_class = serializer = s.ShowcaseSerializer

    def _showcase(self, pk: Any) -> Showcase:
        self.check_rule("knowledge.view")
        return get_or_404(selectors.showcase_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return self.paginated(selectors.showcase_list(organization=self.organization), s.ShowcaseSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.ShowcaseSerializer(self._showcase(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.manage_showcases")
        data = self.validated(s.ShowcaseSerializer).validated_data
        return self._write(services.showcase_create, status.HTTP_201_CREATED, **data)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        showcase = self._showcase(pk)
        self.check_rule("knowledge.manage_showcases")
        data = self.validated(s.ShowcaseSerializer, showcase, partial=True).validated_data
        services.showcase_update(organization=self.organization, actor=request.user, showcase=showcase, **data)
        return Response(s.ShowcaseSerializer(self._showcase(pk)).data)

    @extend_schema(request=s.PresentationSerializer, responses={201: s.PresentationSerializer})
    @action(detail=True, methods=["post"])
    def presentations(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        showcase = self._showcase(pk)
        self.check_rule("knowledge.manage_showcases")
        data = self.validated(s.PresentationSerializer).validated_data
        p = services.presentation_create(organization=self.organization, actor=request.user, showcase=showcase,
                                         **data)
        return Response(s.PresentationSerializer(p).data, status=status.HTTP_201_CREATED)


class PresentationViewSet(_KnowledgeViewSet):
    """Presentations given at showcases; `POST …/cite/` records later work they influenced."""

    queryset = Presentation.objects.none()
    serializer_class = serializer = s.PresentationSerializer

    def _presentation(self, pk: Any) -> Presentation:
        self.check_rule("knowledge.view")
        return get_or_404(selectors.presentation_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return self.paginated(selectors.presentation_list(organization=self.organization), s.PresentationSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.PresentationSerializer(self._presentation(pk)).data)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        p = self._presentation(pk)
        self.check_rule("knowledge.manage_showcases")
        data = self.validated(s.PresentationSerializer, p, partial=True).validated_data
        return self._write(services.presentation_update, presentation=p, **data)

    @extend_schema(request=s.CitationSerializer, responses={201: s.CitationSerializer})
    @action(detail=True, methods=["post"])
    def cite(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        p = self._presentation(pk)
        self.check_rule("knowledge.cite_presentation")
        data = self.validated(s.CitationSerializer).validated_data
        c = services.presentation_cite(organization=self.organization, actor=request.user, presentation=p, **data)
        return Response(s.CitationSerializer(c).data, status=status.HTTP_201_CREATED)


class TalkViewSet(_KnowledgeViewSet):
    """The archive of tech talks and paper reviews."""

    queryset = Talk.objects.none()
    serializer_class = serializer = s.TalkSerializer

    def _talk(self, pk: Any) -> Talk:
        self.check_rule("knowledge.view")
        return get_or_404(selectors.talk_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return self.paginated(selectors.talk_list(organization=self.organization), s.TalkSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.TalkSerializer(self._talk(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.manage_talks")
        data = self.validated(s.TalkSerializer).validated_data
        return self._write(services.talk_create, status.HTTP_201_CREATED, **data)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        talk = self._talk(pk)
        self.check_rule("knowledge.manage_talks")
        data = self.validated(s.TalkSerializer, talk, partial=True).validated_data
        return self._write(services.talk_update, talk=talk, **data)


class RotationViewSet(_KnowledgeViewSet):
    """People spending a period in another pod (each ends with a lesson)."""

    queryset = Rotation.objects.none()
    serializer_class = serializer = s.RotationSerializer

    def _rotation(self, pk: Any) -> Rotation:
        self.check_rule("knowledge.view")
        return get_or_404(selectors.rotation_get, organization=self.organization, pk=pk)

    def list(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.view")
        return self.paginated(selectors.rotation_list(organization=self.organization), s.RotationSerializer)

    def retrieve(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        return Response(s.RotationSerializer(self._rotation(pk)).data)

    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.manage_rotations")
        data = self.validated(s.RotationSerializer).validated_data
        return self._write(services.rotation_create, status.HTTP_201_CREATED, **data)

    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        rotation = self._rotation(pk)
        self.check_rule("knowledge.manage_rotations")
        data = self.validated(s.RotationSerializer, rotation, partial=True).validated_data
        return self._write(services.rotation_update, rotation=rotation, **data)
