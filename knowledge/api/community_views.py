"""Guilds and lesson feedback through the API: create and edit guilds, join, leave, name
stewards; vote a lesson helpful, comment, and moderate comments. The pages' services and rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from knowledge import selectors, services
from knowledge.api import views
from knowledge.api.serializers import GuildSerializer
from knowledge.models import Guild, LessonComment
from tenancy.access import get_or_404
from tenancy.api.base import OrgAPIRequest
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.models import User
from tenancy.selectors import member_user_list


class GuildWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class StewardSerializer(serializers.Serializer[Any]):
    user = OrgScopedPrimaryKeyField(scope=lambda org: member_user_list(organization=org), model=User)
    is_steward = serializers.BooleanField()


class CommentSerializer(serializers.ModelSerializer[LessonComment]):
    parent_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="The comment replied to.")

    class Meta:
        model = LessonComment
        fields = ("id", "body", "parent_id", "created_at")
        read_only_fields = ("id", "body", "created_at")


class CommentInSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=4000)
    reply_to = serializers.IntegerField(required=False, allow_null=True, help_text="The comment replied to.")


class GuildViewSet(views.GuildViewSet):
    """Guilds: leaders and admins create them; stewards edit them and name other stewards."""

    def _guild(self, pk: Any) -> Guild:
        self.check_rule("knowledge.view")
        return get_or_404(selectors.guild_get, organization=self.organization, pk=pk)

    def _out(self, guild: Guild, code: int = 200) -> Response:
        row = get_or_404(selectors.guild_list(organization=self.organization), pk=guild.pk)
        return Response(GuildSerializer(row).data, status=code)

    @extend_schema(request=GuildWriteSerializer, responses={201: GuildSerializer})
    def create(self, request: OrgAPIRequest, **kwargs: Any) -> Response:
        self.check_rule("knowledge.create_guild")
        data = self.validated(GuildWriteSerializer).validated_data
        return self._out(services.guild_create(organization=self.organization, actor=request.user, **data), 201)

    @extend_schema(request=GuildWriteSerializer, responses=GuildSerializer)
    def partial_update(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        guild = self._guild(pk)
        self.check_rule("knowledge.change_guild", guild)
        data = self.validated(GuildWriteSerializer, partial=True).validated_data
        return self._out(services.guild_update(organization=self.organization, actor=request.user, guild=guild,
                                               **data))

    @extend_schema(request=None, responses=GuildSerializer)
    @action(detail=True, methods=["post"])
    def join(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        guild = self._guild(pk)
        self.check_rule("knowledge.join_guild", guild)
        services.guild_join(organization=self.organization, actor=request.user, guild=guild)
        return self._out(guild)

    @extend_schema(request=None, responses=GuildSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        guild = self._guild(pk)
        services.guild_leave(organization=self.organization, actor=request.user, guild=guild)
        return self._out(guild)

    @extend_schema(request=StewardSerializer, responses=GuildSerializer)
    @action(detail=True, methods=["post"])
    def stewards(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        guild = self._guild(pk)
        self.check_rule("knowledge.change_guild", guild)
        data = self.validated(StewardSerializer).validated_data
        services.guild_set_steward(organization=self.organization, actor=request.user, guild=guild, **data)
        return self._out(guild)


class LessonViewSet(views.LessonViewSet):
    """Lessons, with helpful votes and comments."""

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def vote(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        """Mark the lesson helpful, or take the vote back."""
        lesson = self._lesson(pk)
        self.check_rule("knowledge.vote_lesson", lesson)
        voted = services.lesson_vote_toggle(organization=self.organization, actor=request.user, lesson=lesson)
        return Response({"voted": voted})

    @extend_schema(request=CommentInSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request: OrgAPIRequest, pk: Any = None, **kwargs: Any) -> Response:
        lesson = self._lesson(pk)
        self.check_rule("knowledge.comment_lesson", lesson)
        data = self.validated(CommentInSerializer).validated_data
        parent = (get_or_404(selectors.lesson_comment_get, organization=self.organization, lesson=lesson,
                             pk=data["reply_to"]) if data.get("reply_to") else None)
        comment = services.lesson_comment_create(organization=self.organization, actor=request.user, lesson=lesson,
                                                 body=data["body"], parent=parent)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CommentSerializer)
    @action(detail=True, methods=["post"], url_path="comments/<int:comment_pk>/remove")
    def comment_remove(self, request: OrgAPIRequest, pk: Any = None, comment_pk: Any = None,
                       **kwargs: Any) -> Response:
        lesson = self._lesson(pk)
        comment = get_or_404(selectors.lesson_comment_get, organization=self.organization, lesson=lesson,
                             pk=comment_pk)
        self.check_rule("knowledge.remove_comment", comment)
        comment = services.lesson_comment_remove(organization=self.organization, actor=request.user,
                                                 comment=comment)
        return Response(CommentSerializer(comment).data)
