"""What pods contributes to the leader's overview (registered in `PodsConfig.ready`): the pod health
tile, the sponsor filter, "pods at risk" in the attention queue and the health scorecard measures.

Each function reads pods' own data through its selectors; the dashboards app stores and
aggregates what they return and never reads pods' tables."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.urls import reverse

from pods.health import FAIL, LEVEL_ORDER, NOT_ASSESSED
from pods.health_selectors import pod_health_attach
from pods.models import Assignment, Pod, PodStatus, TeamType
from pods.selectors import pod_list
from tenancy.models import Organization
from tenancy.registry import ATTENTION_LIMIT, AttentionItem, Fact
from tenancy.selectors import leader_memberships

# The health tile snapshots pods weekly (and on the last day asked for): a state, not an event.
HEALTH_METRIC = "pod.health"


def _snapshot_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = [d for d in (start + datetime.timedelta(n) for n in range((end - start).days + 1))
            if d.weekday() == 6]
    if not days or days[-1] != end:
        days.append(end)
    return days


def health_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Each pod's health level (0 healthy, 1 at risk, 2 unhealthy) on each Sunday and on `end`;
    pods that did not exist yet or are sunset are left out."""
    facts: list[Fact] = []
    pods = list(pod_list(organization=organization).exclude(status=PodStatus.SUNSET))
    for day in _snapshot_days(start, end):
        alive = [p for p in pods if p.created_at.date() <= day]
        for pod in pod_health_attach(organization, [_copy(p) for p in alive], today=day):
            if pod.health.level != NOT_ASSESSED:
                facts.append(Fact(HEALTH_METRIC, day, LEVEL_ORDER[pod.health.level], pod.pk))
    return facts


def _copy(pod: Pod) -> Pod:
    """A fresh instance: `pod_health_attach` keeps figures it finds attached, and each day needs its own."""
    clone = Pod(pk=pod.pk, organization_id=pod.organization_id, name=pod.name, status=pod.status,
                sponsor_id=pod.sponsor_id)
    clone.created_at = pod.created_at
    return clone


def sponsor_values(organization: Organization) -> dict[int, list[str]]:
    return {pk: [str(s)] for pk, s in pod_list(organization=organization).values_list("pk", "sponsor_id")
            if s is not None}


def team_type_values(organization: Organization) -> dict[int, list[str]]:
    """Each pod's Team API type (#12), for the overview's pod-type filter; undeclared pods have none."""
    return {pk: [t] for pk, t in pod_list(organization=organization).values_list("pk", "team_type") if t}


def team_type_choices(organization: Organization) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in TeamType.choices]


def sponsor_choices(organization: Organization) -> list[tuple[str, str]]:
    return [(str(m.pk), m.user.full_name or m.user.email)
            for m in leader_memberships(organization=organization).select_related("user")]


def pods_at_risk(organization: Organization, now: datetime.datetime,
                 until: datetime.datetime) -> list[AttentionItem]:
    """Unhealthy pods (no lead or several), overdue since their last lead left (or since they were
    created, when they never had one); health as of `now`, in four queries."""
    today = now.date()
    pods = list(pod_list(organization=organization, health=FAIL, today=today)[:ATTENTION_LIMIT])
    left = dict(Assignment.objects.for_org(organization).filter(pod__in=pods, role__is_lead=True,
                                                                end_date__lt=today)
                .values("pod").annotate(last=Max("end_date")).values_list("pod", "last"))
    items = []
    for pod in pod_health_attach(organization, pods, today=today):
        since = left.get(pod.pk)
        due = (datetime.datetime.combine(since, datetime.time.min, tzinfo=now.tzinfo) if since
               else pod.created_at)
        problems = "; ".join(r.message for r in pod.health.problems if r.level == FAIL)
        items.append(AttentionItem(
            source="pods_at_risk", title=f"{pod.name} is unhealthy", detail=problems,
            url=reverse("pods:pod_detail", args=[organization.slug, pod.pk]), due_at=due, pod_id=pod.pk))
    return items


def health_level_values(organization: Organization, pod_ids: list[int], today: datetime.date) -> dict[int, float]:
    """0 healthy, 1 at risk, 2 unhealthy."""
    pods = pod_health_attach(organization, pod_list(organization=organization).filter(pk__in=pod_ids), today=today)
    return {p.pk: float(LEVEL_ORDER[p.health.level]) for p in pods if p.health.level != NOT_ASSESSED}


def protected_share_values(organization: Organization, pod_ids: list[int],
                           today: datetime.date) -> dict[int, float]:
    """% of the pod's members with protected time."""
    pods = pod_health_attach(organization, pod_list(organization=organization).filter(pk__in=pod_ids), today=today)
    return {p.pk: round(100 * p.protected_count / p.member_count) if p.member_count else 0.0 for p in pods}


def charter_current_values(organization: Organization, pod_ids: list[int],
                           today: datetime.date) -> dict[int, float]:
    """1 when the pod has a charter whose review is not overdue."""
    pods = pod_health_attach(organization, pod_list(organization=organization).filter(pk__in=pod_ids), today=today)
    return {p.pk: 1.0 if p.charter_review and p.charter_review >= today else 0.0 for p in pods}


