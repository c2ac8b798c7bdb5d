"""Knowledge: guilds and lessons, the incident database, showcases, talks, rotations, one search.

Every table is tenant-owned (`OrgOwned`), child rows too, with the organization first in its
indexes and unique constraints. Lessons keep their Markdown source and a sanitised HTML copy
rendered on save (`knowledge.markdown`); `SearchDocument` is the one searchable table, kept
current by the services that write the things it indexes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower

from pods.models import Pod
from tenancy.models import Person
from tenancy.scoping import OrgOwned

USER = settings.AUTH_USER_MODEL


# --- Guilds and lessons ---------------------------------------------------------------------------


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


# --- Incidents and post-mortems -------------------------------------------------------------------

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


# --- Showcases, talks, rotations ------------------------------------------------------------------


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


# --- One search -----------------------------------------------------------------------------------


class SearchKind(models.TextChoices):
    LESSON = "lesson", "Lesson"
    POSTMORTEM = "postmortem", "Post-mortem"
    TALK = "talk", "Talk"
    PRESENTATION = "presentation", "Presentation"


SEARCH_CONFIG = "english"


class SearchDocument(OrgOwned):
    """One searchable row per lesson, post-mortem, talk or presentation (and, later, catalog entry).

    `vector` is a stored generated column (title weighted A, tags C, body B), so it can never
    drift from the text; services upsert the row whenever they write what it indexes. `kind` is
    a free string so other apps can register kinds of their own (see `knowledge.search`).
    """

    kind = models.CharField(max_length=24)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    tags_text = models.CharField(max_length=600, blank=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    pod_id_ref = models.BigIntegerField(null=True, blank=True)  # plain ids: no FK fan-out
    guild_id_ref = models.BigIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    url = models.CharField(max_length=300)
    vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("tags_text", weight="C", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "object_id"],
                                    name="searchdoc_unique_object")
        ]
        indexes = [
            # btree_gin puts organization_id inside the GIN index, so one index answers both.
            GinIndex(fields=["organization", "vector"], name="searchdoc_org_vector"),
            GinIndex(fields=["organization", "title"], name="searchdoc_org_title_trgm",
                     opclasses=["int8_ops", "gin_trgm_ops"]),
            models.Index(fields=["organization", "kind", "-date"], name="searchdoc_org_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
