"""What governance contributes to the leader's overview (registered in `GovernanceConfig.ready`):
the approval cycle-time tile, escalations past SLA in the attention queue, and the governance
scorecard measures. Reads governance's own tables; dashboards stores and aggregates the result."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from governance.models import ACTIVE_STATUSES, DeploymentReview, Escalation, Gate, Outcome
from governance.selectors import overdue_counts
from pods.selectors import pod_lead_memberships
from tenancy.models import Organization
from tenancy.registry import ATTENTION_LIMIT, AttentionItem, Fact, day_range

CYCLE_METRIC = "escalation.cycle_h"  # one fact per decided escalation: filed → decided, in hours
BREACH_METRIC = "escalation.breached"  # one fact per SLA breach, on the day the SLA ran out
GATE_WINDOW_DAYS = 180


def cycle_time_facts(organization: Organization, start: datetime.date, end: datetime.date) -> list[Fact]:
    """Cycle time of each escalation decided in [start, end] (approvals only: the pod deciding
    itself is no approval), and each SLA breach that fell due in the range. Two queries."""
    lo, hi = day_range(start, end)
    decided = (Escalation.objects.for_org(organization)
               .filter(self_decided=False, decided_at__gte=lo, decided_at__lt=hi)
               .values_list("pod_id", "filed_at", "decided_at"))
    facts = [Fact(CYCLE_METRIC, timezone.localdate(d), round(max(0.0, (d - f).total_seconds()) / 3600, 2), pod)
             for pod, f, d in decided.iterator(chunk_size=2000) if d is not None]  # (always: filtered)
    breached = (Escalation.objects.for_org(organization)
                .filter(breach_count__gt=0, due_at__gte=lo, due_at__lt=hi)
                .values_list("pod_id", "due_at", "breach_count"))
    facts += [Fact(BREACH_METRIC, timezone.localdate(due), float(n), pod) for pod, due, n in breached]
    return facts


def escalations_past_sla(organization: Organization, now: datetime.datetime,
                         until: datetime.datetime) -> list[AttentionItem]:
    """Open escalations whose SLA runs out before `until`, most overdue first; each seen by
    leaders (`governance.view_all`), the pod's leads and its routed approvers, the same people
    `escalation_visible_q` lets open it. Three queries."""
    rows = list(Escalation.objects.for_org(organization)
                .filter(status__in=ACTIVE_STATUSES, due_at__lt=until)
                .select_related("pod").order_by("due_at", "pk")[:ATTENTION_LIMIT])
    leads = pod_lead_memberships(organization=organization, pod_ids={e.pod_id for e in rows})
    routed: dict[int, set[int]] = {}
    for esc_id, membership_id in (Escalation.approvers.through.objects
                                  .filter(escalation_id__in=[e.pk for e in rows])
                                  .values_list("escalation_id", "membership_id")):
        routed.setdefault(esc_id, set()).add(membership_id)
    return [AttentionItem(
        source="escalations_past_sla", title=e.title, due_at=e.due_at, pod_id=e.pod_id,
        detail=f"{e.pod.name} · {e.get_status_display()}",
        url=reverse("governance:escalation_detail", args=[organization.slug, e.pk]),
        viewers=tuple(sorted(set(leads.get(e.pod_id, ())) | routed.get(e.pk, set()))))
        for e in rows if e.due_at is not None]  # (always: filtered on due_at)


def breached_open_values(organization: Organization, pod_ids: list[int],
                         today: datetime.date) -> dict[int, float]:
    """Open escalations past their SLA, per pod (0 for a pod with none)."""
    counts = overdue_counts(organization=organization, pod_ids=pod_ids)
    return {pk: float(counts.get(pk, (0, None))[0]) for pk in pod_ids}


def gate_pass_values(organization: Organization, pod_ids: list[int], today: datetime.date) -> dict[int, float]:
    """% of the pod's deployment reviews of the last 180 days that passed the gate (directly, or
    approved by a person); a pod without reviews has no value."""
    since = today - datetime.timedelta(days=GATE_WINDOW_DAYS)
    rows = (DeploymentReview.objects.for_org(organization)
            .filter(pod_id__in=pod_ids, created_at__date__gte=since).values("pod_id")
            .annotate(n=Count("id"), passed=Count("id", filter=Q(gate=Gate.PASS)
                                                  | Q(escalation__outcome=Outcome.APPROVED))))
    return {r["pod_id"]: round(100 * r["passed"] / r["n"], 1) for r in rows}
