"""The seam to budgets. Resources' budget ledger (holds on admission, postings on use, voids on
release) has not landed yet: when it does, `budget_hold_for_request` places a hold through
`resources.services` for the engagement's cost and returns its id; until then it records nothing
and says so (None), and acceptance goes on."""

from __future__ import annotations

from decimal import Decimal

from bench.models import StaffingRequest
from tenancy.models import Organization, User


def engagement_cost(*, rate_per_hour: Decimal, hours_per_week: float, weeks: int) -> Decimal:
    return (Decimal(rate_per_hour) * Decimal(str(hours_per_week)) * weeks).quantize(Decimal("0.01"))


def budget_hold_for_request(*, organization: Organization, actor: User | None, request: StaffingRequest,
                            amount: Decimal) -> int | None:
    try:
        from resources import services as resources_services
    except ImportError:  # pragma: no cover - resources is installed everywhere today
        return None
    hold = getattr(resources_services, "budget_hold_place", None)
    if hold is None or amount <= 0:
        return None
    placed = hold(organization=organization, actor=actor, pod=request.pod, amount=amount,
                  category="services", reference=f"staffing_request:{request.pk}")
    return getattr(placed, "pk", None)
