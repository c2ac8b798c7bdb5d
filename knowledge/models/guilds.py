"""Guilds (communities of practice) and the lessons their members post."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Lower

from pods.models import Pod
from tenancy.scoping import OrgOwned

USER = settings.AUTH_USER_MODEL


class Guild(OrgOwned):
    """A community of practice: voluntary membership, stewards who moderate."""

    name = models.CharField(max_length=120)
    topic = models.CharField(max_length=160, blank=True)
    description = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="guild_unique_name_ci")
        ]
        indexes = [models.Index(fields=["organization", "name"], name="guild_org_name")]

    def __str__(self) -> str:
        return self.name


class GuildMember(OrgOwned):
    """A user in a guild. Members follow the guild (notifications, weekly digest)."""

    guild = models.ForeignKey(Guild, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    is_steward = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization", "guild", "user"],
                                    name="guildmember_unique")
        ]
        indexes = [models.Index(fields=["organization", "user"], name="guildmember_org_user")]


class LessonKind(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    HOWTO = "howto", "How-to"


class LessonStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Lesson(OrgOwned):
    guild = models.ForeignKey(Guild, on_delete=models.CASCADE, related_name="lessons")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=LessonKind.choices, default=LessonKind.HOWTO)
    status = models.CharField(max_length=16, choices=LessonStatus.choices,
                              default=LessonStatus.PUBLISHED)
    body = models.TextField(max_length=40000)
    body_html = models.TextField(blank=True, editable=False)  # sanitised, rendered on save
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    pod = models.ForeignKey(Pod, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    incident = models.ForeignKey("Incident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="lessons")
    presentation = models.ForeignKey("Presentation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="lessons")
    helpful_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "-published_at"],
                         name="lesson_org_recent"),
            models.Index(fields=["organization", "guild", "status", "-published_at"],
                         name="lesson_org_guild"),
            models.Index(fields=["organization", "pod"], name="lesson_org_pod"),
            models.Index(fields=["organization", "author", "status"], name="lesson_org_author"),
            GinIndex(fields=["tags"], name="lesson_tags_gin"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonRevision(OrgOwned):
    """The lesson as it was before an edit: the edit history, never changed."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=40000)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    editor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "lesson", "version"],
                                    name="lessonrevision_unique")
        ]


class LessonVote(OrgOwned):
    """One "helpful" per person per lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization", "lesson", "user"],
                                    name="lessonvote_unique")
        ]


class LessonComment(OrgOwned):
    """A comment on a lesson; `parent` makes threads (replies to replies are flattened to one level)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "lesson", "created_at"],
                                name="lessoncomment_org_lesson")]


class GuildDigest(OrgOwned):
    """A weekly digest claimed for (guild, week) before it is sent: never sent twice."""

    guild = models.ForeignKey(Guild, on_delete=models.CASCADE, related_name="digests")
    week_start = models.DateField()
    lesson_count = models.PositiveIntegerField(default=0)
    recipient_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization", "guild", "week_start"],
                                    name="guilddigest_unique_week")
        ]
