"""Shapes for the knowledge API. Related ids are scoped to the request's organization."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from knowledge import selectors
from knowledge.models import Guild, Incident, Lesson, LessonKind, LessonStatus, Presentation
from knowledge.search import MAX_PAGE, search_kinds
from pods.models import Pod
from tenancy.api.serializers import OrgScopedPrimaryKeyField, choice_field


class GuildSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    lesson_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Guild
        fields = ("id", "name", "topic", "description", "member_count", "lesson_count", "created_at")


def _choice(value: str, choices: Any) -> str:
    allowed = [c[0] for c in choices]
    if value and value not in allowed:
        raise serializers.ValidationError(f"Choose one of: {', '.join(allowed)}.")
    return value


# Choice fields are plain strings in the schema (choices in help text): their enum names would
# collide with other apps' `kind` and `status` enums.
class LessonSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=LessonKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=LessonStatus.choices, read_only=True)
    guild: serializers.PrimaryKeyRelatedField[Guild] = serializers.PrimaryKeyRelatedField(read_only=True)
    guild_name = serializers.CharField(source="guild.name", read_only=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields: tuple[str, ...] = ("id", "guild", "guild_name", "title", "kind", "status", "tags", "author", "pod",
                  "incident", "presentation", "helpful_count", "comment_count", "version",
                  "published_at", "updated_at")

    def get_author(self, obj: Lesson) -> str | None:
        return obj.author.email if obj.author else None


class LessonDetailSerializer(LessonSerializer):
    class Meta(LessonSerializer.Meta):
        fields = (*LessonSerializer.Meta.fields, "body", "body_html")


def _guilds(org: Any) -> Any:
    return selectors.guild_choices(organization=org)


def _pods(org: Any) -> Any:
    from pods.selectors import pod_list

    return pod_list(organization=org)


def _incidents(org: Any) -> Any:
    return selectors.incident_choices(organization=org)


def _presentations(org: Any) -> Any:
    from knowledge.selectors import presentation_list

    return presentation_list(organization=org)


class LessonWriteSerializer(serializers.Serializer):
    guild = OrgScopedPrimaryKeyField(scope=_guilds, model=Guild)
    title = serializers.CharField(max_length=200)
    kind = serializers.CharField(default=LessonKind.HOWTO, help_text="success, failure or howto")
    body = serializers.CharField(max_length=40000)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                 max_length=10, default=list)
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, required=False, allow_null=True)
    incident = OrgScopedPrimaryKeyField(scope=_incidents, model=Incident, required=False, allow_null=True)
    presentation = OrgScopedPrimaryKeyField(scope=_presentations, model=Presentation, required=False, allow_null=True)
    publish = serializers.BooleanField(default=True, help_text="false saves a draft.")

    def validate_kind(self, value: str) -> str:
        return _choice(value, LessonKind.choices)


class LessonUpdateSerializer(LessonWriteSerializer):
    """PATCH: any of the fields, the guild stays. Validated partially, so nothing is required
    and no default applies; a text change keeps the old text as a revision."""

    guild = None  # DRF's way to drop an inherited field: PATCH keeps the guild
    kind = serializers.CharField(required=False, help_text="success, failure or howto")
    publish = serializers.BooleanField(required=False, help_text="true publishes a draft.")


class LessonFilter(serializers.Serializer):
    guild = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=LessonKind.choices, required=False, allow_blank=True)
    tag = serializers.CharField(required=False, max_length=40, allow_blank=True)
    pod = serializers.IntegerField(required=False, min_value=1)

    def validate_kind(self, value: str) -> str:
        return _choice(value, LessonKind.choices)


class SearchFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, allow_blank=True,
                              help_text="Web-search syntax: quotes, or, -exclusion.")
    # Choices are set per instance: other apps register their search kinds at start-up.
    kind = serializers.ChoiceField(choices=[], required=False, allow_blank=True)
    guild = serializers.IntegerField(required=False, min_value=1)
    pod = serializers.IntegerField(required=False, min_value=1)
    tag = serializers.CharField(required=False, max_length=40, allow_blank=True)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def validate_kind(self, value: str) -> str:
        return _choice(value, list(search_kinds().items()))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = list(search_kinds().items())


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    kind_label = serializers.CharField()
    title_html = serializers.CharField(help_text="Escaped title; matches wrapped in <mark>.")
    snippet_html = serializers.CharField(help_text="Escaped snippet; matches wrapped in <mark>.")
    url = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    rank = serializers.FloatField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = list(search_kinds().items())


class SearchResultSerializer(serializers.Serializer):
    q = serializers.CharField()
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    fuzzy = serializers.BooleanField(help_text="true when `q` found nothing and the results are "
                                     "for `corrected` instead.")
    corrected = serializers.CharField(help_text="The query with its unknown words replaced by "
                                      "the closest known words (\"did you mean\"); empty when "
                                      "`q` itself matched.")
    results = SearchHitSerializer(many=True, source="hits")


class IncidentSerializer(serializers.ModelSerializer):
    severity = serializers.CharField(read_only=True, help_text="sev1 (critical) … sev4 (low)")
    status = serializers.CharField(read_only=True, help_text="open, mitigated or resolved")
    has_postmortem = serializers.SerializerMethodField()
    overdue_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Incident
        fields = ("id", "title", "pod", "system", "severity", "status", "started_at",
                  "detected_at", "resolved_at", "impact", "tags", "has_postmortem",
                  "overdue_count")

    def get_has_postmortem(self, obj: Incident) -> bool:
        return hasattr(obj, "postmortem")
