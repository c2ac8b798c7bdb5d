"""The incident database: incidents, blameless post-mortems and their action items."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from pods.models import Pod
from tenancy.scoping import OrgOwned

USER = settings.AUTH_USER_MODEL


# After the public AI Incident Database's categories; stored as tags on the incident.
INCIDENT_TAXONOMY = [
    ("model-failure", "Model failure"),
    ("data-failure", "Data failure"),
    ("governance-failure", "Governance failure"),
    ("misuse", "Misuse"),
    ("deployment-failure", "Deployment failure"),
    ("harm-physical", "Harm: physical"),
    ("harm-financial", "Harm: financial"),
    ("harm-psychological", "Harm: psychological"),
    ("harm-reputational", "Harm: reputational"),
    ("harm-civil-rights", "Harm: civil rights / discrimination"),
    ("harm-privacy", "Harm: privacy"),
]


class Severity(models.TextChoices):
    SEV1 = "sev1", "SEV1 · critical"
    SEV2 = "sev2", "SEV2 · major"
    SEV3 = "sev3", "SEV3 · minor"
    SEV4 = "sev4", "SEV4 · low"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATED = "mitigated", "Mitigated"
    RESOLVED = "resolved", "Resolved"


class Incident(OrgOwned):
    """What went wrong with a system or model. Blameless: no field ranks people."""

    title = models.CharField(max_length=200)
    pod = models.ForeignKey(Pod, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    system = models.CharField("system or model", max_length=160)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.SEV3)
    status = models.CharField(max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.OPEN)
    started_at = models.DateTimeField()
    detected_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    impact = models.TextField(max_length=4000, blank=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    reported_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-started_at"], name="incident_org_recent"),
            models.Index(fields=["organization", "pod"], name="incident_org_pod"),
            GinIndex(fields=["tags"], name="incident_tags_gin"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(detected_at__gte=models.F("started_at")),
                                   name="incident_detected_after_start"),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(resolved_at__gte=models.F("started_at")),
                name="incident_resolved_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class PostMortem(OrgOwned):
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="postmortem")
    summary = models.TextField(max_length=8000)
    # [{"at": "2025-01-02T10:00", "entry": "Alert fired"}, …], ordered by time.
    timeline = models.JSONField(default=list, blank=True)
    contributing_factors = models.TextField(max_length=8000, blank=True)
    root_cause = models.TextField(max_length=8000, blank=True)
    went_well = models.TextField("what went well", max_length=8000, blank=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        indexes = [models.Index(fields=["organization", "incident"], name="postmortem_org_inc")]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionItem(OrgOwned):
    postmortem = models.ForeignKey(PostMortem, on_delete=models.CASCADE,
                                   related_name="action_items")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["organization", "status", "due_date"],
                                name="actionitem_org_due")]

    def is_overdue(self, today: object) -> bool:
        return self.status == ActionStatus.OPEN and self.due_date < today  # type: ignore[operator]
