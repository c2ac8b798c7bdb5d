"""The pod intake inbox and its measures: per pod and month, the share the lead absorbed (answered
or declined without bothering anyone), the share routed to a member (interruptions that reached
engineers), and the median time to the lead's first answer. One aggregate query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Q, QuerySet
from django.db.models.functions import Extract, TruncMonth
from django.utils import timezone

from pods.permissions import led_pods
from strategy.models import IntakeRequest, IntakeStatus
from tenancy.models import Membership, Organization


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class IntakeMonth:
    pod_id: int
    month: datetime.date  # its first day
    asked: int
    answered_by_lead: int
    routed: int  # interruptions that reached an engineer
    declined: int
    open: int  # the lead has not moved yet
    absorbed_share: float | None  # (answered by the lead + declined) / those the lead moved
    routed_share: float | None
    median_first_answer_hours: float | None


def intake_visible_q(viewer: Membership) -> Q:
    """Admins see every request; a pod lead their pods'; others what they asked or were routed."""
    if viewer.is_admin:
        return Q()
    return Q(pod_id__in=led_pods(viewer)) | Q(asked_by=viewer) | Q(routed_to__user_id=viewer.user_id)


def intake_list(*, organization: Organization, viewer: Membership, pod: Any = None,
                status: str = "") -> QuerySet[IntakeRequest]:
    qs = IntakeRequest.objects.for_org(organization).filter(intake_visible_q(viewer)).select_related(
        "pod", "asked_by__user", "routed_to", "answered_by")
    if pod is not None:
        qs = qs.filter(pod=pod)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def intake_get(*, organization: Organization, viewer: Membership, pk: Any) -> IntakeRequest:
    return intake_list(organization=organization, viewer=viewer).get(pk=pk)


def intake_measures(*, organization: Organization, pod_ids: list[int] | None = None, months: int = 6,
                    today: datetime.date | None = None) -> list[IntakeMonth]:
    """Per pod and month (the last `months`, this one included), newest month first."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _ in range(max(months, 1) - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    qs = IntakeRequest.objects.for_org(organization).filter(created_at__gte=since)
    if pod_ids is not None:
        qs = qs.filter(pod_id__in=pod_ids)
    wait = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    rows = (qs.annotate(month=TruncMonth("created_at")).values("pod_id", "month").annotate(
        asked=Count("id"),
        answered_by_lead=Count("id", filter=Q(status=IntakeStatus.ANSWERED, routed_to__isnull=True)),
        routed=Count("id", filter=Q(routed_to__isnull=False)),
        declined=Count("id", filter=Q(status=IntakeStatus.DECLINED)),
        open=Count("id", filter=Q(status=IntakeStatus.OPEN)),
        median_wait=Median(Extract(wait, "epoch"), filter=Q(first_response_at__isnull=False)),
    ).order_by("-month", "pod_id"))
    out = []
    for r in rows:
        moved = r["asked"] - r["open"]
        absorbed = r["answered_by_lead"] + r["declined"]
        out.append(IntakeMonth(
            pod_id=r["pod_id"], month=timezone.localdate(r["month"]) if isinstance(r["month"], datetime.datetime)
            else r["month"], asked=r["asked"], answered_by_lead=r["answered_by_lead"], routed=r["routed"],
            declined=r["declined"], open=r["open"],
            absorbed_share=round(absorbed / moved, 3) if moved else None,
            routed_share=round(r["routed"] / moved, 3) if moved else None,
            median_first_answer_hours=round(r["median_wait"] / 3600, 2) if r["median_wait"] is not None else None))
    return out
