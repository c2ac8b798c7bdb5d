"""What the elastic bench contributes to the leader's overview (registered in its AppConfig): the
bench tile (fill rate of staffing requests, open requests) and staffing requests still open past
their start date in the attention queue. Reads the bench's own tables; dashboards stores and
aggregates what these return."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from bench.models import RequestStatus, StaffingRequest
from tenancy.models import Organization
from tenancy.registry import ATTENTION_LIMIT, AttentionItem, Fact

REQUEST_METRIC = "staffing.request"  # per request filed that day: 1 when it was filled, 0 otherwise
OPEN_METRIC = "staffing.open"  # organization gauge on the last day asked for: requests waiting
FILLED = (RequestStatus.ACCEPTED, RequestStatus.FULFILLED)
WAITING = (RequestStatus.OPEN, RequestStatus.PROPOSED)


def bench_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Two queries. Drafts and withdrawn requests are no demand and are left out."""
    rows = (StaffingRequest.objects.for_org(organization)
            .filter(created_at__date__gte=start, created_at__date__lte=end)
            .exclude(status__in=(RequestStatus.DRAFT, RequestStatus.WITHDRAWN))
            .values_list("pod_id", "created_at", "status"))
    facts = [Fact(REQUEST_METRIC, timezone.localdate(at), 1.0 if status in FILLED else 0.0, pod)
             for pod, at, status in rows]
    waiting = StaffingRequest.objects.for_org(organization).filter(status__in=WAITING).count()
    facts.append(Fact(OPEN_METRIC, end, float(waiting)))
    return facts


def requests_past_start(organization: Organization, now: datetime.datetime,
                        until: datetime.datetime) -> list[AttentionItem]:
    """Staffing requests still waiting for a person after the day they were needed from (shown
    from the next midnight, overdue since that day began); one query."""
    last = timezone.localdate(until)
    rows = (StaffingRequest.objects.for_org(organization).filter(status__in=WAITING, start_date__lt=last)
            .select_related("pod").order_by("start_date", "pk")[:ATTENTION_LIMIT])
    tz = timezone.get_current_timezone()
    return [AttentionItem(
        source="staffing_past_start", title=f"{r.pod.name} still needs: {r.title}",
        detail=f"Needed from {r.start_date.isoformat()} · {r.get_status_display()}", pod_id=r.pod_id,
        url=reverse("pods:pod_detail", args=[organization.slug, r.pod_id]),
        due_at=datetime.datetime.combine(r.start_date, datetime.time.min, tzinfo=tz),
        show_from=datetime.datetime.combine(r.start_date + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))
        for r in rows]
