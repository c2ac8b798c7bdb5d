"""Set-ups shared by the service-marketplace tests (built through the services, like real data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from resources import services as budgets
from resources.market import services
from tests.factories import member, pod_lead


def later(days: int = 10) -> dt.date:
    """A day in this month when possible (so accepts count against this month's capacity)."""
    today = timezone.localdate()
    day = today + dt.timedelta(days=days)
    return day if day.month == today.month else today


@dataclass
class Market:
    org: Any
    admin: Any
    provider_lead: Any
    provider: Any  # pod
    requester_lead: Any
    requester: Any  # pod
    offering: Any
    budget: Any  # the requester's services budget this quarter

    def ask(self, quantity: int = 2, *, actor: Any = None, pod: Any = None, offering: Any = None,
            needed_by: dt.date | None = None) -> Any:
        return services.request_create(organization=self.org, actor=(actor or self.requester_lead).user,
                                       offering=offering or self.offering, pod=pod or self.requester,
                                       quantity=quantity, needed_by=needed_by or later())

    def move(self, request: Any, action: str, actor: Any = None, reason: str = "") -> Any:
        who = actor or (self.provider_lead if action in ("accept", "decline", "deliver") else self.requester_lead)
        return services.request_transition(organization=self.org, actor=who.user, request=request, action=action,
                                           reason=reason)


def market_setup(org: Any, *, price: Any = "50", capacity: int = 10, budget: Any = "1000",
                 overrun: bool = False, sla_hours: int = 24) -> Market:
    """A provider pod offering "Data labelling" (price per batch, monthly capacity) and a requester
    pod with a services budget this quarter; each pod with its lead."""
    admin = member(org, "admin")
    provider_lead, _p, provider = pod_lead(org)
    requester_lead, _r, requester = pod_lead(org)
    offering = services.offering_create(organization=org, actor=provider_lead.user, provider=provider,
                                        name="Data labelling", unit="batch", price=Decimal(price),
                                        response_sla_hours=sla_hours, monthly_capacity=capacity,
                                        description="Labelled by people who know the domain.")
    b = budgets.budget_set(organization=org, actor=admin.user, pod=requester,
                           quarter=budgets.quarter_of(timezone.localdate()), category="services",
                           amount=Decimal(budget), allow_overrun=overrun)
    return Market(org, admin, provider_lead, provider, requester_lead, requester, offering, b)
