"""Shapes for the bench API. Related ids are scoped to the request's organization."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bench.models import (
    MAX_WEEK_HOURS,
    BenchEntry,
    BenchRun,
    BenchStatus,
    Priority,
    RequestSkill,
    RequestStatus,
    ScalingSuggestion,
    StaffingRequest,
    SuggestionKind,
    SuggestionStatus,
)
from pods.models import Pod, PodRole
from pods.selectors import pod_list, pod_roles
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.models import Person, Skill
from tenancy.selectors import person_choices, skill_choices


def _pods(org: Any) -> Any:
    return pod_list(organization=org)


def _roles(org: Any) -> Any:
    return pod_roles(organization=org)


def _people(org: Any) -> Any:
    return person_choices(organization=org)


def _skills(org: Any) -> Any:
    return skill_choices(organization=org)


# --- Bench entries -----------------------------------------------------------------------------------


class BenchEntrySerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = BenchEntry
        fields = ("id", "person", "person_name", "available_from", "available_to", "hours_per_week",
                  "utilisation_cap", "rate_per_hour", "status", "notes", "created_at", "updated_at")
        read_only_fields = fields


class BenchEntryWriteSerializer(serializers.Serializer):
    available_from = serializers.DateField()
    available_to = serializers.DateField(required=False, allow_null=True)
    hours_per_week = serializers.IntegerField(min_value=1, max_value=MAX_WEEK_HOURS)
    utilisation_cap = serializers.IntegerField(min_value=1, max_value=100, required=False,
                                               help_text="Percent of the offered hours; 100 by default.")
    rate_per_hour = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False)
    status = serializers.ChoiceField(choices=BenchStatus.choices, required=False)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("available_from", getattr(self.instance, "available_from", None))
        end = attrs.get("available_to", getattr(self.instance, "available_to", None))
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"available_to": "Available to cannot be before available from."})
        return attrs


class BenchEntryCreateSerializer(BenchEntryWriteSerializer):
    person = OrgScopedPrimaryKeyField(scope=_people, model=Person, help_text="Person id (active people).")


# --- Staffing requests ---------------------------------------------------------------------------------


class RequestSkillSerializer(serializers.Serializer):
    skill = OrgScopedPrimaryKeyField(scope=_skills, model=Skill, help_text="Skill id.")
    min_level = serializers.IntegerField(min_value=1, max_value=5)


class RequestSkillReadSerializer(serializers.ModelSerializer):
    skill = serializers.IntegerField(source="skill_id", read_only=True)
    skill_name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = RequestSkill
        fields = ("skill", "skill_name", "min_level")
        read_only_fields = fields


class StaffingRequestSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id", read_only=True)
    pod_name = serializers.CharField(source="pod.name", read_only=True)
    role = serializers.IntegerField(source="role_id", read_only=True)
    skills = RequestSkillReadSerializer(many=True, read_only=True)
    assignment = serializers.IntegerField(source="assignment_id", read_only=True, allow_null=True)

    class Meta:
        model = StaffingRequest
        fields = ("id", "pod", "pod_name", "role", "title", "skills", "hours_per_week", "allocation_percent",
                  "start_date", "end_date", "priority", "justification", "status", "assignment",
                  "created_at", "filled_at")
        read_only_fields = fields


class StaffingRequestCreateSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    role = OrgScopedPrimaryKeyField(scope=_roles, model=PodRole, help_text="The pod role they will play.")
    title = serializers.CharField(max_length=120)
    skills = RequestSkillSerializer(many=True, allow_empty=False)
    hours_per_week = serializers.IntegerField(min_value=1, max_value=MAX_WEEK_HOURS, required=False,
                                              allow_null=True)
    allocation_percent = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(help_text="The first day the person is no longer needed.")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    justification = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    draft = serializers.BooleanField(required=False, help_text="File as a draft, not matched until submitted.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end_date"] <= attrs["start_date"]:
            raise serializers.ValidationError({"end_date": "The end date must be after the start date."})
        attrs["skills"] = [(s["skill"], s["min_level"]) for s in attrs["skills"]]
        return attrs


class RequestFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=[("active", "active"), *RequestStatus.choices], required=False,
                                     allow_blank=True, help_text="active: draft, open or proposed.")
    pod = serializers.IntegerField(required=False, min_value=1, help_text="Pod id.")


# --- Suggestions -----------------------------------------------------------------------------------------


class SuggestionSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True, allow_null=True)
    request = serializers.IntegerField(source="request_id", read_only=True, allow_null=True)
    other_request = serializers.IntegerField(source="other_request_id", read_only=True, allow_null=True)
    assignment = serializers.IntegerField(source="assignment_id", read_only=True, allow_null=True)
    skill = serializers.IntegerField(source="skill_id", read_only=True, allow_null=True,
                                     help_text="With pod and kind, the suggestion's key: one open per pod, kind "
                                     "and skill (an add's is its request's first skill; null for kinds about no "
                                     "skill).")
    skill_name = serializers.CharField(source="skill.name", read_only=True, allow_null=True, default=None)
    rationale = serializers.ListField(child=serializers.CharField(), read_only=True)
    inputs = serializers.DictField(read_only=True)
    changes = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = ScalingSuggestion
        fields = ("id", "kind", "status", "pod", "skill", "skill_name", "person", "request", "other_request",
                  "assignment", "score",
                  "summary", "rationale", "inputs", "inputs_hash", "changes", "manual", "computed_at",
                  "decided_at", "dismiss_reason")
        read_only_fields = fields


class BenchRunSerializer(serializers.ModelSerializer):
    """One recompute of the organization's suggestions: what it weighed and what it changed."""

    unmatched = serializers.ListField(child=serializers.DictField(), read_only=True,
                                      help_text="Open requests nobody could take, with the skills they need.")

    class Meta:
        model = BenchRun
        fields = ("id", "finished_at", "seconds", "requests", "candidates", "created", "withdrawn", "objective",
                  "greedy_objective", "unmatched")
        read_only_fields = fields


class SuggestionFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuggestionKind.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=SuggestionStatus.choices, required=False, allow_blank=True,
                                     help_text="open by default.")
    request = serializers.IntegerField(required=False, min_value=1, help_text="Staffing request id.")
    pod = serializers.IntegerField(required=False, min_value=1, help_text="Pod id.")
    skill = serializers.IntegerField(required=False, min_value=1, help_text="Skill id (the suggestion's key skill).")


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why; the same suggestion from the same "
                                   "inputs is not proposed again.")


class ProposeSerializer(serializers.Serializer):
    person = OrgScopedPrimaryKeyField(scope=_people, model=Person)
