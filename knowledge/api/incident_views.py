"""Incidents with their post-mortems and action items through the API: report and correct an
incident, write and publish its post-mortem, add action items and set their status, turn a
published post-mortem into a lesson. The pages' services and rules (knowledge/permissions.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from knowledge import selectors, services
from knowledge.api import views
from knowledge.api.serializers import IncidentSerializer, LessonDetailSerializer
from knowledge.models import ActionItem, ActionStatus, Guild, Incident, IncidentStatus, PostMortem, Severity
from pods.models import Pod
from pods.selectors import pod_list
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.models import User
from tenancy.selectors import member_user_list


class IncidentWriteSerializer(serializers.ModelSerializer):
    pod = OrgScopedPrimaryKeyField(scope=lambda org: pod_list(organization=org), model=Pod, required=False,
                                   allow_null=True)
    severity = serializers.ChoiceField(choices=Severity.choices, default="sev3")
    status = serializers.ChoiceField(choices=IncidentStatus.choices, default="open")
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = Incident
        fields = ("title", "pod", "system", "severity", "status", "started_at", "detected_at", "resolved_at",
                  "impact", "tags")


class PostMortemSerializer(serializers.ModelSerializer):
    publish = serializers.BooleanField(required=False, default=False, write_only=True,
                                       help_text="Make it searchable (a published post-mortem stays published).")
    timeline = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), required=False,
                                     help_text='[{"at": "2026-01-02T10:00", "entry": "Alert fired"}, …]')

    class Meta:
        model = PostMortem
        fields = ("summary", "timeline", "contributing_factors", "root_cause", "went_well", "is_published",
                  "published_at", "publish")
        read_only_fields = ("is_published", "published_at")


class ActionItemSerializer(serializers.ModelSerializer):
    owner = OrgScopedPrimaryKeyField(scope=lambda org: member_user_list(organization=org), model=User,
                                     required=False, allow_null=True, help_text="A member's user id.")
    status = serializers.ChoiceField(choices=ActionStatus.choices, read_only=True)

    class Meta:
        model = ActionItem
        fields = ("id", "title", "owner", "due_date", "status")


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)


class ToLessonSerializer(serializers.Serializer):
    guild = OrgScopedPrimaryKeyField(scope=lambda org: selectors.guild_choices(organization=org), model=Guild)
    publish = serializers.BooleanField(required=False, default=False)


class IncidentViewSet(views.IncidentViewSet):
    """The incident database: report, correct, post-mortem, action items, lesson."""

    def _incident(self, pk: Any, rule: str = "knowledge.change_incident") -> Incident:
        self.check_rule("knowledge.view")
        incident = get_or_404(selectors.incident_get, organization=self.organization, pk=pk)
        self.check_rule(rule, incident)
        return incident

    def _postmortem(self, incident: Incident) -> PostMortem:
        pm = selectors.postmortem_for(organization=self.organization, incident=incident)
        if pm is None:
            raise serializers.ValidationError({"postmortem": "Write the post-mortem first."})
        return pm

    def _out(self, incident: Incident, code: int = 200) -> Response:
        row = get_or_404(selectors.incident_list(organization=self.organization), pk=incident.pk)
        return Response(IncidentSerializer(row).data, status=code)

    @extend_schema(request=IncidentWriteSerializer, responses={201: IncidentSerializer})
    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.report_incident")
        data = self.validated(IncidentWriteSerializer).validated_data
        incident = services.incident_create(organization=self.organization, actor=request.user, **data)
        return self._out(incident, status.HTTP_201_CREATED)

    @extend_schema(request=IncidentWriteSerializer, responses=IncidentSerializer)
    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        incident = self._incident(pk)
        data = self.validated(IncidentWriteSerializer, incident, partial=True).validated_data
        services.incident_update(organization=self.organization, actor=request.user, incident=incident, **data)
        return self._out(incident)

    @extend_schema(request=PostMortemSerializer, responses=PostMortemSerializer)
    @action(detail=True, methods=["get", "put"])
    def postmortem(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Read, or write (creating it the first time) the incident's post-mortem."""
        if request.method == "GET":
            incident = self._incident(pk, "knowledge.view")
            return Response(PostMortemSerializer(self._postmortem(incident)).data)
        incident = self._incident(pk)
        data = self.validated(PostMortemSerializer).validated_data
        pm = services.postmortem_save(organization=self.organization, actor=request.user, incident=incident, **data)
        return Response(PostMortemSerializer(pm).data)

    @extend_schema(request=ActionItemSerializer, responses={201: ActionItemSerializer})
    @action(detail=True, methods=["post"])
    def actions(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        incident = self._incident(pk)
        data = self.validated(ActionItemSerializer).validated_data
        item = services.action_item_create(organization=self.organization, actor=request.user,
                                           postmortem=self._postmortem(incident), **data)
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionStatusSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["patch"], url_path="actions/<int:item_pk>")
    def action_status(self, request: OrgAPIRequest, pk: Any = None, item_pk: Any = None, **kwargs: Any) -> Response:
        incident = self._incident(pk, "knowledge.view")
        item = get_or_404(selectors.action_item_get, organization=self.organization, incident=incident, pk=item_pk)
        self.check_rule("knowledge.update_action", item)
        new = self.validated(ActionStatusSerializer).validated_data["status"]
        item = services.action_item_set_status(organization=self.organization, actor=request.user, item=item,
                                               status=new)
        return Response(ActionItemSerializer(item).data)

    @extend_schema(request=ToLessonSerializer, responses={201: LessonDetailSerializer})
    @action(detail=True, methods=["post"])
    def lesson(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Turn the published post-mortem into a failure lesson in a guild (a draft by default)."""
        incident = self._incident(pk)
        data = self.validated(ToLessonSerializer).validated_data
        self.check_rule("knowledge.post_lesson", data["guild"])
        lesson = services.postmortem_to_lesson(organization=self.organization, actor=request.user,
                                               postmortem=self._postmortem(incident), **data)
        return Response(LessonDetailSerializer(lesson).data, status=status.HTTP_201_CREATED)
