"""Shapes for the strategy API. Related ids are looked up in the request's organization;
progress and status are derived (read-only)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from pods.models import Pod
from pods.selectors import pod_list
from strategy.models import Cadence, CheckIn, Confidence, Direction, Measurement, Outcome, Theme, ThemeStatus
from strategy.progress import STATUS_CHOICES
from strategy.quarters import quarter_from_key
from tenancy.api.serializers import OrgScopedPrimaryKeyField
from tenancy.models import Membership
from tenancy.selectors import membership_list

STATUS_HELP = "on_track, behind, at_risk or stale (a stale outcome is never on_track)"


def _pods(org: Any) -> Any:
    return pod_list(organization=org)


def _themes(org: Any) -> Any:
    from strategy.selectors import theme_list

    return theme_list(organization=org)


def _members(org: Any) -> Any:
    return membership_list(organization=org)


class QuarterField(serializers.CharField):
    """A quarter by its first month, `YYYY-MM` (any month of the quarter is accepted)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The quarter, as YYYY-MM of any of its months (e.g. 2026-04).")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        text = super().to_internal_value(data)
        organization = self.context.get("organization")
        try:
            if len(text) != 7 or text[4] != "-":
                raise ValueError
            return quarter_from_key(text, organization.quarter_start_month if organization else 1)
        except ValueError:
            raise serializers.ValidationError("Give the quarter as YYYY-MM, e.g. 2026-04.") from None


class ThemeFilter(serializers.Serializer):
    quarter = QuarterField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ThemeStatus.choices, required=False, allow_blank=True)


class StatusCountsSerializer(serializers.Serializer):
    on_track = serializers.IntegerField()
    behind = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    stale = serializers.IntegerField()


class ThemeSerializer(serializers.ModelSerializer):
    quarter = serializers.SerializerMethodField()
    owner = serializers.IntegerField(source="owner_id")
    owner_email = serializers.EmailField(source="owner.user.email")
    status = serializers.ChoiceField(choices=ThemeStatus.choices, read_only=True)
    progress = serializers.FloatField(read_only=True, allow_null=True,
                                      help_text="Weighted mean of its outcomes' progress (1.0 = 100%).")
    status_counts = StatusCountsSerializer(read_only=True)
    outcomes = serializers.IntegerField(source="outcome_count", read_only=True)
    carried_from = serializers.IntegerField(source="carried_from_id", allow_null=True, read_only=True)

    class Meta:
        model = Theme
        fields = ("id", "quarter", "title", "description", "owner", "owner_email", "status", "progress",
                  "final_score", "closing_note", "carried_from", "outcomes", "status_counts", "created_at")

    def get_quarter(self, obj: Theme) -> str:
        return obj.quarter_start.strftime("%Y-%m")


class ThemeCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    quarter = QuarterField()
    owner = OrgScopedPrimaryKeyField(scope=_members, model=Membership, required=False,
                                     help_text="A leader's membership id; default: you.")


class ThemeUpdateSerializer(serializers.Serializer):
    """Title, description and owner; the quarter and status change by closing or carrying over."""

    title = serializers.CharField(max_length=160, required=False)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    owner = OrgScopedPrimaryKeyField(scope=_members, model=Membership, required=False,
                                     help_text="A leader's membership id.")


class ThemeCloseSerializer(serializers.Serializer):
    final_score = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=10,
                                         help_text="1.0 = 100%; default: the theme's progress now.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CarryOverSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class OutcomeFilter(serializers.Serializer):
    theme = serializers.IntegerField(required=False, min_value=1)
    pod = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False, allow_blank=True,
                                     help_text=STATUS_HELP)


class OutcomeSerializer(serializers.ModelSerializer):
    theme = serializers.IntegerField(source="theme_id")
    pod = serializers.IntegerField(source="pod_id")
    pod_name = serializers.CharField(source="pod.name")
    direction = serializers.ChoiceField(choices=Direction.choices)
    cadence_days = serializers.ChoiceField(choices=Cadence.choices)
    confidence = serializers.CharField(read_only=True, help_text="low, medium, high, or empty before a check-in")
    progress = serializers.FloatField(source="state.progress", read_only=True, allow_null=True,
                                      help_text="Unclamped fraction: 1.25 is 125%; null before a reading.")
    expected = serializers.FloatField(source="state.expected", read_only=True,
                                      help_text="Share of the outcome's time elapsed (where a steady pace is).")
    pace = serializers.CharField(source="state.pace", read_only=True, help_text="on_track, behind or at_risk")
    stale = serializers.BooleanField(source="state.stale", read_only=True)
    status = serializers.CharField(source="state.status", read_only=True, help_text=STATUS_HELP)

    class Meta:
        model = Outcome
        fields = ("id", "theme", "pod", "pod_name", "metric", "unit", "direction", "baseline", "target",
                  "target_max", "start_date", "due_date", "cadence_days", "weight", "current_value",
                  "current_at", "progress", "expected", "pace", "stale", "status", "confidence",
                  "confidence_at", "created_at")


class OutcomeWriteSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    metric = serializers.CharField(max_length=160)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(choices=Direction.choices)
    baseline = serializers.FloatField()
    target = serializers.FloatField()
    target_max = serializers.FloatField(required=False, allow_null=True, default=None,
                                        help_text="Upper end, for within_range.")
    start_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    cadence_days = serializers.ChoiceField(choices=Cadence.choices, required=False, default=Cadence.MONTHLY,
                                           help_text="7, 14, 31 or 92 days")
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False, default=1)


class OutcomeCreateSerializer(OutcomeWriteSerializer):
    theme = OrgScopedPrimaryKeyField(scope=_themes, model=Theme)


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = ("id", "value", "measured_at", "source", "idempotency_key", "created_at")


class MeasurementCreateSerializer(serializers.Serializer):
    value = serializers.FloatField()
    measured_at = serializers.DateTimeField(required=False,
                                            help_text="When it was measured (default now); a late one is placed in time.")
    source = serializers.CharField(max_length=80, required=False, allow_blank=True, default="api")
    idempotency_key = serializers.CharField(max_length=120, required=False, allow_blank=True, default="",
                                            help_text="The same key twice stores one measurement.")


class CheckInSerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", default=None, allow_null=True, read_only=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices)

    class Meta:
        model = CheckIn
        fields = ("id", "confidence", "note", "author", "created_at")


class CheckInCreateSerializer(serializers.Serializer):
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
