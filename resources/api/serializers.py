"""Shapes for the compute API. Related objects are looked up in the request's organization."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from pods.models import Pod
from pods.selectors import pod_list
from resources import selectors
from resources.models import (
    Allocation,
    AllocationEvent,
    AllocationState,
    Budget,
    BudgetCategory,
    ComputePool,
    LedgerEntry,
    PoolStatus,
    Quota,
    ReclaimPolicy,
    WithinPodPolicy,
)
from tenancy.api.serializers import OrgScopedPrimaryKeyField

BIG = 1_000_000


class CreditsField(serializers.DecimalField):
    """Credits as a JSON number (the schema says number, so a string is refused, not coerced)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


def _pods(org: Any) -> Any:
    return pod_list(organization=org)


def _pools(org: Any) -> Any:
    return selectors.pool_choices(organization=org)


class PoolSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PoolStatus.choices, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=BIG)
    unit_cost = CreditsField(max_digits=12, decimal_places=2, min_value=0, required=False,
                             help_text="Credits per unit-hour.")
    unit = serializers.CharField(max_length=40, required=False)
    nominal_total = serializers.IntegerField(read_only=True)
    in_use = serializers.IntegerField(read_only=True, help_text="Units admitted now.")
    borrowed_now = serializers.IntegerField(read_only=True)
    queued = serializers.IntegerField(read_only=True)

    class Meta:
        model = ComputePool
        fields = ("id", "name", "unit", "capacity", "unit_cost", "status", "nominal_total", "in_use",
                  "borrowed_now", "queued", "created_at", "updated_at")
        read_only_fields = ("created_at", "updated_at")


class PoolUpdateSerializer(PoolSerializer):
    name = serializers.CharField(max_length=120, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=BIG, required=False)


class QuotaSerializer(serializers.ModelSerializer):
    pool = OrgScopedPrimaryKeyField(scope=_pools, model=ComputePool)
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    nominal = serializers.IntegerField(min_value=0, max_value=BIG)
    borrowing_limit = serializers.IntegerField(min_value=0, max_value=BIG, required=False, allow_null=True,
                                               help_text="null: may borrow any idle capacity.")
    lending_limit = serializers.IntegerField(min_value=0, max_value=BIG, required=False, allow_null=True,
                                             help_text="null: all unused nominal may be lent.")
    reclaim = serializers.ChoiceField(choices=ReclaimPolicy.choices, required=False, default=ReclaimPolicy.NEVER)
    within_pod = serializers.ChoiceField(choices=WithinPodPolicy.choices, required=False,
                                         default=WithinPodPolicy.NEVER)

    class Meta:
        model = Quota
        fields = ("id", "pool", "pod", "nominal", "borrowing_limit", "lending_limit", "reclaim", "within_pod",
                  "updated_at")
        read_only_fields = ("updated_at",)


class AllocationSerializer(serializers.ModelSerializer):
    pool = serializers.IntegerField(source="pool_id")
    pod = serializers.IntegerField(source="pod_id")
    state = serializers.ChoiceField(choices=AllocationState.choices, read_only=True)
    borrowed = serializers.IntegerField(read_only=True, help_text="Units above the pod's nominal (preemptible).")
    reason = serializers.CharField(read_only=True, help_text="Why it is in its state (e.g. why it waits).")
    preempted_by = serializers.IntegerField(source="preempted_by_id", allow_null=True, read_only=True)
    escalation = serializers.IntegerField(source="escalation_id", allow_null=True, read_only=True)
    reclaim_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                           help_text="Reclaim forecast of the borrowed part, if any.")

    class Meta:
        model = Allocation
        fields = ("id", "pool", "pod", "amount", "start", "end", "priority", "preemptible", "idempotency_key",
                  "state", "borrowed", "reason", "preempted_by", "escalation", "estimated_cost", "reclaim_at",
                  "admitted_at", "ended_at", "created_at", "updated_at")


class AllocationEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", default=None, allow_null=True)
    by_allocation = serializers.IntegerField(source="by_allocation_id", allow_null=True)

    class Meta:
        model = AllocationEvent
        fields = ("state", "reason", "actor", "by_allocation", "at")


class AllocationCreateSerializer(serializers.Serializer):
    pool = OrgScopedPrimaryKeyField(scope=_pools, model=ComputePool)
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    amount = serializers.IntegerField(min_value=1, max_value=BIG)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="Exclusive: the window is [start, end).")
    priority = serializers.IntegerField(min_value=-1000, max_value=1000, required=False, default=0)
    preemptible = serializers.BooleanField(required=False, default=True)
    idempotency_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                            help_text="A retry with the same key returns the first answer.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "End must be after start."})
        return attrs


class AllocationFilter(serializers.Serializer):
    state = serializers.CharField(required=False, allow_blank=True,
                                  help_text=f"active, or one of: {', '.join(AllocationState.values)}.")
    pod = serializers.IntegerField(required=False, min_value=1)
    pool = serializers.IntegerField(required=False, min_value=1)

    def validate_state(self, value: str) -> str:
        if value and value not in {"active", *AllocationState.values}:
            raise serializers.ValidationError(f"Use active or one of: {', '.join(AllocationState.values)}.")
        return value


class QuotaFilter(serializers.Serializer):
    pool = serializers.IntegerField(required=False, min_value=1)
    pod = serializers.IntegerField(required=False, min_value=1)


class BudgetSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id")
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                         help_text="Open holds (admitted, not yet spent).")
    spent = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    available = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Budget
        fields = ("id", "pod", "quarter", "category", "amount", "allow_overrun", "committed", "spent", "available")


class BudgetSetSerializer(serializers.Serializer):
    """POST budgets/: set a pod's budget for a quarter and category (created the first time)."""

    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    quarter = serializers.RegexField(r"^\d{4}Q[1-4]$", max_length=7, help_text="e.g. 2026Q4")
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0),
                                      help_text="Credits; not below what is already committed or spent.")
    allow_overrun = serializers.BooleanField(required=False, default=False,
                                             help_text="Holds and postings may exceed the amount.")


class BudgetFilter(serializers.Serializer):
    quarter = serializers.RegexField(r"^\d{4}Q[1-4]$", required=False, allow_blank=True, help_text="e.g. 2026Q4")
    pod = serializers.IntegerField(required=False, min_value=1)


class LedgerEntrySerializer(serializers.ModelSerializer):
    budget = serializers.IntegerField(source="budget_id")
    hold = serializers.IntegerField(source="hold_id", allow_null=True)
    allocation = serializers.IntegerField(source="allocation_id", allow_null=True)
    actor = serializers.EmailField(source="actor.email", default=None, allow_null=True)

    class Meta:
        model = LedgerEntry
        fields = ("id", "budget", "kind", "amount", "hold", "allocation", "reference", "memo", "actor", "created_at")


class UsageSerializer(serializers.Serializer):
    """POST allocations/<id>/usage/: metered usage of a running allocation, posted on its hold."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                                      help_text="Credits used since the last push.")
    idempotency_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                            help_text="A retried push with the same key posts nothing more.")
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LedgerFilter(serializers.Serializer):
    budget = serializers.IntegerField(required=False, min_value=1)
