"""The seam to budgets: an accepted engagement holds its cost on the pod's `services` budget through
the resources ledger (`resources.services.budget_hold`), one hold per quarter the engagement spans.

- A quarter for which the pod has no services budget has no limit and nothing is held (as resources
  treats a pod without a compute budget): budgets are opt-in per pod and quarter.
- A budget without room refuses: a `ValidationError` on `budget` with the ledger's figures. It is
  raised inside the acceptance's transaction, so nothing of the acceptance is written.
- Once the engagement's assignment has ended (on its date, earlier when a release was accepted), the
  worker settles its holds (`budget_holds_settle`): each quarter's hold posts its share for the weeks
  the assignment actually ran there and voids the rest, so a shortened engagement frees its budget.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from bench import matching_selectors as ms
from bench.models import StaffingRequest
from resources.budget_selectors import budget_figures, budget_for
from resources.models import Budget, BudgetCategory, LedgerEntry, LedgerKind
from resources.services import budget_hold, budget_post, budget_void, quarter_of
from tenancy.models import Organization, User

CATEGORY = BudgetCategory.SERVICES


def engagement_cost(*, rate_per_hour: Decimal, hours_per_week: float, weeks: int) -> Decimal:
    return (Decimal(rate_per_hour) * Decimal(str(hours_per_week)) * weeks).quantize(Decimal("0.01"))


REFERENCE = "bench:staffing:"
CENT = Decimal("0.01")


def hold_reference(request: StaffingRequest) -> str:
    return f"{REFERENCE}{request.pk}"


def weeks_by_quarter(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """How many of the engagement's weeks (those touching `[start, end)`) fall in each quarter; a week
    counts in the quarter of its first day inside the engagement."""
    out: dict[str, int] = {}
    for wk in ms.window_weeks(start, end):
        q = quarter_of(max(start, ms.week_start(wk)))
        out[q] = out.get(q, 0) + 1
    return out


# (pod id, quarter) → (credits left, overrun allowed) of the pod's services budget for that quarter.
BudgetRoom = dict[tuple[int, str], tuple[Decimal, bool]]


def services_budget_room(*, organization: Organization, pod_ids: set[int], quarters: set[str]) -> BudgetRoom:
    """What is left on the pods' services budgets of these quarters (those that exist): one query for
    the budgets, one for each budget's figures."""
    if not pod_ids or not quarters:
        return {}
    return {(b.pod_id, b.quarter): (budget_figures(b)["available"], b.allow_overrun)
            for b in Budget.objects.for_org(organization).filter(pod_id__in=pod_ids, quarter__in=quarters,
                                                                 category=CATEGORY)}


def engagement_quarters(requests: list[StaffingRequest]) -> set[str]:
    return {q for r in requests for q in weeks_by_quarter(r.start_date, r.end_date)}


def with_budget_line(lines: list[str], *, request: StaffingRequest, inputs: dict[str, Any],
                     room: BudgetRoom) -> list[str]:
    """An `add` rationale (`bench.solver.rationale`) with the budget sentence before its score line.
    A candidate whose acceptance the budget would refuse is never suggested: for it this raises the
    refusal (a `ValidationError` on `budget`, with the figures) instead of explaining it."""
    money = budget_line(request=request, rate_per_hour=Decimal(str(inputs.get("rate") or 0)),
                        hours_per_week=float(inputs["need"][0]) if inputs["need"] else 0.0, room=room)
    return [*lines[:-1], money, lines[-1]] if money and lines else lines


