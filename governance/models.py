"""Decision rights as data: risk tiers, decision types and tiers, the matrix and its versions,
escalations with their timeline, guardrail policies and deployment reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pods.models import Pod
from tenancy.models import Membership
from tenancy.scoping import OrgOwned


class RiskTier(OrgOwned):
    """A column of the matrix, after the EU AI Act's tiers; `rank` orders them."""

    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    rank = models.PositiveSmallIntegerField(default=100)

    class Meta(OrgOwned.Meta):
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="risktier_unique_key")]

    def __str__(self) -> str:
        return self.name


class DecisionType(OrgOwned):
    """A row of the matrix. With `has_amount`, its cells may be split into amount bands."""

    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    has_amount = models.BooleanField(default=False)
    amount_unit = models.CharField(max_length=20, blank=True, help_text="e.g. EUR")
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta(OrgOwned.Meta):
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="decisiontype_unique_key")]

    def __str__(self) -> str:
        return self.name


class ApproverRole(models.TextChoices):
    POD = "pod", "The pod itself"
    LEADER = "leader", "A leader"
    ADMIN = "admin", "An admin"
    OWNER = "owner", "Executive council (owners)"


class DecisionTier(OrgOwned):
    """Who decides: 1 pod decides, 2 pod decides and informs, 3 a leader, 4 the executive council."""

    level = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    approver_role = models.CharField(max_length=16, choices=ApproverRole.choices, default=ApproverRole.POD)
    approvers = models.ManyToManyField(Membership, blank=True, related_name="+",
                                       help_text="Named approvers; when empty, everyone with the role.")
    sla_hours = models.PositiveIntegerField(default=72)
    informs_guild = models.BooleanField(default=False)

    class Meta(OrgOwned.Meta):
        ordering = ["level"]
        constraints = [models.UniqueConstraint(fields=["organization", "level"], name="decisiontier_unique_level")]

    def __str__(self) -> str:
        return f"Tier {self.level} · {self.name}"

    @property
    def needs_approval(self) -> bool:
        return self.approver_role != ApproverRole.POD


class DecisionRight(OrgOwned):
    """One cell (or one amount band of a cell): type × risk tier [× amount band] → decision tier.

    Bands are half-open: amount_min ≤ amount < amount_max; a null amount_max is unbounded. A type
    without amounts has one band with both bounds null. A null `tier` means "not allowed".
    """

    decision_type = models.ForeignKey(DecisionType, on_delete=models.CASCADE, related_name="rights")
    risk_tier = models.ForeignKey(RiskTier, on_delete=models.CASCADE, related_name="rights")
    amount_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    amount_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tier = models.ForeignKey(DecisionTier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["decision_type_id", "risk_tier_id", "amount_min"]
        indexes = [models.Index(fields=["organization", "decision_type", "risk_tier"], name="right_org_cell")]

    def __str__(self) -> str:
        return f"{self.decision_type} × {self.risk_tier}"


class MatrixVersion(OrgOwned):
    """A published matrix: the cells frozen as JSON, so routing always names what decided it."""

    number = models.PositiveIntegerField()
    cells = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="matrixversion_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class MatrixReview(OrgOwned):
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField(max_length=2000, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["organization", "-reviewed_at"], name="matrixreview_recent")]


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    NEEDS_INFO = "needs_info", "Needs info"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"


