"""Compute pools, each pod's quota on a pool, and time-boxed allocations (Kueue in time)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from tenancy.scoping import OrgOwned


class PoolStatus(models.TextChoices):
    OPEN = "open", "Open"
    HOLD = "hold", "Hold (admits nothing new)"
    DRAIN = "drain", "Drain (admits nothing, running allocations finish)"


class ReclaimPolicy(models.TextChoices):
    NEVER = "never", "Never"
    LOWER_PRIORITY = "lower_priority", "Lower priority"
    ANY = "any", "Any"


class WithinPodPolicy(models.TextChoices):
    NEVER = "never", "Never"
    LOWER_PRIORITY = "lower_priority", "Lower priority"


class AllocationState(models.TextChoices):
    PENDING = "pending", "Pending"
    NEEDS_APPROVAL = "needs_approval", "Needs approval"
    ADMITTED = "admitted", "Admitted"
    PREEMPTED = "preempted", "Preempted"
    FINISHED = "finished", "Finished"
    RELEASED = "released", "Released"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class ComputePool(OrgOwned):
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=40, default="GPU")
    capacity = models.PositiveIntegerField()
    unit_cost = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="Credits per unit-hour."
    )
    status = models.CharField(max_length=8, choices=PoolStatus.choices, default=PoolStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="pool_unique_name_ci"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="pool_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Quota(OrgOwned):
    pool = models.ForeignKey(ComputePool, on_delete=models.CASCADE, related_name="quotas")
    pod = models.ForeignKey("pods.Pod", on_delete=models.CASCADE, related_name="quotas")
    nominal = models.PositiveIntegerField(default=0)
    borrowing_limit = models.PositiveIntegerField(null=True, blank=True)
    lending_limit = models.PositiveIntegerField(null=True, blank=True)
    reclaim = models.CharField(max_length=16, choices=ReclaimPolicy.choices, default=ReclaimPolicy.NEVER)
    within_pod = models.CharField(
        max_length=16, choices=WithinPodPolicy.choices, default=WithinPodPolicy.NEVER
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["pool_id", "pod_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pool", "pod"], name="quota_unique_pool_pod"),
            models.CheckConstraint(
                condition=Q(lending_limit__isnull=True) | Q(lending_limit__lte=F("nominal")),
                name="quota_lending_within_nominal",
            ),
        ]


class Allocation(OrgOwned):
    pool = models.ForeignKey(ComputePool, on_delete=models.PROTECT, related_name="allocations")
    pod = models.ForeignKey("pods.Pod", on_delete=models.PROTECT, related_name="allocations")
    requested_by = models.ForeignKey(
        "tenancy.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.PositiveIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    priority = models.IntegerField(default=0)
    preemptible = models.BooleanField(default=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=16, choices=AllocationState.choices, default=AllocationState.PENDING)
    borrowed = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=500, blank=True)
    preempted_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    admitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="allocation_end_after"),
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="allocation_unique_idempotency",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "pool", "state", "start", "end"], name="alloc_pool_state"),
            models.Index(fields=["organization", "pod", "state"], name="alloc_pod_state"),
        ]
