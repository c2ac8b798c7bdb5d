"""Signals for leaders: one row per group ("raised by 4 pods"), most overdue first."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from strategy.models import Signal, SignalStatus
from tenancy.models import Organization

OPEN = (SignalStatus.NEW, SignalStatus.ACKNOWLEDGED)


def signal_list(*, organization: Organization) -> QuerySet[Signal]:
    return Signal.objects.for_org(organization).select_related(
        "pod", "raised_by__user", "theme", "triaged_by__user", "adopted_theme", "adopted_outcome")


def signal_get(*, organization: Organization, pk: Any) -> Signal:
    return signal_list(organization=organization).get(pk=pk)


def signal_groups(*, organization: Organization, status: str = "", kind: str = "", theme: Any = None,
                  pod: Any = None) -> QuerySet[Signal]:
    """The first signal of each group, with `pod_count` and `signal_count` over its group,
    untriaged and most overdue first. `status` "open" is new or acknowledged. One query a page."""
    qs = signal_list(organization=organization).filter(group__isnull=True).annotate(
        signal_count=Count("grouped", distinct=True) + 1,
        pod_count=Count("grouped__pod", distinct=True, filter=~Q(grouped__pod=F("pod"))) + 1)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if theme is not None:
        qs = qs.filter(theme=theme)
    if pod is not None:
        qs = qs.filter(Q(pod=pod) | Q(grouped__pod=pod)).distinct()
    return qs.order_by("triage_due_at", "id")


def signal_group_members(*, organization: Organization, signal: Signal) -> QuerySet[Signal]:
    """Every signal of the signal's group, the first one first."""
    root = signal.group_root_id
    return signal_list(organization=organization).filter(Q(pk=root) | Q(group_id=root)).order_by("created_at", "id")


def signals_past_sla(*, organization: Organization, now: datetime.datetime | None = None) -> QuerySet[Signal]:
    """Groups still new after their triage due time, most overdue first."""
    return signal_list(organization=organization).filter(
        group__isnull=True, status=SignalStatus.NEW, triage_due_at__lt=now or timezone.now()
    ).order_by("triage_due_at", "id")


