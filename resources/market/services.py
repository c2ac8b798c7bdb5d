"""Writes for the service marketplace. Each is one `org_write` (one transaction, audited).

A transition locks the request's row, so two people acting on one request at once give one
success and one 409 (`IllegalTransition`: the second finds it in another state). Accepting also
locks the offering's row, so the monthly capacity holds however many accepts arrive at once
(`CapacityFull`, 409); the hold on the requester's "services" budget is the ledger's own
(`budget_hold` locks the budget row and refuses, with the figures, past the budget: 400).

Money: accepting holds quantity × unit price on the requester's services budget for this
quarter; delivery posts the whole hold and credits the provider pod with the same amount (an
`earn` entry on its services budget, see `budget_credit`); declining or cancelling an accepted
request voids the hold. A request of price 0 holds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from pods.models import Pod
from pods.selectors import pod_lead_users
from resources.market.models import (
    BOOKED_STATES,
    TRANSITIONS,
    RequestState,
    ServiceOffering,
    ServiceRequest,
)
from resources.models import BudgetCategory
from resources.services.ledger import budget_credit, budget_hold, budget_post, budget_void
from tenancy.audit import snapshot
from tenancy.cache import MARKET
from tenancy.models import Organization, User
from tenancy.notifications import notify
from tenancy.writes import current_write, org_write

CENT = Decimal("0.01")
MAX_PRICE = Decimal("1000000")
OFFERING_FIELDS = ("name", "description", "unit", "price", "response_sla_hours", "monthly_capacity", "active")


class MarketConflict(ValidationError):
    """The request's current state refuses this now (answered 409): an illegal transition, one
    that lost a race, or a month whose capacity is taken."""


class IllegalTransition(MarketConflict):
    pass


class CapacityFull(MarketConflict):
    pass


def _clean_offering(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise ValidationError({"name": "Name the service."})
        if len(out["name"]) > 120:
            raise ValidationError({"name": "At most 120 characters."})
    if "unit" in out:
        out["unit"] = (out["unit"] or "").strip() or "request"
        if len(out["unit"]) > 40:
            raise ValidationError({"unit": "At most 40 characters."})
    if "price" in out:
        try:
            price = Decimal(str(out["price"])).quantize(CENT)
        except (ArithmeticError, ValueError) as exc:
            raise ValidationError({"price": "Give a price in credits."}) from exc
        if not price.is_finite() or price < 0 or price > MAX_PRICE:
            raise ValidationError({"price": f"A price is between 0 and {MAX_PRICE} credits per unit."})
        out["price"] = price
    for field, top in (("response_sla_hours", 24 * 90), ("monthly_capacity", 100_000)):
        if field in out:
            value = out[field]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= top:
                raise ValidationError({field: f"Between 1 and {top}."})
    return out


def _name_taken(organization: Organization, provider: Pod, name: str, exclude: int | None = None) -> bool:
    qs = ServiceOffering.objects.for_org(organization).filter(provider=provider, name__iexact=name)
    return qs.exclude(pk=exclude).exists() if exclude else qs.exists()


@org_write.service(MARKET)
def offering_create(
    *, organization: Organization, actor: User | None, provider: Pod, name: str, price: Decimal | int | str,
    response_sla_hours: int, monthly_capacity: int, description: str = "", unit: str = "request",
    active: bool = True,
) -> ServiceOffering:
    w = current_write()
    w.same_org("provider", provider)
    data = _clean_offering({"name": name, "description": description, "unit": unit, "price": price,
                            "response_sla_hours": response_sla_hours, "monthly_capacity": monthly_capacity,
                            "active": active})
    if _name_taken(organization, provider, data["name"]):
        raise ValidationError({"name": f"{provider} already offers a service of that name."})
    offering = ServiceOffering.objects.create(organization=organization, provider=provider, **data)
    w.audit("service_offering.created", target=offering, after=snapshot(offering))
    return offering


@org_write.service(MARKET)
def offering_update(
    *, organization: Organization, actor: User | None, offering: ServiceOffering, **changes: Any
) -> ServiceOffering:
    """Change what is offered; requests already made keep their price (`unit_price`)."""
    w = current_write()
    w.same_org("offering", offering)
    unknown = set(changes) - set(OFFERING_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a field of an offering."})
    data = _clean_offering(changes)
    locked = ServiceOffering.objects.for_org(organization).select_for_update().get(pk=offering.pk)
    if "name" in data and _name_taken(organization, locked.provider, data["name"], exclude=locked.pk):
        raise ValidationError({"name": f"{locked.provider} already offers a service of that name."})
    before = snapshot(locked)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.save()
    w.audit("service_offering.updated", target=locked, before=before, after=snapshot(locked))
    return locked


def booked_units(organization: Organization, offering: ServiceOffering, month: dt.date) -> int:
    """Units of the offering accepted (or beyond) for the month starting `month`."""
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return int(ServiceRequest.objects.for_org(organization)
               .filter(offering=offering, state__in=BOOKED_STATES, needed_by__gte=month, needed_by__lt=nxt)
               .aggregate(s=Sum("quantity"))["s"] or 0)


def _inbox_url(organization: Organization, name: str) -> str:
    return reverse(f"market:{name}", kwargs={"org_slug": organization.slug})


@org_write.service(MARKET)
def request_create(
    *, organization: Organization, actor: User | None, offering: ServiceOffering, pod: Pod, quantity: int,
    needed_by: dt.date, note: str = "",
) -> ServiceRequest:
    """Ask `offering`'s provider for `quantity` units by `needed_by`, for `pod` (which pays)."""
    w = current_write()
    w.same_org("offering", offering)
    w.same_org("pod", pod)
    offering = ServiceOffering.objects.for_org(organization).select_related("provider").get(pk=offering.pk)
    if not offering.active:
        raise ValidationError({"offering": f"{offering} is not offered at the moment."})
    if pod.pk == offering.provider_id:
        raise ValidationError({"pod": "A pod does not request its own service."})
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise ValidationError({"quantity": "Ask for at least one unit."})
    if quantity > offering.monthly_capacity:
        raise ValidationError({"quantity": f"{offering} delivers at most {offering.monthly_capacity} "
                                           f"{offering.unit} a month: ask for that or less."})
    now = timezone.now()
    if needed_by < timezone.localdate():
        raise ValidationError({"needed_by": "This date has passed."})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": "At most 500 characters."})
    r = ServiceRequest.objects.create(
        organization=organization, offering=offering, pod=pod, requested_by=actor, quantity=quantity,
        needed_by=needed_by, note=note, unit_price=offering.price,
        sla_due_at=now + dt.timedelta(hours=offering.response_sla_hours))
    w.audit("service_request.created", target=r, after=snapshot(r))
    _notify_leads(organization, offering.provider, actor, f"Service requested: {offering}",
                  f"{quantity} {offering.unit} for {pod}, needed by {needed_by:%d %b %Y}", "inbox")
    return r


