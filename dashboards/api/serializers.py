"""Shapes for the overview API: filters in, tiles, attention items and scorecards out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dashboards import selectors
from dashboards.forms import MAX_RANGE_DAYS
from dashboards.models import Operator, ScorecardCheck, ScorecardLevel
from dashboards.periods import Period
from dashboards.selectors import Filters
from tenancy.api.serializers import choice_field, related_field
from tenancy.registry import registry


class FilterParams(serializers.Serializer[Any]):
    """`?start=&end=` (default: the quarter to date) and one parameter per registered dimension."""

    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dim in registry.pod_dimensions.all():
            self.fields[dim.key] = serializers.CharField(required=False, help_text=f"Filter by {dim.label.lower()}.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError({"end": "The end is before the start."})
        if start and end and (end - start).days > MAX_RANGE_DAYS:
            raise serializers.ValidationError({"start": "Choose at most two years."})
        return attrs

    @staticmethod
    def filters(organization: Any, data: dict[str, Any]) -> Filters:
        default = Filters.default(organization)
        start = data.get("start") or default.period.start
        end = data.get("end") or default.period.end
        if start > end:
            raise serializers.ValidationError({"start": "The start is after today; give an end too."})
        dims = {d.key: data[d.key] for d in registry.pod_dimensions.all() if data.get(d.key)}
        return Filters(Period(start, end), dims)


class FigureOut(serializers.Serializer[Any]):
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    previous_quarter = serializers.FloatField(allow_null=True, help_text="The same span a quarter earlier.")
    delta = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    better = serializers.ChoiceField(choices=["up", "down"])


class TrendPointOut(serializers.Serializer[Any]):
    week = serializers.DateField()
    value = serializers.FloatField(allow_null=True)


class TrendOut(serializers.Serializer[Any]):
    label = serializers.CharField()
    points = TrendPointOut(many=True)


class TileOut(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page behind the tile.")
    as_of = serializers.DateTimeField(allow_null=True)
    figures = FigureOut(many=True)
    trend = TrendOut()


class OverviewOut(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    tiles = TileOut(many=True)


class AttentionOut(serializers.Serializer[Any]):
    source = serializers.CharField()
    source_label = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField()
    due_at = serializers.DateTimeField()
    overdue_seconds = serializers.IntegerField(help_text="Negative: falls due in that many seconds (a forecast).")
    pod_id = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateTimeField(allow_null=True, help_text="When the queue's snapshot was computed.")


class LevelSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = ScorecardLevel
        fields = ["id", "name", "rank"]
        read_only_fields = ["id", "rank"]


class CheckSerializer(serializers.ModelSerializer[Any]):
    level = serializers.PrimaryKeyRelatedField(queryset=ScorecardLevel.objects.none())
    measure = serializers.ChoiceField(choices=[])
    operator = serializers.ChoiceField(choices=Operator.choices)

    class Meta:
        model = ScorecardCheck
        fields = ["id", "level", "name", "measure", "operator", "threshold", "description", "enabled", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "measure").choices = selectors.measure_choices()
        org = self.context.get("organization")
        if org is not None:
            related_field(self, "level").queryset = selectors.scorecard_levels(organization=org)


class ScorecardLevelCountOut(serializers.Serializer[Any]):
    level = LevelSerializer()
    pods = serializers.IntegerField()
    share = serializers.IntegerField()


class CheckRateOut(serializers.Serializer[Any]):
    check_id = serializers.IntegerField(source="check.pk")
    name = serializers.CharField(source="check.name")
    passed = serializers.IntegerField()
    total = serializers.IntegerField()
    share = serializers.IntegerField(allow_null=True)


class RollupOut(serializers.Serializer[Any]):
    day = serializers.DateField(allow_null=True)
    total = serializers.IntegerField()
    none = serializers.IntegerField(help_text="Pods that reached no level.")
    levels = ScorecardLevelCountOut(many=True)
    checks = CheckRateOut(many=True)


class PodLevelOut(serializers.Serializer[Any]):
    pod_id = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    passed = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)


class CheckResultOut(serializers.Serializer[Any]):
    check_id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField()


class PodScorecardOut(serializers.Serializer[Any]):
    pod_id = serializers.IntegerField()
    name = serializers.CharField()
    day = serializers.DateField(allow_null=True)
    rank = serializers.IntegerField()
    checks = CheckResultOut(many=True)


class HistoryPointOut(serializers.Serializer[Any]):
    day = serializers.DateField()
    share_passing = serializers.FloatField(allow_null=True)


class RecomputeIn(serializers.Serializer[Any]):
    backfill = serializers.BooleanField(required=False, default=False,
                                        help_text="Recompute the whole history, not only the last two days.")
