"""Reads for the service marketplace, scoped to the organization; lists in a constant number of
queries (the month's booked units come in one annotated query)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pods.models import Pod
from pods.permissions import led_pods
from pods.selectors import pod_list
from resources.market.models import BOOKED_STATES, RequestState, ServiceOffering, ServiceRequest
from tenancy.models import Membership, Organization
from tenancy.permissions import can


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def offering_list(*, organization: Organization, q: str = "", provider_id: int | None = None,
                  active_only: bool = True, month: dt.date | None = None) -> QuerySet[ServiceOffering]:
    """Offerings with `booked` (units accepted for `month`, this one by default) and `open_requests`."""
    lo, hi = month_bounds(month or timezone.localdate())
    booked = (ServiceRequest.objects.for_org(organization)
              .filter(offering=OuterRef("pk"), state__in=BOOKED_STATES, needed_by__gte=lo, needed_by__lt=hi)
              .values("offering").annotate(s=Sum("quantity")).values("s"))
    waiting = (ServiceRequest.objects.for_org(organization)
               .filter(offering=OuterRef("pk"), state=RequestState.REQUESTED)
               .values("offering").annotate(s=Sum(Value(1))).values("s"))
    qs = (ServiceOffering.objects.for_org(organization).select_related("provider")
          .annotate(booked=Coalesce(Subquery(booked, output_field=IntegerField()), 0),
                    open_requests=Coalesce(Subquery(waiting, output_field=IntegerField()), 0)))
    if active_only:
        qs = qs.filter(active=True)
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q) | Q(provider__name__icontains=q)
                       | Q(unit__icontains=q))
    return qs.order_by("name", "id")


def offering_get(*, organization: Organization, pk: Any) -> ServiceOffering:
    return offering_list(organization=organization, active_only=False).get(pk=pk)


def offering_choices(*, organization: Organization) -> QuerySet[ServiceOffering]:
    return ServiceOffering.objects.for_org(organization).select_related("provider").order_by("name", "id")


def request_list(*, organization: Organization, viewer: Membership | None, side: str = "",
                 every: bool = False, state: str = "", offering_id: int | None = None,
                 pod_id: int | None = None, breached: bool | None = None) -> QuerySet[ServiceRequest]:
    """Requests the viewer may read. `side`: "provider" (to pods the viewer leads), "requester"
    (from them), or "" (both). Leaders see every request with `every` (or with no side)."""
    qs = (ServiceRequest.objects.for_org(organization)
          .select_related("offering__provider", "pod", "requested_by"))
    sees_all = viewer is None or can(viewer, "market.view_all")
    if not (sees_all and (every or not side)):
        mine = led_pods(viewer) if viewer is not None else set()
        if side == "provider":
            qs = qs.filter(offering__provider_id__in=mine)
        elif side == "requester":
            qs = qs.filter(pod_id__in=mine)
        else:
            qs = qs.filter(Q(offering__provider_id__in=mine) | Q(pod_id__in=mine))
    if state:
        qs = qs.filter(state=state)
    if offering_id:
        qs = qs.filter(offering_id=offering_id)
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    if breached is not None:
        qs = qs.filter(sla_breached_at__isnull=not breached)
    return qs.order_by("-created_at", "-id")


def request_get(*, organization: Organization, viewer: Membership | None, pk: Any) -> ServiceRequest:
    return request_list(organization=organization, viewer=viewer).get(pk=pk)


def provider_pods(*, organization: Organization, viewer: Membership) -> QuerySet[Pod]:
    """Pods the viewer may offer services for (admins: every pod)."""
    pods = pod_list(organization=organization)
    return pods if can(viewer, "resources.manage_pools") else pods.filter(pk__in=led_pods(viewer))


requesting_pods = provider_pods  # the same rule on the other side: admins any pod, leads their own


def organizations_with_open_requests() -> list[int]:
    # unscoped: the beat task fans out to every organization with requests awaiting an answer.
    return list(ServiceRequest.unscoped.filter(state=RequestState.REQUESTED).order_by()
                .values_list("organization_id", flat=True).distinct())