def _notify_leads(organization: Organization, pod: Pod, actor: User | None, title: str, body: str,
                  page: str) -> None:
    leads = pod_lead_users(organization=organization, pod_ids=[pod.pk]).get(pod.pk, [])
    users = [u for u in leads if u.pk != getattr(actor, "pk", None)]
    notify(organization=organization, users=users, kind="market", title=title, body=body,
           url=_inbox_url(organization, page))


def _locked(organization: Organization, request: ServiceRequest, action: str) -> ServiceRequest:
    r = (ServiceRequest.objects.for_org(organization).select_for_update(of=("self",))
         .select_related("offering__provider", "pod", "hold").get(pk=request.pk))
    sources, _target = TRANSITIONS[action]
    if r.state not in sources:
        raise IllegalTransition({"state": f"This request is {r.get_state_display().lower()}: it cannot be "
                                          f"{action}ed now{_from(sources)}."})
    return r


def _from(sources: frozenset[str]) -> str:
    names = " or ".join(sorted(RequestState(s).label.lower() for s in sources))
    return f" (only when {names})"


def _flag_late(r: ServiceRequest, now: dt.datetime) -> None:
    if r.sla_breached_at is None and now > r.sla_due_at:
        r.sla_breached_at = now


@org_write.service(MARKET)
def request_transition(
    *, organization: Organization, actor: User | None, request: ServiceRequest, action: str, reason: str = "",
) -> ServiceRequest:
    """Move a request on: accept, decline, deliver (the provider's side), cancel, close (the
    requester's). Illegal or lost to a race: `IllegalTransition` (409). The ledger moves with it."""
    w = current_write()
    w.same_org("request", request)
    if action not in TRANSITIONS:
        raise ValidationError({"action": f"Use one of: {', '.join(TRANSITIONS)}."})
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError({"reason": "At most 300 characters."})
    r = _locked(organization, request, action)
    before, now = snapshot(r), timezone.now()
    offering = r.offering
    if action == "accept":
        ServiceOffering.objects.for_org(organization).select_for_update().get(pk=offering.pk)
        taken = booked_units(organization, offering, r.month)
        if taken + r.quantity > offering.monthly_capacity:
            raise CapacityFull({"quantity": (
                f"{offering} is full for {r.month:%B %Y}: {taken} of {offering.monthly_capacity} "
                f"{offering.unit} accepted, {r.quantity} more asked.")})
        if r.cost > 0:
            r.hold = budget_hold(organization=organization, actor=actor, pod=r.pod,
                                 category=BudgetCategory.SERVICES, amount=r.cost,
                                 reference=f"service:{r.pk}", memo=f"{r.quantity} × {offering}"[:300])
        _flag_late(r, now)
        r.responded_at = now
    elif action == "decline":
        if r.state == RequestState.REQUESTED:
            _flag_late(r, now)
            r.responded_at = now
        _void(organization, actor, r, "declined")
        r.ended_at = now
    elif action == "cancel":
        _void(organization, actor, r, "cancelled")
        r.ended_at = now
    elif action == "deliver":
        if r.hold is not None:
            budget_post(organization=organization, actor=actor, hold=r.hold, amount=r.cost,
                        memo=f"delivered: {offering}"[:300])
            budget_credit(organization=organization, actor=actor, pod=offering.provider,
                          category=BudgetCategory.SERVICES, source=r.hold, amount=r.cost,
                          memo=f"delivered to {r.pod}: {offering}"[:300])
        r.delivered_at = now
    elif action == "close":
        r.ended_at = now
    r.state = TRANSITIONS[action][1]
    if reason:
        r.reason = reason
    r.save()
    w.audit(f"service_request.{r.state}", target=r, before=before, after=snapshot(r))
    provider_side = action in ("accept", "decline", "deliver")
    _notify_leads(organization, r.pod if provider_side else offering.provider, actor,
                  f"Service request {r.get_state_display().lower()}: {offering}",
                  f"{r.quantity} {offering.unit} for {r.pod}" + (f" · {reason}" if reason else ""),
                  "my_requests" if provider_side else "inbox")
    return r


def _void(organization: Organization, actor: User | None, r: ServiceRequest, why: str) -> None:
    if r.hold is not None:
        budget_void(organization=organization, actor=actor, hold=r.hold, memo=why)


@org_write.service(MARKET)
def sla_flag(*, organization: Organization, actor: User | None = None,
             now: dt.datetime | None = None) -> int:
    """Flag the requests still unanswered past their response SLA (the periodic task; safe to
    run twice: a flagged request is not flagged again). Returns how many were flagged."""
    w = current_write()
    now = now or timezone.now()
    late = list(ServiceRequest.objects.for_org(organization).select_for_update(skip_locked=True)
                .filter(state=RequestState.REQUESTED, sla_due_at__lt=now, sla_breached_at__isnull=True))
    for r in late:
        before = snapshot(r)
        r.sla_breached_at = now
        r.save(update_fields=["sla_breached_at", "updated_at"])
        w.audit("service_request.sla_breached", target=r, before=before, after=snapshot(r))
    return len(late)
