"""Shapes for the tenancy API. Serializers validate shape and scope ids; services do the writing.

Every related id goes through `OrgScopedPrimaryKeyField`, whose choices come from the request's
organization, so an id of another tenant is a 400 on that field ("not found in this
organization"), never a write and never a hint that the object exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

from tenancy.models import Membership, Organization, Person, PersonKind, PersonSkill, Skill, User
from tenancy.selectors import member_user_list, skill_list

NOT_FOUND = "Not found in this organization."


class OrgScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField[Any]):
    """A primary key looked up only among `scope(organization)`.

    `queryset` is the model's empty queryset: it names the model for the schema and fails closed
    if anything ever used it instead of the scoped one.
    """

    default_error_messages: ClassVar[dict[str, StrOrPromise]] = {
        "required": "This field is required.",
        "does_not_exist": NOT_FOUND,
        "incorrect_type": "Expected an id (a whole number), got {data_type}.",
    }

    def __init__(self, *, scope: Callable[[Organization], QuerySet[Any]], model: Any,
                 **kwargs: Any) -> None:
        self.scope = scope
        self.empty: QuerySet[Any] = model._default_manager.none()
        kwargs.setdefault("queryset", self.empty)
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        organization = self.context.get("organization")
        if organization is None:
            return self.empty  # no organization, no choices
        return self.scope(organization)


def choice_field(serializer: serializers.Serializer[Any], name: str) -> serializers.ChoiceField:
    """`serializer.fields[name]`, which the stubs type as a plain Field, as the choice field it is
    (for choices known only at run time, e.g. registered search kinds)."""
    field = serializer.fields[name]
    if isinstance(field, serializers.ListField):
        field = field.child
    if not isinstance(field, serializers.ChoiceField):
        raise TypeError(f"{type(serializer).__name__}.{name} is not a choice field")
    return field


def related_field(serializer: serializers.Serializer[Any], name: str) -> serializers.RelatedField[Any, Any, Any]:
    """`serializer.fields[name]` as the related field it is, to scope its queryset."""
    field = serializer.fields[name]
    if not isinstance(field, serializers.RelatedField):
        raise TypeError(f"{type(serializer).__name__}.{name} is not a related field")
    return field


def org_members(organization: Organization) -> QuerySet[User]:
    """Users who belong to the organization (for linking a directory entry to a login)."""
    return member_user_list(organization=organization)


# --- Organization and members ------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = (
            "id",
            "name",
            "slug",
            "created_at",
            "pod_size_min",
            "pod_size_max",
            "protected_time_threshold",
            "protected_share_target",
            "charter_review_days",
            "quarter_start_month",
            "default_sla_hours",
        )
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user_id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "user_id", "email", "full_name", "role", "created_at")
        read_only_fields = fields


# --- Skills ----------------------------------------------------------------------------------------


class SkillSerializer(serializers.ModelSerializer[Skill]):
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                        default="")
    holder_count = serializers.IntegerField(read_only=True, default=0,
                                            help_text="People in the directory with this skill.")

    class Meta:
        model = Skill
        fields = ("id", "name", "description", "holder_count")
        read_only_fields = ("id",)


# --- People ----------------------------------------------------------------------------------------


class PersonSkillSerializer(serializers.ModelSerializer[PersonSkill]):
    """One skill of a person, read."""

    skill = serializers.IntegerField(source="skill_id", read_only=True)
    name = serializers.CharField(source="skill.name", read_only=True)
    level = serializers.IntegerField(read_only=True, min_value=1, max_value=5,
                                     help_text="1 aware · 2 working · 3 practitioner · 4 advanced · 5 expert.")

    class Meta:
        model = PersonSkill
        fields = ("skill", "name", "level")
        read_only_fields = fields


class PersonSkillInputSerializer(serializers.Serializer[Any]):
    """One skill of a person, written: a skill id of this organization and a level 1–5."""

    skill = OrgScopedPrimaryKeyField(scope=lambda org: skill_list(organization=org), model=Skill)
    level = serializers.IntegerField(min_value=1, max_value=5, help_text="From 1 (aware) to 5 (expert).")


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A directory entry as read: with its skills and the sum of its running allocations."""

    user = serializers.IntegerField(source="user_id", read_only=True, allow_null=True)
    # A directory entry need not have an address: "" is a valid value, so not `format: email`.
    email = serializers.CharField(read_only=True, help_text="An email address, or empty when unknown.")
    skills = PersonSkillSerializer(many=True, read_only=True)
    total_allocation = serializers.IntegerField(
        read_only=True, help_text="Sum of the allocation % of the person's running assignments."
    )

    class Meta:
        model = Person
        fields = (
            "id",
            "full_name",
            "email",
            "title",
            "kind",
            "weekly_capacity_hours",
            "user",
            "is_active",
            "skills",
            "total_allocation",
            "created_at",
        )
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer[Any]):
    """Create or change a directory entry. `skills`, when sent, replaces the person's skills."""

    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=PersonKind.choices, required=False)
    weekly_capacity_hours = serializers.IntegerField(min_value=0, max_value=80, required=False)
    user = OrgScopedPrimaryKeyField(
        scope=org_members, model=User, required=False, allow_null=True,
        help_text="A login (user id) of a member of this organization, or null.",
    )
    is_active = serializers.BooleanField(required=False,
                                         help_text="Only on update; new people are active.")
    skills = PersonSkillInputSerializer(many=True, required=False)

    def validate_is_active(self, value: bool) -> bool:
        # A form-encoded create without the field reads as false, so only an explicit one errs.
        if self.instance is None and "is_active" in self.initial_data:
            raise serializers.ValidationError("Set only when changing a person.")
        return value

    def validate_skills(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Under PATCH, DRF makes the nested items' fields optional too; an item is whole or wrong.
        missing = [{k: "This field is required." for k in ("skill", "level") if k not in item}
                   for item in value]
        if any(missing):
            raise serializers.ValidationError(missing)
        seen: set[int] = set()
        for item in value:
            if item["skill"].pk in seen:
                raise serializers.ValidationError(f"“{item['skill'].name}” is listed twice.")
            seen.add(item["skill"].pk)
        return value

    def service_kwargs(self) -> dict[str, Any]:
        """The validated data as the keyword arguments `person_create`/`person_update` take."""
        data = dict(self.validated_data)
        if self.instance is None:
            data.pop("is_active", None)
        if "skills" in data:
            data["skills"] = {item["skill"]: item["level"] for item in data["skills"]}
        return data
