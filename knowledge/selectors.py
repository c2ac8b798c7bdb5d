"""Reads for knowledge, scoped to an organization, with the joins that keep query counts flat."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from knowledge.models import (
    ActionItem,
    ActionStatus,
    Citation,
    Guild,
    GuildMember,
    Incident,
    Lesson,
    LessonComment,
    LessonRevision,
    LessonStatus,
    LessonVote,
    PostMortem,
    Presentation,
    Rotation,
    Showcase,
    Talk,
)
from tenancy.models import Organization, User


def guild_roles_for(*, organization: Organization, user: User) -> dict[int, bool]:
    return dict(GuildMember.objects.for_org(organization).filter(user=user)
                .values_list("guild_id", "is_steward"))


def _count_sub(qs: QuerySet[Any], field: str) -> Coalesce:
    # COUNT(*), not COUNT(id): the count is answered from the index (an index-only scan).
    sub = qs.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("*"))
    return Coalesce(Subquery(sub.values("n"), output_field=IntegerField()), 0)


def guild_list(*, organization: Organization, q: str = "") -> QuerySet[Guild]:
    lessons = Lesson.objects.for_org(organization).filter(status=LessonStatus.PUBLISHED)
    qs = Guild.objects.for_org(organization).annotate(
        member_count=_count_sub(GuildMember.objects.for_org(organization), "guild"),
        lesson_count=_count_sub(lessons, "guild"),
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(topic__icontains=q))
    return qs.order_by("name", "id")


def guild_choices(*, organization: Organization) -> QuerySet[Guild]:
    """Guild ids and names only, for filter and form choices."""
    return Guild.objects.for_org(organization).only("id", "name").order_by("name", "id")


def guild_list_postable(*, organization: Organization, viewer: Any) -> QuerySet[Guild]:
    """Guilds the viewer (a membership) may post into: admins every guild, others their own."""
    qs = Guild.objects.for_org(organization).order_by("name")
    if viewer.is_admin:
        return qs
    return qs.filter(members__user=viewer.user)


def guild_get(*, organization: Organization, pk: Any) -> Guild:
    return guild_list(organization=organization).get(pk=pk)


def guild_members(*, organization: Organization, guild: Guild, limit: int = 40) -> list[GuildMember]:
    return list(GuildMember.objects.for_org(organization).filter(guild=guild)
                .select_related("user").order_by("-is_steward", "user__full_name", "id")[:limit])


def lesson_list(*, organization: Organization, guild_id: int | None = None, kind: str = "",
                tag: str = "", pod_id: int | None = None, author: User | None = None,
                status: str = LessonStatus.PUBLISHED) -> QuerySet[Lesson]:
    qs = (Lesson.objects.for_org(organization).filter(status=status)
          .select_related("guild", "author", "pod").defer("body", "body_html"))
    if guild_id:
        qs = qs.filter(guild_id=guild_id)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__contains=[tag])
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    if author is not None:
        qs = qs.filter(author=author)
    order = ("-published_at", "-id") if status == LessonStatus.PUBLISHED else ("-updated_at", "-id")
    return qs.order_by(*order)


def lesson_get(*, organization: Organization, pk: Any, viewer: User | None = None) -> Lesson:
    qs = Lesson.objects.for_org(organization).select_related(
        "guild", "author", "pod", "incident", "presentation__showcase")
    if viewer is not None:
        qs = qs.annotate(viewer_voted=Exists(LessonVote.objects.for_org(organization).filter(
            lesson=OuterRef("pk"), user=viewer)))
    return qs.get(pk=pk)


def lesson_comments(*, organization: Organization, lesson: Lesson) -> list[LessonComment]:
    """Top-level comments, each with `.thread` (its replies), in two levels, one query."""
    rows = list(LessonComment.objects.for_org(organization).filter(lesson=lesson)
                .select_related("author").order_by("created_at", "id"))
    top = [c for c in rows if c.parent_id is None]
    by_parent: dict[int, list[LessonComment]] = {}
    for c in rows:
        if c.parent_id is not None:
            by_parent.setdefault(c.parent_id, []).append(c)
    for c in top:
        c.thread = by_parent.get(c.pk, [])  # type: ignore[attr-defined]
    return top


def lesson_comment_get(*, organization: Organization, lesson: Lesson, pk: Any) -> LessonComment:
    return (LessonComment.objects.for_org(organization).select_related("lesson")
            .get(lesson=lesson, pk=pk))


def lesson_revisions(*, organization: Organization, lesson: Lesson) -> list[LessonRevision]:
    return list(LessonRevision.objects.for_org(organization).filter(lesson=lesson)
                .select_related("editor").order_by("-version"))


def popular_tags(*, organization: Organization, limit: int = 20) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, count(*) FROM (SELECT unnest(tags) AS t FROM knowledge_lesson"
            " WHERE organization_id = %s AND status = 'published'"
            " ORDER BY published_at DESC LIMIT 2000) s GROUP BY t ORDER BY 2 DESC, 1 LIMIT %s",
            [organization.pk, limit])
        return [row[0] for row in cursor.fetchall()]


# --- Incidents -------------------------------------------------------------------------------------


def incident_list(*, organization: Organization, q: str = "", severity: str = "",
                  status: str = "", tag: str = "", pod_id: int | None = None) -> QuerySet[Incident]:
    today = timezone.localdate()
    overdue = ActionItem.objects.for_org(organization).filter(
        status=ActionStatus.OPEN, due_date__lt=today)
    qs = (Incident.objects.for_org(organization).select_related("pod", "postmortem")
          .defer("postmortem__summary", "postmortem__timeline", "postmortem__root_cause",
                 "postmortem__contributing_factors", "postmortem__went_well")
          .annotate(overdue_count=_count_sub(overdue, "postmortem__incident")))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(system__icontains=q))
    if severity:
        qs = qs.filter(severity=severity)
    if status:
        qs = qs.filter(status=status)
    if tag:
        qs = qs.filter(tags__contains=[tag])
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    return qs.order_by("-started_at", "-id")


def incident_choices(*, organization: Organization) -> QuerySet[Incident]:
    return Incident.objects.for_org(organization).only("id", "title").order_by("-started_at")


def incident_get(*, organization: Organization, pk: Any) -> Incident:
    return Incident.objects.for_org(organization).select_related("pod", "reported_by").get(pk=pk)


def postmortem_for(*, organization: Organization, incident: Incident) -> PostMortem | None:
    return (PostMortem.objects.for_org(organization).filter(incident=incident)
            .select_related("author").prefetch_related(
                Prefetch("action_items", queryset=ActionItem.objects.for_org(organization)
                         .select_related("owner").order_by("due_date", "id"))).first())


def action_item_get(*, organization: Organization, incident: Incident, pk: Any) -> ActionItem:
    return ActionItem.objects.for_org(organization).get(pk=pk, postmortem__incident=incident)


def overdue_action_items(*, organization: Organization,
                         today: datetime.date | None = None) -> QuerySet[ActionItem]:
    today = today or timezone.localdate()
    return (ActionItem.objects.for_org(organization)
            .filter(status=ActionStatus.OPEN, due_date__lt=today)
            .select_related("owner", "postmortem__incident").order_by("due_date", "id"))


# --- Showcases, talks, rotations -----------------------------------------------------------------


def showcase_list(*, organization: Organization) -> QuerySet[Showcase]:
    influence = Citation.objects.for_org(organization)
    return Showcase.objects.for_org(organization).annotate(
        presentation_count=_count_sub(Presentation.objects.for_org(organization), "showcase"),
        citation_count=_count_sub(influence, "presentation__showcase"),
        lesson_count=_count_sub(Lesson.objects.for_org(organization)
                                .filter(status=LessonStatus.PUBLISHED),
                                "presentation__showcase"),
    ).order_by("-date", "-id")


def showcase_get(*, organization: Organization, pk: Any) -> Showcase:
    return showcase_list(organization=organization).get(pk=pk)


def showcase_presentations(*, organization: Organization, showcase: Showcase) -> list[Presentation]:
    """Presentations with what they influenced: citing pods/notes and lessons (three queries)."""
    return list(
        Presentation.objects.for_org(organization).filter(showcase=showcase)
        .select_related("pod")
        .prefetch_related(
            Prefetch("citations", queryset=Citation.objects.for_org(organization)
                     .select_related("pod").order_by("created_at")),
            Prefetch("lessons", queryset=Lesson.objects.for_org(organization)
                     .filter(status=LessonStatus.PUBLISHED).defer("body", "body_html")
                     .order_by("-published_at")),
        ).order_by("id"))


def presentation_list(*, organization: Organization) -> QuerySet[Presentation]:
    return (Presentation.objects.for_org(organization).select_related("showcase")
            .order_by("-showcase__date", "id"))


def presentation_get(*, organization: Organization, pk: Any) -> Presentation:
    return Presentation.objects.for_org(organization).select_related("showcase").get(pk=pk)


def talk_list(*, organization: Organization, guild_id: int | None = None,
              upcoming: bool | None = None) -> QuerySet[Talk]:
    qs = Talk.objects.for_org(organization).select_related("guild")
    if guild_id:
        qs = qs.filter(guild_id=guild_id)
    today = timezone.localdate()
    if upcoming is True:
        return qs.filter(date__gte=today).order_by("date", "id")
    if upcoming is False:
        qs = qs.filter(date__lt=today)
    return qs.order_by("-date", "-id")


def rotation_list(*, organization: Organization) -> QuerySet[Rotation]:
    return (Rotation.objects.for_org(organization)
            .select_related("person", "home_pod", "host_pod", "lesson")
            .order_by("-start_date", "-id"))


def talk_get(*, organization: Organization, pk: Any) -> Talk:
    return Talk.objects.for_org(organization).get(pk=pk)


def rotation_get(*, organization: Organization, pk: Any) -> Rotation:
    return rotation_list(organization=organization).get(pk=pk)


def pod_knowledge(*, organization: Organization, pod_id: int, limit: int = 5) -> dict[str, Any]:
    """Lessons and incidents linked to a pod, for the pod page's panel (two queries)."""
    return {
        "lessons": list(lesson_list(organization=organization, pod_id=pod_id)[:limit]),
        "incidents": list(Incident.objects.for_org(organization).filter(pod_id=pod_id)
                          .order_by("-started_at", "-id")[:limit]),
    }
