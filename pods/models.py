"""Pods, the roles people play in them, their assignments and versioned charters."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from tenancy.models import Membership, Person
from tenancy.scoping import OrgOwned


class PodStatus(models.TextChoices):
    FORMING = "forming", "Forming"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    SUNSET = "sunset", "Sunset"


class TeamType(models.TextChoices):
    """Team Topologies' four fundamental team types."""

    STREAM_ALIGNED = "stream_aligned", "Stream-aligned"
    PLATFORM = "platform", "Platform"
    ENABLING = "enabling", "Enabling"
    COMPLICATED_SUBSYSTEM = "complicated_subsystem", "Complicated subsystem"


class Pod(OrgOwned):
    name = models.CharField(max_length=120)
    mission = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=PodStatus.choices, default=PodStatus.FORMING)
    sponsor = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_pods"
    )
    # The Team API (Team Topologies): what a pod is and how others reach and use it. Blank type:
    # not declared yet.
    team_type = models.CharField(max_length=24, choices=TeamType.choices, blank=True, default="")
    contact = models.CharField("how to reach us", max_length=300, blank=True, default="")
    services_offered = models.TextField(max_length=2000, blank=True, default="")
    working_hours = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="pod_unique_name_ci")
        ]
        indexes = [
            models.Index(fields=["organization", "status", "name"], name="pod_org_status_name"),
            models.Index(fields=["organization", "name"], name="pod_org_name"),
            models.Index(fields=["organization", "team_type"], name="pod_org_team_type"),
        ]

    def __str__(self) -> str:
        return self.name


class PodRole(OrgOwned):
    """A role in a pod; org-configurable, seeded with the six defaults."""

    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    is_lead = models.BooleanField(default=False, help_text="The person who leads the pod.")
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta(OrgOwned.Meta):
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="podrole_unique_key"),
            models.UniqueConstraint("organization", Lower("name"), name="podrole_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


def active_assignment_q(day: datetime.date, prefix: str = "") -> models.Q:
    """Assignments running on `day`; `prefix` reaches them through a relation ("assignments__")."""
    return models.Q(**{f"{prefix}start_date__lte": day}) & (
        models.Q(**{f"{prefix}end_date__isnull": True}) | models.Q(**{f"{prefix}end_date__gte": day})
    )


class Assignment(OrgOwned):
    """A person in a pod with a role and protected time (allocation %), from start to end."""

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(PodRole, on_delete=models.PROTECT, related_name="assignments")
    allocation_percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allocation_percent__gte=1, allocation_percent__lte=100),
                name="assignment_allocation_range",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "pod", "end_date"], name="assignment_org_pod"),
            models.Index(fields=["organization", "person", "end_date"], name="assignment_org_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.pod} as {self.role} ({self.allocation_percent}%)"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Charter(OrgOwned):
    """One version of a pod's written charter. Editing writes a new version; none is changed."""

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="charters")
    version = models.PositiveIntegerField()
    mission = models.TextField(max_length=4000)
    scope_in = models.TextField("in scope", max_length=4000, blank=True)
    scope_out = models.TextField("out of scope", max_length=4000, blank=True)
    needed_skills = models.TextField(max_length=2000, blank=True)
    decision_rights_notes = models.TextField(max_length=4000, blank=True)
    escalation_path = models.TextField(max_length=2000, blank=True)
    working_agreements = models.TextField(max_length=4000, blank=True)
    next_review_date = models.DateField()
    change_note = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    TEXT_FIELDS = (
        "mission",
        "scope_in",
        "scope_out",
        "needed_skills",
        "decision_rights_notes",
        "escalation_path",
        "working_agreements",
    )

    class Meta(OrgOwned.Meta):
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pod", "version"], name="charter_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pod} charter v{self.version}"


class PodHealthSnapshot(OrgOwned):
    """A pod's derived health as its last write left it (`pods.health_services` keeps it).

    Written in the transaction of every write that changes what health reads (assignments,
    roles, charters, escalations, registered checks' areas), after locking this row, so it is
    never older than a committed write. Health also moves with time (an assignment starts, a
    review falls due, an escalation passes its SLA): `valid_until` is the first moment that
    happens, and `inputs` the organization's settings it was derived under. A reader uses a row
    only while both hold and derives the pod's health live otherwise, so a missing or expired
    row costs speed, never correctness.
    """

    pod = models.OneToOneField(Pod, primary_key=True, on_delete=models.CASCADE,
                               related_name="health_snapshot")
    level = models.CharField(max_length=4)
    reasons = models.JSONField(default=list)  # [[check, level, message], ...]
    member_count = models.PositiveIntegerField(default=0)
    lead_count = models.PositiveIntegerField(default=0)
    protected_count = models.PositiveIntegerField(default=0)
    charter_review = models.DateField(null=True)
    charter_version = models.PositiveIntegerField(null=True)
    inputs = models.CharField(max_length=80)
    valid_until = models.DateTimeField()
    computed_at = models.DateTimeField()

    class Meta(OrgOwned.Meta):
        indexes = [models.Index(fields=["organization", "level"], name="podhealth_org_level")]

    def __str__(self) -> str:
        return f"{self.pod_id}: {self.level}"


class InteractionMode(models.TextChoices):
    """Team Topologies' three interaction modes."""

    COLLABORATION = "collaboration", "Collaboration"
    X_AS_A_SERVICE = "x_as_a_service", "X-as-a-service"
    FACILITATING = "facilitating", "Facilitating"


class PodInteraction(OrgOwned):
    """How two pods work together over a period. `pod` provides (X-as-a-service) or facilitates
    (facilitating) for `partner`; collaboration is mutual. An open end date: still running."""

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="interactions_out")
    partner = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="interactions_in")
    mode = models.CharField(max_length=16, choices=InteractionMode.choices)
    purpose = models.CharField(max_length=300)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(pod=models.F("partner")),
                                   name="podinteraction_two_pods"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="podinteraction_end_after_start"),
        ]
        indexes = [models.Index(fields=["organization", "start_date"], name="podinteraction_org_start")]

    def __str__(self) -> str:
        return f"{self.pod_id} {self.mode} {self.partner_id}"
