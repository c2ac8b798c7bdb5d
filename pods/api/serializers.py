"""Shapes for the pods API. Related ids are scoped to the request's organization."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from pods.models import Assignment, Charter, Pod, PodRole, PodStatus, TeamType
from pods.selectors import HEALTH_CHOICES, HEALTH_REASON_CHOICES, pod_list, pod_people_choices, pod_roles
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.models import Membership, Person, PersonKind
from tenancy.selectors import membership_list

END_BEFORE_START = "The end date cannot be before the start date."


def _pods(org: Any) -> Any:
    return pod_list(organization=org)


def _people(org: Any) -> Any:
    return pod_people_choices(organization=org)


def _roles(org: Any) -> Any:
    return pod_roles(organization=org)


def _memberships(org: Any) -> Any:
    return membership_list(organization=org)


# --- Filters (query parameters) -----------------------------------------------------------------


class PeopleFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, allow_blank=True,
                              help_text="Search in name, email and title.")
    kind = serializers.ChoiceField(choices=PersonKind.choices, required=False, allow_blank=True)
    skill = serializers.IntegerField(required=False, min_value=1,
                                     help_text="Only people with this skill (id).")
    active = serializers.ChoiceField(choices=["true", "false", "all"], required=False,
                                     help_text="Active people only (the default), inactive, or all.")


class PodFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, allow_blank=True,
                              help_text="Search in name and mission.")
    status = serializers.ChoiceField(choices=PodStatus.choices, required=False, allow_blank=True)
    health = serializers.ChoiceField(choices=HEALTH_CHOICES, required=False, allow_blank=True)
    team_type = serializers.ChoiceField(choices=TeamType.choices, required=False, allow_blank=True,
                                        help_text="Team Topologies type of the pod.")


class AssignmentFilter(serializers.Serializer):
    pod = serializers.IntegerField(required=False, min_value=1, help_text="Pod id.")
    person = serializers.IntegerField(required=False, min_value=1, help_text="Person id.")
    # A choice, not a BooleanField: in a query string a missing boolean would read as false.
    active = serializers.ChoiceField(choices=["true", "false"], required=False, allow_blank=True,
                                     help_text="true: running today; false: ended or not started.")


# --- Roles -----------------------------------------------------------------------------------------


class PodRoleSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                        default="")
    is_lead = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = PodRole
        fields = ("id", "key", "name", "description", "is_lead", "sort_order")
        read_only_fields = ("id", "key", "sort_order")


# --- Pods ------------------------------------------------------------------------------------------


class HealthReasonSerializer(serializers.Serializer):
    check = serializers.CharField()
    level = serializers.ChoiceField(choices=HEALTH_REASON_CHOICES, help_text="na: not assessed")
    message = serializers.CharField()


class PodHealthSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=HEALTH_REASON_CHOICES, help_text="na: not assessed yet")
    label = serializers.CharField()
    reasons = HealthReasonSerializer(many=True)


class PodSerializer(serializers.ModelSerializer):
    """A pod as read: the figures its health is derived from, and the health itself."""

    sponsor = serializers.IntegerField(source="sponsor_id", read_only=True, allow_null=True,
                                       help_text="Membership id of the sponsoring leader.")
    sponsor_email = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(read_only=True)
    lead_count = serializers.IntegerField(read_only=True)
    protected_count = serializers.IntegerField(read_only=True)
    charter_version = serializers.IntegerField(read_only=True, allow_null=True)
    charter_review = serializers.DateField(read_only=True, allow_null=True,
                                           help_text="Next review date of the current charter.")
    health = PodHealthSerializer(read_only=True)
    # Declared: a read-only model field drops `allow_blank`, so the schema would leave out "".
    team_type = serializers.ChoiceField(choices=[("", "Not declared"), *TeamType.choices], read_only=True,
                                        help_text="Team Topologies type; empty: not declared.")

    class Meta:
        model = Pod
        fields = (
            "id",
            "name",
            "mission",
            "status",
            "sponsor",
            "sponsor_email",
            "member_count",
            "lead_count",
            "protected_count",
            "charter_version",
            "charter_review",
            "health",
            "team_type",
            "contact",
            "services_offered",
            "working_hours",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_sponsor_email(self, pod: Pod) -> str | None:
        return pod.sponsor.user.email if pod.sponsor is not None else None


class PodWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    mission = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=PodStatus.choices, required=False)
    sponsor = OrgScopedPrimaryKeyField(
        scope=_memberships, model=Membership, required=False, allow_null=True,
        help_text="Membership id of a leader (owner, admin or leader) who backs the pod.",
    )
    # The Team API fields.
    team_type = serializers.ChoiceField(choices=TeamType.choices, required=False, allow_blank=True,
                                        help_text="Team Topologies type; empty: not declared.")
    contact = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                    help_text="How to reach the pod.")
    services_offered = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    working_hours = serializers.CharField(max_length=120, required=False, allow_blank=True)


class PodCreateSerializer(PodWriteSerializer):
    lead = OrgScopedPrimaryKeyField(
        scope=_people, model=Person, required=False, allow_null=True,
        help_text="Person id; assigned as pod lead at 100% from today.",
    )


# --- Assignments ---------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id", read_only=True)
    pod_name = serializers.CharField(source="pod.name", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    role = serializers.IntegerField(source="role_id", read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)
    is_lead = serializers.BooleanField(source="role.is_lead", read_only=True)

    class Meta:
        model = Assignment
        fields = (
            "id",
            "pod",
            "pod_name",
            "person",
            "person_name",
            "role",
            "role_name",
            "is_lead",
            "allocation_percent",
            "start_date",
            "end_date",
            "created_at",
        )
        read_only_fields = fields


class AssignmentUpdateSerializer(serializers.Serializer):
    role = OrgScopedPrimaryKeyField(scope=_roles, model=PodRole)
    allocation_percent = serializers.IntegerField(
        min_value=1, max_value=100, help_text="Protected time, 1–100 %."
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True,
                                     help_text="Empty for an open-ended assignment.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance
        start = attrs.get("start_date", getattr(current, "start_date", None))
        end = attrs.get("end_date", getattr(current, "end_date", None))
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"end_date": END_BEFORE_START})
        return attrs


class AssignmentCreateSerializer(AssignmentUpdateSerializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    person = OrgScopedPrimaryKeyField(scope=_people, model=Person,
                                      help_text="Person id (active people only).")


class AssignmentEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, allow_null=True,
                                     help_text="Last day; today when omitted.")

    def validate_end_date(self, value: Any) -> Any:
        if value is not None and self.instance is not None and value < self.instance.start_date:
            raise serializers.ValidationError(END_BEFORE_START)
        return value


# --- Charters ------------------------------------------------------------------------------------


class CharterSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id", read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_email = serializers.SerializerMethodField()

    class Meta:
        model = Charter
        fields = (
            "id",
            "pod",
            "version",
            *Charter.TEXT_FIELDS,
            "next_review_date",
            "change_note",
            "author",
            "author_email",
            "created_at",
        )
        read_only_fields = fields

    def get_author_email(self, charter: Charter) -> str | None:
        return charter.author.email if charter.author is not None else None


class CharterWriteSerializer(serializers.Serializer):
    """The full text of the next version; fields left out are empty in it."""

    mission = serializers.CharField(max_length=4000)
    scope_in = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    scope_out = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    needed_skills = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    decision_rights_notes = serializers.CharField(max_length=4000, required=False,
                                                  allow_blank=True)
    escalation_path = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    working_agreements = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    next_review_date = serializers.DateField(
        required=False, allow_null=True,
        help_text="Empty: the organization's review interval from today.",
    )
    change_note = serializers.CharField(max_length=200, required=False, allow_blank=True)
