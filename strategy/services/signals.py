"""Signals: teams as strategic sensors. A pod member raises one; near-identical signals of other
pods join its group (full-text match or trigram similarity of the title), so leaders see "raised
by 4 pods" once; a leader triages the group (acknowledge, adopt, park, decline with a reason),
within the organization's SLA; both sides are notified. Adopting can create a theme or an outcome.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from integrations.payloads import webhook_data
from integrations.services import event_emit
from pods.models import Pod
from strategy.models import SIGNAL_MOVES, Signal, SignalKind, SignalStatus, Theme
from strategy.quarters import Quarter
from strategy.services import outcome_create, theme_create
from tenancy.audit import snapshot
from tenancy.cache import STRATEGY, pod_scope
from tenancy.models import Membership, Organization, User
from tenancy.notifications import notify
from tenancy.selectors import leader_memberships
from tenancy.writes import current_write, org_write

SIGNAL_FIELDS = ("pod", "kind", "title", "body", "theme", "status", "reason", "group")
SIMILARITY = 0.45  # trigram similarity of titles above which two signals are "the same"
GROUP_WINDOW = datetime.timedelta(days=180)  # older signals no longer gather new ones
NEEDS_REASON = (SignalStatus.PARKED, SignalStatus.DECLINED)


def signal_url(signal: Signal) -> str:
    return reverse("strategy:signal_detail", args=[signal.organization.slug, signal.pk])


def _similar_root(organization: Organization, pod: Pod, title: str, body: str) -> Signal | None:
    """The group (its first signal) of the most similar recent, undeclined signal of another pod."""
    query = SearchQuery(title, search_type="plain", config="english")
    candidates = (Signal.objects.for_org(organization)
                  .filter(created_at__gte=timezone.now() - GROUP_WINDOW)
                  .exclude(pod=pod).exclude(status=SignalStatus.DECLINED)
                  .annotate(similarity=TrigramSimilarity("title", title),
                            matches=SearchVector("title", "body", config="english"))
                  .filter(Q(similarity__gte=SIMILARITY) | Q(matches=query))
                  .order_by("-similarity", "created_at", "id"))
    best = candidates.only("id", "group_id").first()
    if best is None:
        return None
    return Signal.objects.for_org(organization).get(pk=best.group_root_id)


def _clean(field: str, value: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This field is required."})
    return value


@org_write.service(STRATEGY)
def signal_raise(*, organization: Organization, actor: User | None, pod: Pod, kind: str, title: str,
                 raised_by: Membership | None = None, body: str = "", theme: Theme | None = None) -> Signal:
    """Raise a signal for leaders; it joins the group of a near-identical one from another pod."""
    w = current_write()
    w.same_org("pod", pod)
    w.same_org("theme", theme)
    if kind not in SignalKind.values:
        raise ValidationError({"kind": f"Use one of {', '.join(SignalKind.values)}."})
    title, body = _clean("title", title), _clean("body", body, required=False)
    root = _similar_root(organization, pod, title, body)
    signal = Signal.objects.create(
        organization=organization, pod=pod, raised_by=raised_by, kind=kind, title=title, body=body, theme=theme,
        group=root, triage_due_at=timezone.now() + datetime.timedelta(hours=organization.default_sla_hours))
    if root is not None and root.status != SignalStatus.NEW:  # the group was triaged: this one follows it
        Signal.objects.for_org(organization).filter(pk=signal.pk).update(
            status=root.status, reason=root.reason, triaged_by=root.triaged_by, triaged_at=root.triaged_at)
        signal.refresh_from_db()
    w.audit("signal.raised", target=signal, after=snapshot(signal, SIGNAL_FIELDS))
    w.touch(pod_scope(pod.pk))
    leaders = [theme.owner] if theme is not None else list(leader_memberships(organization=organization)
                                                             .select_related("user"))
    more = f" (now raised by {_pod_count(organization, root.pk)} pods)" if root is not None else ""
    notify(organization=organization, users=[m.user for m in leaders], kind="strategy.signal_raised",
           title=f"{pod.name} raised a signal: {title}{more}", body=body[:500], url=signal_url(signal))
    return signal


def _pod_count(organization: Organization, root_id: int) -> int:
    return Signal.objects.for_org(organization).filter(Q(pk=root_id) | Q(group_id=root_id)) \
        .values("pod_id").distinct().count()


@org_write.service(STRATEGY)
def signal_triage(*, organization: Organization, actor: User | None, signal: Signal, status: str,
                  triaged_by: Membership, reason: str = "", create_theme: Quarter | None = None,
                  create_outcome: dict[str, Any] | None = None) -> Signal:
    """Move the signal's whole group to `status`. Parking and declining need a reason; adopting may
    create a theme (for the given quarter, owned by the triaging leader) or an outcome (for the
    signal's pod, in the given theme)."""
    w = current_write()
    w.same_org("signal", signal)
    root_id = signal.group_root_id
    group = list(Signal.objects.for_org(organization).filter(Q(pk=root_id) | Q(group_id=root_id))
                 .select_related("raised_by__user").select_for_update(of=("self",)).order_by("pk"))
    root = next(s for s in group if s.pk == root_id)
    if status not in SignalStatus.values:
        raise ValidationError({"status": f"Use one of {', '.join(SignalStatus.values)}."})
    if status not in SIGNAL_MOVES[root.status]:
        raise ValidationError({"status": f"A signal that is {root.get_status_display().lower()} cannot be "
                                         f"moved to {SignalStatus(status).label.lower()}."})
    reason = _clean("reason", reason, required=status in NEEDS_REASON)
    if (create_theme or create_outcome) and status != SignalStatus.ADOPTED:
        raise ValidationError({"status": "Only an adopted signal creates a theme or an outcome."})
    if create_theme and create_outcome:
        raise ValidationError({"create_outcome": "Create a theme or an outcome, not both."})
    adopted: dict[str, Any] = {}
    if create_theme is not None:
        adopted["adopted_theme"] = theme_create(organization=organization, actor=actor, owner=triaged_by,
                                                title=root.title, description=root.body, quarter=create_theme)
    if create_outcome is not None:
        adopted["adopted_outcome"] = outcome_create(organization=organization, actor=actor, pod=signal.pod,
                                                    **create_outcome)
    now = timezone.now()
    for s in group:
        before = snapshot(s, ("status", "reason"))
        s.status, s.reason, s.triaged_by, s.triaged_at = status, reason, triaged_by, now
        for field, value in adopted.items():
            setattr(s, field, value)
        s.save()
        w.audit("signal.triaged", target=s, before=before,
                after={**snapshot(s, ("status", "reason")), **{k: v.pk for k, v in adopted.items()}})
        w.touch(pod_scope(s.pod_id))
    event_emit(organization=organization, type="signal.triaged",
               data=webhook_data(root, reason=reason, signal_ids=[s.pk for s in group],
                                 **{f"{k}_id": v.pk for k, v in adopted.items()}))
    raisers = [s.raised_by.user for s in group if s.raised_by is not None]
    notify(organization=organization, users=raisers, kind="strategy.signal_triaged",
           title=f"Your signal “{root.title}” was {SignalStatus(status).label.lower()}",
           body=reason, url=signal_url(root))
    return next(s for s in group if s.pk == signal.pk)
