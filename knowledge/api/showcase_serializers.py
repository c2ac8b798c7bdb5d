"""Shapes for showcases, presentations (and citations), talks and rotations in the API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from knowledge import selectors
from knowledge.models import Citation, Presentation, Rotation, Showcase, Talk
from pods.models import Pod
from pods.selectors import pod_list
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.models import Person
from tenancy.selectors import person_list


def _pod_field(**kw: Any) -> OrgScopedPrimaryKeyField:
    return OrgScopedPrimaryKeyField(scope=lambda org: pod_list(organization=org), model=Pod, **kw)


class ShowcaseSerializer(serializers.ModelSerializer):
    presentation_count = serializers.IntegerField(read_only=True, default=0)
    citation_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Showcase
        fields = ["id", "title", "date", "recording_url", "presentation_count", "citation_count"]
        read_only_fields = ["id"]


class PresentationSerializer(serializers.ModelSerializer):
    pod = _pod_field(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=["success", "failure"], default="success")

    class Meta:
        model = Presentation
        fields = ["id", "showcase", "title", "kind", "pod", "summary", "slides_url"]
        read_only_fields = ["id", "showcase"]


class CitationSerializer(serializers.ModelSerializer):
    pod = _pod_field(required=False, allow_null=True, help_text="The pod whose work it influenced.")

    class Meta:
        model = Citation
        fields = ["id", "presentation", "pod", "note", "created_at"]
        read_only_fields = ["id", "presentation", "created_at"]


class TalkSerializer(serializers.ModelSerializer):
    guild = OrgScopedPrimaryKeyField(scope=lambda org: selectors.guild_choices(organization=org),
                                     model=Talk.guild.field.related_model, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=["talk", "paper"], default="talk")
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = Talk
        fields = ["id", "title", "kind", "speaker", "date", "guild", "summary", "recording_url", "paper_url", "tags"]
        read_only_fields = ["id"]


class RotationSerializer(serializers.ModelSerializer):
    person = OrgScopedPrimaryKeyField(scope=lambda org: person_list(organization=org), model=Person)
    home_pod = _pod_field(required=False, allow_null=True)
    host_pod = _pod_field()

    class Meta:
        model = Rotation
        fields = ["id", "person", "home_pod", "host_pod", "start_date", "end_date", "goals", "lesson"]
        read_only_fields = ["id", "lesson"]