ACTIVE_STATUSES = (EscalationStatus.OPEN, EscalationStatus.IN_REVIEW, EscalationStatus.NEEDS_INFO)


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Escalation(OrgOwned):
    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="escalations")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decision_type = models.ForeignKey(DecisionType, on_delete=models.PROTECT, related_name="escalations")
    risk_tier = models.ForeignKey(RiskTier, on_delete=models.PROTECT, related_name="escalations")
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    title = models.CharField(max_length=200)
    context = models.TextField(max_length=5000, blank=True)
    options = models.TextField(max_length=5000, blank=True)
    recommendation = models.TextField(max_length=3000, blank=True)
    needed_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # Routing, from the published matrix version named here.
    matrix_version = models.ForeignKey(MatrixVersion, null=True, on_delete=models.PROTECT, related_name="+")
    routed_tier = models.PositiveSmallIntegerField(help_text="Tier level the matrix gave.")
    current_tier = models.ForeignKey(DecisionTier, on_delete=models.PROTECT, related_name="+")
    approvers = models.ManyToManyField(Membership, blank=True, related_name="+")
    self_decided = models.BooleanField(default=False, help_text="Decided by the pod, no approval.")
    filed_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    breached = models.BooleanField(default=False)
    breach_count = models.PositiveSmallIntegerField(default=0)
    waiting_since = models.DateTimeField(null=True, blank=True, help_text="On the pod since (needs info).")
    pod_wait_seconds = models.PositiveIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(max_length=3000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "-filed_at"], name="esc_org_status"),
            models.Index(fields=["organization", "-filed_at", "-id"], name="esc_org_recent"),
            models.Index(fields=["organization", "pod", "status"], name="esc_org_pod_status"),
            models.Index(fields=["organization", "status", "due_at"], name="esc_org_due"),
            models.Index(fields=["organization", "-decided_at"], name="esc_org_decided"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def cycle_seconds(self) -> int | None:
        if self.decided_at is None:
            return None
        return int((self.decided_at - self.filed_at).total_seconds())

    @property
    def approver_wait_seconds(self) -> int | None:
        total = self.cycle_seconds
        return None if total is None else max(0, total - self.pod_wait_seconds)


class EscalationEvent(OrgOwned):
    class Kind(models.TextChoices):
        FILED = "filed", "Filed"
        ROUTED = "routed", "Routed"
        COMMENT = "comment", "Comment"
        REVIEW = "review", "Review started"
        NEEDS_INFO = "needs_info", "Needs info"
        INFO = "info", "Info provided"
        DECIDED = "decided", "Decided"
        BREACHED = "breached", "SLA breached"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed"

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(OrgOwned.Meta):
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "escalation", "created_at"], name="escevent_org_esc")]


class CycleTimeSnapshot(OrgOwned):
    """Approval cycle-time figures, recomputed by a task in one transaction; dashboards read this."""

    computed_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta(OrgOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["organization"], name="cycletime_one_per_org")]


# --- Guardrails ---------------------------------------------------------------------------------


class CheckKind(models.TextChoices):
    BIAS = "bias", "Bias"
    FAIRNESS = "fairness", "Fairness"
    COMPLIANCE = "compliance", "Compliance"
    PRIVACY = "privacy", "Privacy"
    SECURITY = "security", "Security"
    PERFORMANCE = "performance", "Performance"


class Direction(models.TextChoices):
    AT_LEAST = "min", "at least"
    AT_MOST = "max", "at most"


class GuardrailPolicy(OrgOwned):
    """For one risk tier and one check kind: required or not, and the threshold a score must meet.

    The same threshold watches the metric of that name in production monitoring.
    """

    risk_tier = models.ForeignKey(RiskTier, on_delete=models.CASCADE, related_name="policies")
    check_kind = models.CharField(max_length=16, choices=CheckKind.choices)
    required = models.BooleanField(default=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.AT_LEAST)
    threshold = models.FloatField()

    class Meta(OrgOwned.Meta):
        ordering = ["risk_tier__rank", "check_kind"]
        constraints = [models.UniqueConstraint(fields=["organization", "risk_tier", "check_kind"],
                                               name="policy_unique_check")]

    def meets(self, value: float) -> bool:
        return value >= self.threshold if self.direction == Direction.AT_LEAST else value <= self.threshold

    def describe(self) -> str:
        return f"{self.get_direction_display()} {self.threshold:g}"


class Gate(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    NEEDS_APPROVAL = "needs_approval", "Needs approval"


class DeploymentReview(OrgOwned):
    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="deployment_reviews")
    model_name = models.CharField(max_length=120)
    version = models.CharField(max_length=60)
    risk_tier = models.ForeignKey(RiskTier, on_delete=models.PROTECT, related_name="+")
    results = models.JSONField(default=dict)
    gate = models.CharField(max_length=16, choices=Gate.choices)
    failures = models.JSONField(default=list)
    warnings = models.JSONField(default=list, blank=True,
                                help_text="Passed, but with a caveat (e.g. a deprecated catalog model).")
    escalation = models.OneToOneField(Escalation, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="deployment_review")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="deploy_org_recent")]

    def __str__(self) -> str:
        return f"{self.model_name} {self.version}"


class MonitoringException(OrgOwned):
    """Raised when a pushed production metric crosses its policy threshold (source "metric"), or
    when a gate check another app registered flags a deployment that passed (source: the check's
    name, e.g. "catalog" for a deprecated model), with its reason instead of a value."""

    METRIC = "metric"

    review = models.ForeignKey(DeploymentReview, on_delete=models.CASCADE, related_name="exceptions")
    source = models.CharField(max_length=32, default=METRIC)
    metric = models.CharField(max_length=16, choices=CheckKind.choices, blank=True)
    value = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution_note = models.TextField(max_length=2000, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["organization", "resolved_at", "-raised_at"], name="monexc_org_open")]

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.source} on {self.review}"
        return f"{self.metric} {self.value:g} on {self.review}"
