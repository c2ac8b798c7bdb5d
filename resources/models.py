"""Compute pools, each pod's quota on a pool, and time-boxed allocations (Kueue in time)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
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

    # Not a column: the list page's share in use (%), from `selectors.pool_list`'s figures.
    utilisation: int

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

    # Not columns: what `selectors.quota_rows` works out for the pool page at one instant.
    used: int
    borrowed_now: int
    lendable: int
    lent: float

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
    # When it stopped holding capacity before its end (released, preempted): usage ends there.
    ended_at = models.DateTimeField(null=True, blank=True)
    estimated_cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # The admission check of the decision-rights matrix ("spend on compute"), when it applied.
    escalation = models.ForeignKey(
        "governance.Escalation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reclaim_at = models.DateTimeField(null=True, blank=True, help_text="Reclaim forecast (borrowed only).")
    reclaim_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not columns: `selectors.pool_queue` numbers the queue and says whose details the viewer may open.
    position: int
    visible: bool
    # Not a column: True on the first answer a retried idempotency key gets back.
    replayed: bool = False

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
            models.Index(fields=["organization", "state", "end"], name="alloc_state_end"),
            models.Index(fields=["organization", "-created_at", "-id"], name="alloc_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} × {self.pool_id} for pod {self.pod_id}"

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class AllocationEvent(OrgOwned):
    """The history of one allocation: every state it went through, who moved it and why."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=16, choices=AllocationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    # For a preemption: the allocation that took the capacity back.
    by_allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta(OrgOwned.Meta):
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["organization", "allocation", "at"], name="alloc_event_at")]


class BudgetCategory(models.TextChoices):
    COMPUTE = "compute", "Compute"
    APIS = "apis", "APIs"
    TOOLING = "tooling", "Tooling"
    SERVICES = "services", "Services"


class Budget(OrgOwned):
    """A pod's budget for one quarter and category, in internal credits. Balances are derived
    from the ledger, never typed."""

    pod = models.ForeignKey("pods.Pod", on_delete=models.CASCADE, related_name="budgets")
    quarter = models.CharField(max_length=7, help_text="e.g. 2026Q4")
    category = models.CharField(max_length=10, choices=BudgetCategory.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    allow_overrun = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-quarter", "pod_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pod", "quarter", "category"], name="budget_unique_pod_quarter"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.quarter}"


class LedgerKind(models.TextChoices):
    HOLD = "hold", "Hold"
    POST = "post", "Posted"
    VOID = "void", "Voided"
    # Income: the service marketplace credits a provider's budget when it delivers (its `hold`
    # is the requester's hold the credits came from). It never settles that hold.
    EARN = "earn", "Earned"


class LedgerEntry(OrgOwned):
    """Append-only two-phase spend ledger: a hold reserves, posts spend against it, a void frees
    the rest. Triggers refuse UPDATE and DELETE, as on the audit table."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=4, choices=LedgerKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    hold = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="settlements"
    )
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. bench:staffing:12")
    memo = models.CharField(max_length=300, blank=True)
    # Set on usage pushed through the API: a retried push with the same key posts nothing more.
    idempotency_key = models.CharField(max_length=100, blank=True)
    # Like the audit table's actor: the entry keeps who wrote it after the user is deleted (SET_NULL
    # would UPDATE a row the append-only trigger protects, and the user's deletion would fail).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ledger_unique_idempotency",
            ),
            models.CheckConstraint(
                condition=Q(kind="hold", hold__isnull=True) | (~Q(kind="hold") & Q(hold__isnull=False)),
                name="ledger_settles_a_hold",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "budget", "kind"], name="ledger_budget_kind"),
            models.Index(fields=["organization", "hold"], name="ledger_hold"),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_append_only_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name="ledger_append_only_delete", operation=pgtrigger.Delete),
        ]


class CapacitySnapshot(OrgOwned):
    """Per pool per day, computed by a worker: average units held over the day."""

    pool = models.ForeignKey(ComputePool, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    capacity = models.PositiveIntegerField()
    nominal = models.PositiveIntegerField()
    within_nominal = models.FloatField()
    borrowed = models.FloatField()
    lent = models.FloatField()
    pending = models.FloatField()
    free = models.FloatField()

    class Meta(OrgOwned.Meta):
        ordering = ["pool_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pool", "day"], name="snapshot_unique_pool_day")
        ]

    @property
    def used(self) -> float:
        return self.within_nominal + self.borrowed

    @property
    def utilisation(self) -> float:
        """Share of the capacity in use that day (0..1)."""
        return self.used / self.capacity if self.capacity else 0.0


class PodWeekSnapshot(OrgOwned):
    """Per pod per week (starting Monday), computed by the same worker run: people in FTE from
    assignments (allocation % × the share of the week they run) and compute as average units held."""

    pod = models.ForeignKey("pods.Pod", on_delete=models.CASCADE, related_name="week_snapshots")
    week = models.DateField(help_text="The Monday that starts the week.")
    fte = models.FloatField()
    compute_units = models.FloatField(help_text="Average units held over the week, all pools.")
    borrowed_units = models.FloatField(help_text="Of which borrowed above the pod's nominal quotas.")

    class Meta(OrgOwned.Meta):
        ordering = ["pod_id", "week"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pod", "week"], name="pod_week_snapshot_unique")
        ]


class CapacityRun(OrgOwned):
    """One recompute of an organization's snapshots ("as of")."""

    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    allocations = models.PositiveIntegerField(default=0)

    class Meta(OrgOwned.Meta):
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["organization", "-computed_at"], name="capacity_run_recent")]


# Expert time lives in its own module (`resources.experts`); imported here so Django finds it.
from resources.experts.models import (  # noqa: E402, F401
    Booking,
    BookingState,
    ExpertProfile,
    ExpertWeekSnapshot,
    OfficeHours,
)
from resources.market.models import RequestState, ServiceOffering, ServiceRequest  # noqa: E402, F401
