"""The seam to budgets: an accepted engagement holds its cost on the pod's `services` budget through
the resources ledger (`resources.services.budget_hold`), one hold per quarter the engagement spans.

- A quarter for which the pod has no services budget has no limit and nothing is held (as resources
  treats a pod without a compute budget): budgets are opt-in per pod and quarter.
- A budget without room refuses: a `ValidationError` on `budget` with the ledger's figures. It is
  raised inside the acceptance's transaction, so nothing of the acceptance is written.
- A later change of the assignment through the pods services (dates, allocation %, ended early,
  removed) re-settles at once (`budget_holds_resettle`, on `pods.signals.assignment_changed`): per
  quarter the holds follow what the engagement now costs at its booked rate, the difference voided
  or held more; more than the budget has room for refuses the change with the figures. Audited.
- Once the assignment has ended, the worker settles its holds (`budget_holds_settle`): they follow the
  weeks it actually ran, and what they still reserve is posted.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from bench import matching_selectors as ms
from bench.models import StaffingRequest
from pods.models import Assignment
from resources.budget_selectors import budget_figures, budget_for
from resources.models import Budget, BudgetCategory, LedgerEntry, LedgerKind
from resources.services import budget_hold, budget_post, budget_void, hold_remaining, quarter_of
from tenancy.models import Organization, User
from tenancy.writes import current_write

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


def rationale_budget_line(lines: list[str], *, request: StaffingRequest, inputs: dict[str, Any],
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


def _held_by_quarter(organization: Organization, request: StaffingRequest
                     ) -> dict[str, tuple[list[tuple[LedgerEntry, Decimal]], Decimal]]:
    """quarter → (the engagement's holds with what each still reserves, what was posted against them)."""
    holds = (LedgerEntry.objects.for_org(organization).filter(kind=LedgerKind.HOLD, reference=hold_reference(request))
             .select_related("budget").annotate(
                 posted=Coalesce(Sum("settlements__amount", filter=Q(settlements__kind=LedgerKind.POST)),
                                 Value(Decimal(0)), output_field=DecimalField(max_digits=14, decimal_places=2)),
                 settled=Coalesce(Sum("settlements__amount"), Value(Decimal(0)),
                                  output_field=DecimalField(max_digits=14, decimal_places=2)))
             .order_by("pk"))
    out: dict[str, tuple[list[tuple[LedgerEntry, Decimal]], Decimal]] = {}
    for h in holds:
        rows, posted = out.get(h.budget.quarter, ([], Decimal(0)))
        rows.append((h, h.amount - h.settled))
        out[h.budget.quarter] = (rows, posted + h.posted)
    return out


def engagement_targets(request: StaffingRequest, assignment: Assignment | None) -> dict[str, Decimal]:
    """What the engagement costs per quarter as its assignment now stands (nothing once removed): the
    booked rate × the allocation's hours × the weeks in `[start, end]` (the request's end when open)."""
    if assignment is None or request.booked_rate is None:
        return {}
    hours = round(assignment.allocation_percent * assignment.person.weekly_capacity_hours / 100, 2)
    end = (assignment.end_date + datetime.timedelta(days=1) if assignment.end_date is not None
           else request.end_date)
    if end <= assignment.start_date:
        return {}
    return {q: engagement_cost(rate_per_hour=request.booked_rate, hours_per_week=hours, weeks=n)
            for q, n in weeks_by_quarter(assignment.start_date, end).items()}


def budget_holds_resettle(*, organization: Organization, actor: User | None, request: StaffingRequest,
                          assignment: Assignment | None, why: str, grow: bool = True) -> dict[str, Any]:
    """Make the engagement's holds follow its assignment: per quarter with a services budget, what is
    held and posted becomes what the engagement now costs. Less: the difference is voided. More: a
    further hold for the difference, refused (a `ValidationError` on `budget` with the quarter and
    the figures) when the budget has no room for it. Audited as `staffing_request.budget_resettled`
    with the figures before and after; returns them ({} when nothing changed)."""
    if request.booked_rate is None:
        return {}
    targets = engagement_targets(request, assignment)
    held = _held_by_quarter(organization, request)
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for q in sorted(set(targets) | set(held)):
        rows, posted = held.get(q, ([], Decimal(0)))
        current = posted + sum((left for _h, left in rows), Decimal(0))
        target = max(targets.get(q, Decimal(0)), posted)  # what was spent stays spent
        if target == current or (target > current and not grow):
            continue
        if target > current:
            if budget_for(organization, request.pod_id, CATEGORY, q) is None:
                continue  # no budget that quarter: no limit, nothing is held
            more = target - current
            try:
                budget_hold(organization=organization, actor=actor, pod=request.pod, category=CATEGORY, amount=more,
                            quarter=q, reference=hold_reference(request), memo=f"{request.title}: {why}")
            except ValidationError as exc:
                reasons = "; ".join(m for ms_ in exc.message_dict.values() for m in ms_)
                raise ValidationError({"budget": f"The pod's services budget for {q} cannot hold {more} more "
                                                  f"credits for “{request.title}” ({current} held, {target} "
                                                  f"needed after this change): {reasons}"}) from exc
        else:
            less = current - target
            for hold, left in reversed(rows):
                if less <= 0:
                    break
                if left > 0:
                    budget_void(organization=organization, actor=actor, hold=hold, amount=min(left, less),
                                memo=f"{request.title}: {why}")
                    less -= min(left, less)
        before[q], after[q] = str(current), str(target)
    if before:
        current_write().audit("staffing_request.budget_resettled", target=request, before=before,
                              after={**after, "why": why})
    return {"before": before, "after": after}


def engagement_resettle(*, organization: Organization, actor: User | None, assignment_id: int,
                        removed: bool) -> dict[str, Any]:
    """The assignment `assignment_id` changed (or is about to be removed): when it staffs a request
    booked with a rate, its holds follow (`budget_holds_resettle`)."""
    request = (StaffingRequest.objects.for_org(organization).filter(assignment_id=assignment_id)
               .select_related("pod").first())
    if request is None or request.booked_rate is None:
        return {}
    if removed:
        a, why = None, "the assignment was removed"
    else:
        a = Assignment.objects.for_org(organization).select_related("person").get(pk=assignment_id)
        end = f"{a.end_date:%d %b %Y}" if a.end_date else "open-ended"
        why = f"the assignment changed to {a.start_date:%d %b %Y} – {end} at {a.allocation_percent}%"
    return budget_holds_resettle(organization=organization, actor=actor, request=request, assignment=a, why=why)


def budget_holds_settle(*, organization: Organization, actor: User | None, today: datetime.date) -> int:
    """Settle the open holds of engagements whose assignment ended before `today`: first they follow
    the weeks the assignment actually ran (the rest is voided, as a change of the assignment does),
    then what they still reserve is posted. Returns how many holds were settled."""
    open_holds = list(
        LedgerEntry.objects.for_org(organization).filter(kind=LedgerKind.HOLD, reference__startswith=REFERENCE)
        .annotate(settled=Coalesce(Sum("settlements__amount"), Value(Decimal(0)),
                                   output_field=DecimalField(max_digits=14, decimal_places=2)))
        .filter(settled__lt=F("amount")).select_related("budget"))
    by_request: dict[int, list[LedgerEntry]] = {}
    for row in open_holds:
        tail = row.reference[len(REFERENCE):]
        if tail.isdigit():
            by_request.setdefault(int(tail), []).append(row)
    if not by_request:
        return 0
    ended = (StaffingRequest.objects.for_org(organization).filter(
        pk__in=list(by_request), assignment__end_date__lt=today).select_related("assignment__person", "pod"))
    settled = 0
    for request in ended:
        a = request.assignment
        if a is None or a.end_date is None:  # the filter above guarantees both
            continue
        why = f"the engagement ended on {a.end_date:%d %b %Y}"
        if request.booked_rate is None:  # booked before rates were kept: priced from the planned weeks
            _settle_by_share(organization, actor, request, by_request[request.pk], why)
        else:
            budget_holds_resettle(organization=organization, actor=actor, request=request, assignment=a, why=why,
                                  grow=False)
            for hold in by_request[request.pk]:
                left = hold_remaining(organization, hold)
                if left > 0:
                    budget_post(organization=organization, actor=actor, hold=hold, amount=left,
                                memo=f"{request.title}: {why}")
        settled += len(by_request[request.pk])
    return settled


def _settle_by_share(organization: Organization, actor: User | None, request: StaffingRequest,
                     holds: list[LedgerEntry], why: str) -> None:
    a = request.assignment
    assert a is not None and a.end_date is not None
    planned = weeks_by_quarter(request.start_date, request.end_date)
    ran = (weeks_by_quarter(a.start_date, a.end_date + datetime.timedelta(days=1))
           if a.end_date >= a.start_date else {})
    for hold in holds:
        remaining = hold_remaining(organization, hold)
        q = hold.budget.quarter
        share = (hold.amount * ran.get(q, 0) / planned[q]).quantize(CENT) if planned.get(q) else Decimal(0)
        used = min(share, remaining)
        if used > 0:
            budget_post(organization=organization, actor=actor, hold=hold, amount=used,
                        memo=f"{request.title}: {why}")
        budget_void(organization=organization, actor=actor, hold=hold, memo=f"{request.title}: {why}")