def budget_line(*, request: StaffingRequest, rate_per_hour: Decimal, hours_per_week: float,
                room: BudgetRoom) -> str | None:
    """The rationale's sentence on cost against the pod's services budget, quarter by quarter (None
    when the engagement costs nothing). Raises a `ValidationError` on `budget` naming the quarters
    and figures when a budget without overrun has less left than the engagement would hold."""
    if rate_per_hour <= 0 or hours_per_week <= 0:
        return None
    fits: list[str] = []
    over: list[str] = []
    for q, weeks in sorted(weeks_by_quarter(request.start_date, request.end_date).items()):
        cost = engagement_cost(rate_per_hour=rate_per_hour, hours_per_week=hours_per_week, weeks=weeks)
        if (request.pod_id, q) not in room:
            continue
        left, overrun = room[(request.pod_id, q)]
        (over if cost > left and not overrun else fits).append(f"{q} {cost:,.0f} of {max(left, Decimal(0)):,.0f} left")
    if over:
        raise ValidationError({"budget": f"Over the pod's services budget ({'; '.join(over)}): accepting would be "
                                         "refused until the budget is raised."})
    if fits:
        return f"Within the pod's services budget: {'; '.join(fits)}."
    return "The pod has no services budget for these quarters: no limit, nothing is held."


def budget_holds_for_request(*, organization: Organization, actor: User | None, request: StaffingRequest,
                             rate_per_hour: Decimal, hours_per_week: float) -> list[LedgerEntry]:
    """Hold the engagement's cost on the pod's services budget of every quarter it spans that has
    one; [] when none does or the engagement costs nothing. Refuses (ValidationError on `budget`)
    when a budget has no room, naming the quarter and the figures."""
    holds: list[LedgerEntry] = []
    for quarter, weeks in sorted(weeks_by_quarter(request.start_date, request.end_date).items()):
        amount = engagement_cost(rate_per_hour=rate_per_hour, hours_per_week=hours_per_week, weeks=weeks)
        if amount <= 0 or budget_for(organization, request.pod_id, CATEGORY, quarter) is None:
            continue
        try:
            holds.append(budget_hold(
                organization=organization, actor=actor, pod=request.pod, category=CATEGORY, amount=amount,
                quarter=quarter, reference=hold_reference(request),
                memo=f"{request.title}: {weeks} week(s) × {hours_per_week:g} h at {rate_per_hour}/h"))
        except ValidationError as exc:
            reasons = "; ".join(m for ms_ in exc.message_dict.values() for m in ms_)
            raise ValidationError({"budget": f"The pod's services budget for {quarter} cannot hold "
                                              f"{amount} credits for this engagement: {reasons}"}) from exc
    return holds


def budget_holds_settle(*, organization: Organization, actor: User | None, today: datetime.date) -> int:
    """Settle the open holds of engagements whose assignment ended before `today`: per quarter, post
    the hold's share for the weeks the assignment ran (the hold was placed for the request's planned
    weeks) and void the rest. Returns how many holds were settled."""
    open_holds = list(
        LedgerEntry.objects.for_org(organization).filter(kind=LedgerKind.HOLD, reference__startswith=REFERENCE)
        .annotate(settled=Coalesce(Sum("settlements__amount"), Value(Decimal(0)),
                                   output_field=DecimalField(max_digits=14, decimal_places=2)))
        .filter(settled__lt=F("amount")).select_related("budget"))
    by_request: dict[int, list[tuple[LedgerEntry, Decimal]]] = {}
    for row in open_holds:
        tail = row.reference[len(REFERENCE):]
        if tail.isdigit():
            by_request.setdefault(int(tail), []).append((row, row.amount - row.settled))
    if not by_request:
        return 0
    ended = (StaffingRequest.objects.for_org(organization)
             .filter(pk__in=list(by_request), assignment__end_date__lt=today).select_related("assignment"))
    settled = 0
    for request in ended:
        a = request.assignment
        if a is None or a.end_date is None:  # the filter above guarantees both
            continue
        planned = weeks_by_quarter(request.start_date, request.end_date)
        ran = (weeks_by_quarter(a.start_date, a.end_date + datetime.timedelta(days=1))
               if a.end_date >= a.start_date else {})
        for hold, remaining in by_request[request.pk]:
            q = hold.budget.quarter
            share = (hold.amount * ran.get(q, 0) / planned[q]).quantize(CENT) if planned.get(q) else Decimal(0)
            used = min(share, remaining)
            why = f"{request.title}: the engagement ended on {a.end_date:%d %b %Y}"
            if used > 0:
                budget_post(organization=organization, actor=actor, hold=hold, amount=used, memo=why)
            budget_void(organization=organization, actor=actor, hold=hold, memo=why)
            settled += 1
    return settled
