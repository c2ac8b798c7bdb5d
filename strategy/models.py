"""Quarterly themes, the outcomes pods own for them with their measurement history and
confidence check-ins, and signals raised by pods for leaders to triage.

Progress and status are derived (strategy/progress.py), never typed in. The outcome row carries
its latest measurement (value and time), kept by the measurement service under the outcome's row
lock, so a list of outcomes with their progress is one query whatever the history's length.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from pods.models import Pod
from tenancy.models import Membership
from tenancy.scoping import OrgOwned


class ThemeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    CARRIED_OVER = "carried_over", "Carried over"


class Theme(OrgOwned):
    """A quarter's strategic theme, owned by a leader; it guides pods, it does not prescribe."""

    quarter_start = models.DateField(help_text="First day of the quarter (the organization's year).")
    title = models.CharField(max_length=160)
    description = models.TextField(max_length=4000, blank=True)
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="owned_themes")
    status = models.CharField(max_length=16, choices=ThemeStatus.choices, default=ThemeStatus.ACTIVE)
    final_score = models.FloatField(null=True, blank=True, help_text="Progress (1.0 = 100%) at closing.")
    closing_note = models.TextField(max_length=2000, blank=True)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="carried_into")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-quarter_start", "title", "id"]
        indexes = [models.Index(fields=["organization", "quarter_start", "status"], name="theme_org_quarter")]

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase to target"
    DECREASE = "decrease", "Decrease to target"
    STAY_ABOVE = "stay_above", "Stay above"
    STAY_BELOW = "stay_below", "Stay below"
    WITHIN_RANGE = "within_range", "Stay within a range"


TRENDING = frozenset({Direction.INCREASE, Direction.DECREASE})


class Cadence(models.IntegerChoices):
    WEEKLY = 7, "Weekly"
    FORTNIGHTLY = 14, "Every two weeks"
    MONTHLY = 31, "Monthly"
    QUARTERLY = 92, "Quarterly"


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Outcome(OrgOwned):
    """A measurable result a pod owns for a theme.

    `target` is the goal (increase/decrease), the threshold (stay above/below) or the low end of
    the range with `target_max` its high end (within range).
    """

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="outcomes")
    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="outcomes")
    metric = models.CharField(max_length=160, help_text="What is measured, e.g. 90-day retention.")
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, ms, EUR")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    baseline = models.FloatField()
    target = models.FloatField()
    target_max = models.FloatField(null=True, blank=True)
    start_date = models.DateField()
    due_date = models.DateField()
    cadence_days = models.PositiveSmallIntegerField(choices=Cadence.choices, default=Cadence.MONTHLY)
    weight = models.PositiveSmallIntegerField(default=1)
    # Kept by the services: the latest measurement (by measured_at) and the latest check-in.
    current_value = models.FloatField(null=True, blank=True, editable=False)
    current_at = models.DateTimeField(null=True, blank=True, editable=False)
    confidence = models.CharField(max_length=8, choices=Confidence.choices, blank=True, editable=False)
    confidence_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["theme_id", "-weight", "metric", "id"]
        indexes = [
            models.Index(fields=["organization", "theme"], name="outcome_org_theme"),
            models.Index(fields=["organization", "pod"], name="outcome_org_pod"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="outcome_weight_positive"),
            models.CheckConstraint(condition=models.Q(due_date__gt=models.F("start_date")),
                                   name="outcome_due_after_start"),
        ]

    def __str__(self) -> str:
        return self.metric


class Measurement(OrgOwned):
    """One reading of an outcome's metric, typed on a page or pushed by a tool."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="measurements")
    value = models.FloatField()
    measured_at = models.DateTimeField()
    source = models.CharField(max_length=80, blank=True, help_text="manual, or the tool that pushed it")
    idempotency_key = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-measured_at", "-id"]
        indexes = [models.Index(fields=["organization", "outcome", "measured_at"], name="measurement_org_time")]
        constraints = [
            # The same key twice stores one reading, also when two pushes race.
            models.UniqueConstraint(fields=["organization", "outcome", "idempotency_key"],
                                    condition=~models.Q(idempotency_key=""), name="measurement_unique_key"),
        ]


class CheckIn(OrgOwned):
    """The pod lead's confidence in reaching the outcome: apart from numeric progress."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="check_ins")
    confidence = models.CharField(max_length=8, choices=Confidence.choices)
    note = models.TextField(max_length=2000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "outcome", "created_at"], name="checkin_org_time")]


