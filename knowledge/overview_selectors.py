"""What knowledge contributes to the leader's overview (registered in `KnowledgeConfig.ready`): the
knowledge-flow tile (lessons per pod, showcase influence) and the knowledge-sharing scorecard
measures. Reads knowledge's own tables; dashboards stores and aggregates the result."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from knowledge.models import Citation, Incident, Lesson, LessonStatus, PostMortem
from tenancy.models import Organization
from tenancy.registry import Fact, day_range

LESSON_METRIC = "lesson.published"  # 1 per lesson published, on its day, for its pod (if linked)
CITATION_METRIC = "showcase.citation"  # later work citing a showcase presentation: its influence
POSTMORTEM_METRIC = "postmortem.published"
LESSON_WINDOW_DAYS = 90
POSTMORTEM_GRACE_DAYS = 14


def knowledge_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Lessons published, presentations cited and post-mortems published in [start, end]; three queries."""
    lo, hi = day_range(start, end)
    lessons = (Lesson.objects.for_org(organization)
               .filter(status=LessonStatus.PUBLISHED, published_at__gte=lo, published_at__lt=hi)
               .values_list("pod_id", "published_at"))
    facts = [Fact(LESSON_METRIC, timezone.localdate(at), 1.0, pod) for pod, at in lessons.iterator(chunk_size=5000)]
    cites = (Citation.objects.for_org(organization).filter(created_at__gte=lo, created_at__lt=hi)
             .values_list("presentation__pod_id", "created_at"))
    facts += [Fact(CITATION_METRIC, timezone.localdate(at), 1.0, pod) for pod, at in cites]
    pms = (PostMortem.objects.for_org(organization)
           .filter(is_published=True, published_at__gte=lo, published_at__lt=hi)
           .values_list("incident__pod_id", "published_at"))
    facts += [Fact(POSTMORTEM_METRIC, timezone.localdate(at), 1.0, pod) for pod, at in pms]
    return facts


def lessons_recent_values(organization: Organization, pod_ids: list[int], today: datetime.date) -> dict[int, float]:
    """Lessons linked to the pod published in the last 90 days (0 for none)."""
    since = today - datetime.timedelta(days=LESSON_WINDOW_DAYS)
    rows = dict(Lesson.objects.for_org(organization)
                .filter(pod_id__in=pod_ids, status=LessonStatus.PUBLISHED, published_at__date__gte=since)
                .values("pod_id").annotate(n=Count("id")).values_list("pod_id", "n"))
    return {pk: float(rows.get(pk, 0)) for pk in pod_ids}


def postmortems_missing_values(organization: Organization, pod_ids: list[int],
                               today: datetime.date) -> dict[int, float]:
    """The pod's incidents older than two weeks still without a published post-mortem (0 for none)."""
    cutoff = today - datetime.timedelta(days=POSTMORTEM_GRACE_DAYS)
    rows = dict(Incident.objects.for_org(organization)
                .filter(pod_id__in=pod_ids, started_at__date__lt=cutoff)
                .filter(~Q(postmortem__is_published=True))
                .values("pod_id").annotate(n=Count("id")).values_list("pod_id", "n"))
    return {pk: float(rows.get(pk, 0)) for pk in pod_ids}
