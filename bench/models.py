"""The elastic bench: people offering spare capacity, pods asking for it, and the suggestions a
worker computes for the whole organization at once."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pods.models import Assignment, Pod, PodRole
from tenancy.models import Person, Skill, User
from tenancy.scoping import OrgOwned

MAX_WEEK_HOURS = 80  # the directory's own bound on a person's weekly capacity


class BenchStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    ENGAGED = "engaged", "Engaged"
    OFF = "off", "Off"


class BenchEntry(OrgOwned):
    """A person on the bench: the hours they offer, from when to when, and at what rate."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="bench_entries")
    available_from = models.DateField()
    available_to = models.DateField(null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEEK_HOURS)])
    utilisation_cap = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Percent of the offered hours that may be committed in any week.")
    rate_per_hour = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    status = models.CharField(max_length=16, choices=BenchStatus.choices, default=BenchStatus.AVAILABLE)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["person__full_name", "id"]
        verbose_name_plural = "bench entries"
        constraints = [
            models.UniqueConstraint(fields=["organization", "person"], name="benchentry_unique_person"),
            models.CheckConstraint(condition=models.Q(hours_per_week__gte=1, hours_per_week__lte=MAX_WEEK_HOURS),
                                   name="benchentry_hours_range"),
            models.CheckConstraint(condition=models.Q(utilisation_cap__gte=1, utilisation_cap__lte=100),
                                   name="benchentry_cap_range"),
            models.CheckConstraint(condition=models.Q(available_to__isnull=True)
                                   | models.Q(available_to__gte=models.F("available_from")),
                                   name="benchentry_to_after_from"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="benchentry_org_status")]

    def __str__(self) -> str:
        return f"{self.person} on the bench"

    @property
    def cap_hours(self) -> float:
        return self.hours_per_week * self.utilisation_cap / 100


class TimeOff(OrgOwned):
    """A period `[start, end)` a bench person is away: no week touching it counts as free."""

    entry = models.ForeignKey(BenchEntry, on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["start_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")),
                                              name="timeoff_end_after_start")]
        indexes = [models.Index(fields=["organization", "entry", "end_date"], name="timeoff_org_entry")]


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    FULFILLED = "fulfilled", "Fulfilled"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


OPEN_REQUEST_STATES = (RequestStatus.OPEN, RequestStatus.PROPOSED)


class StaffingRequest(OrgOwned):
    """A pod asks for someone with skills at levels, for some hours a week over `[start, end)`."""

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="staffing_requests")
    role = models.ForeignKey(PodRole, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    hours_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_WEEK_HOURS)])
    allocation_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)])
    start_date = models.DateField()
    end_date = models.DateField(help_text="The first day the person is no longer needed.")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    justification = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    filed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    filled_at = models.DateTimeField(null=True, blank=True)
    booked_rate = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True,
        help_text="The person's rate per hour when accepted: what the budget hold is priced at, also "
        "when a later change of the assignment re-settles it.")

    class Meta(OrgOwned.Meta):
        ordering = ["-priority", "start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")),
                                   name="staffingrequest_end_after_start"),
            models.CheckConstraint(condition=models.Q(hours_per_week__isnull=False)
                                   | models.Q(allocation_percent__isnull=False),
                                   name="staffingrequest_hours_or_percent"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "start_date"], name="staffreq_org_status"),
            models.Index(fields=["organization", "pod", "status"], name="staffreq_org_pod"),
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.pod}"

    def key_skill_id(self) -> int | None:
        """The skill that keys the request's `add` suggestion: the first it lists (prefetch `skills`)."""
        first = min(self.skills.all(), key=lambda rs: rs.pk, default=None)
        return first.skill_id if first is not None else None

    def need_hours(self, person_capacity: int) -> float:
        """Hours a week this request takes from a person of `person_capacity` hours."""
        if self.hours_per_week:
            return float(self.hours_per_week)
        return person_capacity * (self.allocation_percent or 0) / 100


class RequestSkill(OrgOwned):
    request = models.ForeignKey(StaffingRequest, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1),
                                                                        MaxValueValidator(5)])

    class Meta(OrgOwned.Meta):
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "request", "skill"], name="requestskill_unique"),
            models.CheckConstraint(condition=models.Q(min_level__gte=1, min_level__lte=5),
                                   name="requestskill_level_range"),
        ]
        indexes = [models.Index(fields=["organization", "skill", "min_level"], name="requestskill_org_skill")]


class SuggestionKind(models.TextChoices):
    ADD = "add", "Add"
    RELEASE = "release", "Release"
    REBALANCE = "rebalance", "Rebalance"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ScalingSuggestion(OrgOwned):
    """What the worker (or a lead's proposal) suggests, why, and what it was computed from.

    Stability: at most one open worker suggestion per pod, kind and skill. An `add` is keyed by its
    request's key skill (the first one the request lists, `StaffingRequest.key_skill_id`), so two open
    requests of one pod for the same skill get one suggestion at a time; a skill `rebalance` by the
    skill the pods compete for. Kinds about no skill (a `release` of an assignment, a person over
    their cap, a pod's protected time) have no skill and are keyed by `subject` instead, as are a
    lead's manual proposals (`request:<id>:person:<id>`)."""

    kind = models.CharField(max_length=16, choices=SuggestionKind.choices)
    status = models.CharField(max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="scaling_suggestions")
    subject = models.CharField(max_length=60)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(StaffingRequest, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="suggestions")
    other_request = models.ForeignKey(StaffingRequest, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="+")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(default=0)
    summary = models.CharField(max_length=300)
    rationale = models.JSONField(default=list)  # plain-language lines
    inputs = models.JSONField(default=dict)  # what the score was computed from
    inputs_hash = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=list)  # the concrete assignment changes it would apply
    manual = models.BooleanField(default=False, help_text="Proposed by a person, not the worker.")
    computed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dismiss_reason = models.CharField(max_length=300, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pod", "kind", "subject"],
                                    condition=models.Q(status="open"), name="suggestion_one_open"),
            models.UniqueConstraint(fields=["organization", "pod", "kind", "skill"],
                                    condition=models.Q(status="open", manual=False, skill__isnull=False),
                                    name="suggestion_one_open_per_skill"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "kind"], name="suggestion_org_status"),
            models.Index(fields=["organization", "person", "pod", "kind"], name="suggestion_org_person"),
        ]

    def __str__(self) -> str:
        return self.summary


class BenchRun(OrgOwned):
    """The last recompute of an organization's suggestions: pages show "as of"."""

    finished_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    requests = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    objective = models.FloatField(default=0)
    greedy_objective = models.FloatField(default=0)
    unmatched = models.JSONField(default=list)  # open requests nobody can take, with their skills

    class Meta(OrgOwned.Meta):
        ordering = ["-finished_at"]
        indexes = [models.Index(fields=["organization", "-finished_at"], name="benchrun_org_recent")]