class SignalKind(models.TextChoices):
    OPPORTUNITY = "opportunity", "Opportunity"
    THREAT = "threat", "Threat"
    OBSERVATION = "observation", "Observation"
    PROPOSAL = "proposal", "Initiative proposal"


class SignalStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ADOPTED = "adopted", "Adopted"
    PARKED = "parked", "Parked"
    DECLINED = "declined", "Declined"


# Where a signal may go from each status (adopted and declined are final; parked may be reopened).
SIGNAL_MOVES: dict[str, frozenset[str]] = {
    SignalStatus.NEW: frozenset({SignalStatus.ACKNOWLEDGED, SignalStatus.ADOPTED, SignalStatus.PARKED,
                                 SignalStatus.DECLINED}),
    SignalStatus.ACKNOWLEDGED: frozenset({SignalStatus.ADOPTED, SignalStatus.PARKED, SignalStatus.DECLINED}),
    SignalStatus.PARKED: frozenset({SignalStatus.ACKNOWLEDGED, SignalStatus.ADOPTED, SignalStatus.DECLINED}),
    SignalStatus.ADOPTED: frozenset(),
    SignalStatus.DECLINED: frozenset(),
}
# What a leader may decide (the API's triage `status`).
SIGNAL_DECISIONS = [c for c in SignalStatus.choices if c[0] != SignalStatus.NEW]


class Signal(OrgOwned):
    """Upward intelligence from a pod: teams as strategic sensors. Leaders triage it.

    Near-identical signals of different pods form a group around the first one (`group` is null on
    that one and points to it on the others); triage decides the whole group at once."""

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="signals")
    raised_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=SignalKind.choices)
    title = models.CharField(max_length=160)
    body = models.TextField(max_length=4000, blank=True)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="signals")
    status = models.CharField(max_length=16, choices=SignalStatus.choices, default=SignalStatus.NEW)
    reason = models.TextField(max_length=2000, blank=True, help_text="Why it was adopted, parked or declined.")
    triaged_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_due_at = models.DateTimeField(help_text="A leader acknowledges or decides it by then (the org's SLA).")
    group = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="grouped")
    adopted_theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    adopted_outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "triage_due_at"], name="signal_org_status_due"),
            models.Index(fields=["organization", "group"], name="signal_org_group"),
            models.Index(fields=["organization", "pod"], name="signal_org_pod"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="signal_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def group_root_id(self) -> int:
        return self.group_id or self.pk


class IntakeKind(models.TextChoices):
    QUESTION = "question", "Question"
    REQUEST = "request", "Request"
    REVIEW = "review", "Review"


class IntakeStatus(models.TextChoices):
    OPEN = "open", "Open"
    ROUTED = "routed", "Routed to a member"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"


class IntakeRequest(OrgOwned):
    """Someone asks a pod something; it lands with the pod lead, who answers it, routes it to one
    member, or declines it. `first_response_at` is the lead's first move (time to first answer);
    a routed request is an interruption that reached an engineer."""

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="intake_requests")
    asked_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=IntakeKind.choices)
    title = models.CharField(max_length=160)
    body = models.TextField(max_length=4000, blank=True)
    status = models.CharField(max_length=16, choices=IntakeStatus.choices, default=IntakeStatus.OPEN)
    routed_to = models.ForeignKey("tenancy.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    answer = models.TextField(max_length=4000, blank=True, help_text="The answer, or why it was declined.")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "pod", "status", "created_at"], name="intake_org_pod_status"),
            models.Index(fields=["organization", "pod", "created_at"], name="intake_org_pod_time"),
        ]

    def __str__(self) -> str:
        return self.title
