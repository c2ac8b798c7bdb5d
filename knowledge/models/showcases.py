"""Showcases with presentations and what cites them, the talk archive, rotations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from knowledge.models.guilds import Guild, Lesson
from pods.models import Pod
from tenancy.models import Person
from tenancy.scoping import OrgOwned

USER = settings.AUTH_USER_MODEL


class Showcase(OrgOwned):
    title = models.CharField(max_length=200)
    date = models.DateField()
    recording_url = models.URLField(blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organization", "-date"], name="showcase_org_date")]

    def __str__(self) -> str:
        return self.title


class Presentation(OrgOwned):
    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="presentations")
    pod = models.ForeignKey(Pod, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=[("success", "Success"),
                                                    ("failure", "Failure")], default="success")
    summary = models.TextField(max_length=4000, blank=True)
    slides_url = models.URLField(blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "showcase"], name="presentation_org_sc")]

    def __str__(self) -> str:
        return self.title


class Citation(OrgOwned):
    """Later work that says it was influenced by a presentation: a pod or a lesson (or an outcome,
    named in `note` until the strategy app exists)."""

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE,
                                     related_name="citations")
    pod = models.ForeignKey(Pod, null=True, blank=True, on_delete=models.CASCADE,
                            related_name="+")
    note = models.CharField(max_length=300, blank=True)
    cited_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        indexes = [models.Index(fields=["organization", "presentation"], name="citation_org_pres")]


class Talk(OrgOwned):
    """A tech talk or paper review, recorded and archived."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=[("talk", "Tech talk"),
                                                    ("paper", "Paper review")], default="talk")
    speaker = models.CharField(max_length=150)
    date = models.DateField()
    guild = models.ForeignKey(Guild, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="talks")
    summary = models.TextField(max_length=4000, blank=True)
    recording_url = models.URLField(blank=True)
    paper_url = models.URLField(blank=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organization", "-date"], name="talk_org_date"),
                   models.Index(fields=["organization", "guild", "date"], name="talk_org_guild")]

    def __str__(self) -> str:
        return self.title


class Rotation(OrgOwned):
    """A person spends a period in another pod, with goals; at the end the app asks for a lesson."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    home_pod = models.ForeignKey(Pod, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    host_pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    goals = models.TextField(max_length=4000)
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    lesson_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["organization", "end_date"], name="rotation_org_end")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="rotation_end_after_start"),
        ]
