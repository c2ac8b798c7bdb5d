"""Governance reads, scoped by organization, with constant query counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance import defaults
from governance.models import (
    ACTIVE_STATUSES,
    ApproverRole,
    CycleTimeSnapshot,
    DecisionRight,
    DecisionTier,
    DecisionType,
    DeploymentReview,
    Escalation,
    EscalationEvent,
    EscalationStatus,
    Gate,
    GuardrailPolicy,
    MatrixReview,
    MatrixVersion,
    MonitoringException,
    RiskTier,
)
from governance.routing_selectors import Routing as Routing
from governance.routing_selectors import approvers_for as approvers_for
from governance.routing_selectors import decision_route
from tenancy.models import AuditEvent, Membership, Organization

# --- Matrix -----------------------------------------------------------------------------------


def risk_tiers(*, organization: Organization) -> QuerySet[RiskTier]:
    return RiskTier.objects.for_org(organization).order_by("rank", "id")


def decision_types(*, organization: Organization) -> QuerySet[DecisionType]:
    return DecisionType.objects.for_org(organization).order_by("sort_order", "id")


def risk_tier_get(*, organization: Organization, pk: Any) -> RiskTier:
    return RiskTier.objects.for_org(organization).get(pk=pk)


def decision_type_get(*, organization: Organization, pk: Any) -> DecisionType:
    return DecisionType.objects.for_org(organization).get(pk=pk)


def decision_tier_get(*, organization: Organization, pk: Any) -> DecisionTier:
    return DecisionTier.objects.for_org(organization).get(pk=pk)


def decision_tiers(*, organization: Organization) -> QuerySet[DecisionTier]:
    return DecisionTier.objects.for_org(organization).order_by("level").prefetch_related(
        Prefetch("approvers", queryset=Membership.objects.for_org(organization).select_related("user")))


@dataclass
class Cell:
    decision_type: DecisionType
    risk_tier: RiskTier
    bands: list[DecisionRight] = field(default_factory=list)
    problem: str = ""


@dataclass
class Matrix:
    types: list[DecisionType]
    tiers: list[RiskTier]
    rows: list[tuple[DecisionType, list[Cell]]]
    decision_tiers: list[DecisionTier]
    problems: list[str]
    version: MatrixVersion | None
    last_review: MatrixReview | None
    review_overdue: bool
    unpublished_changes: bool


def _cell_problem(cell: Cell) -> str:
    from django.core.exceptions import ValidationError

    from governance.bands import validate_bands

    if not cell.bands:
        return "No decision tier yet."
    try:
        validate_bands(cell.decision_type, [(b.amount_min, b.amount_max, b.tier) for b in cell.bands])
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def matrix_cells(*, organization: Organization, decision_type: DecisionType | None = None,
                 risk_tier: RiskTier | None = None) -> dict[tuple[int, int], list[DecisionRight]]:
    qs = DecisionRight.objects.for_org(organization).select_related("tier").order_by("amount_min", "id")
    if decision_type is not None:
        qs = qs.filter(decision_type=decision_type)
    if risk_tier is not None:
        qs = qs.filter(risk_tier=risk_tier)
    cells: dict[tuple[int, int], list[DecisionRight]] = {}
    for right in qs:
        cells.setdefault((right.decision_type_id, right.risk_tier_id), []).append(right)
    return cells


def matrix_get(*, organization: Organization) -> Matrix:
    """The whole grid in six queries, whatever its size."""
    types = list(decision_types(organization=organization))
    tiers = list(risk_tiers(organization=organization))
    cells = matrix_cells(organization=organization)
    rows, problems = [], []
    for dt in types:
        row = []
        for rt in tiers:
            cell = Cell(dt, rt, cells.get((dt.pk, rt.pk), []))
            cell.problem = _cell_problem(cell)
            if cell.problem:
                problems.append(f"{dt} × {rt}: {cell.problem}")
            row.append(cell)
        rows.append((dt, row))
    version = (MatrixVersion.objects.for_org(organization).select_related("published_by")
               .order_by("-number").first())
    review = MatrixReview.objects.for_org(organization).select_related("reviewed_by").order_by("-reviewed_at").first()
    first = MatrixVersion.objects.for_org(organization).order_by("number").values("published_at").first()
    unpublished = version is None or _frozen(cells) != version.cells
    return Matrix(types=types, tiers=tiers, rows=rows,
                  decision_tiers=list(decision_tiers(organization=organization)),
                  problems=problems, version=version, last_review=review,
                  review_overdue=review_overdue(organization=organization, last=review,
                                                first_published=first["published_at"] if first else None),
                  unpublished_changes=unpublished)


def _frozen(cells: dict[tuple[int, int], list[DecisionRight]]) -> dict[str, list[list[Any]]]:
    return {f"{t}:{r}": [[str(b.amount_min) if b.amount_min is not None else None,
                          str(b.amount_max) if b.amount_max is not None else None,
                          b.tier.level if b.tier is not None else None] for b in bands]
            for (t, r), bands in cells.items()}


_UNKNOWN: Any = object()


def review_overdue(*, organization: Organization, last: Any = _UNKNOWN,
                   first_published: datetime.datetime | None = None,
                   now: datetime.datetime | None = None) -> bool:
    """Overdue once 90 days pass since the last review (or since the first version, if never).

    `last` is the latest review when the caller has it already (None: never reviewed)."""
    now = now or timezone.now()
    if last is _UNKNOWN:
        last = MatrixReview.objects.for_org(organization).order_by("-reviewed_at").first()
    since: datetime.datetime
    if last is not None:
        since = last.reviewed_at
    else:
        if first_published is None:
            first = MatrixVersion.objects.for_org(organization).order_by("number").first()
            first_published = first.published_at if first else now
        since = first_published
    return now - since > datetime.timedelta(days=defaults.REVIEW_OVERDUE_DAYS)


def matrix_problems(*, organization: Organization) -> list[str]:
    """Every missing cell, gap and overlap; empty means the matrix may be published."""
    types = list(decision_types(organization=organization))
    tiers = list(risk_tiers(organization=organization))
    cells = matrix_cells(organization=organization)
    problems = []
    for dt in types:
        for rt in tiers:
            problem = _cell_problem(Cell(dt, rt, cells.get((dt.pk, rt.pk), [])))
            if problem:
                problems.append(f"{dt} × {rt}: {problem}")
    return problems


def cell_history(*, organization: Organization, decision_type: DecisionType,
                 risk_tier: RiskTier) -> QuerySet[AuditEvent]:
    return (AuditEvent.objects.for_org(organization)
            .filter(target_type="decisioncell", target_id=f"{decision_type.pk}:{risk_tier.pk}")
            .order_by("-created_at", "-id"))


def matrix_versions(*, organization: Organization) -> QuerySet[MatrixVersion]:
    return MatrixVersion.objects.for_org(organization).select_related("published_by").order_by("-number")


# --- Routing ----------------------------------------------------------------------------------


def routing_for(*, organization: Organization, decision_type: DecisionType, risk_tier: RiskTier,
                amount: Decimal | None = None) -> Routing:
    """Which tier decides, from the latest published matrix version."""
    version = MatrixVersion.objects.for_org(organization).order_by("-number").first()

    def tier_of(level: int) -> tuple[DecisionTier, list[Membership]] | None:
        tier = decision_tiers(organization=organization).filter(level=level).first()
        return None if tier is None else (tier, approvers_for(organization=organization, tier=tier))

    return decision_route(version, decision_type, risk_tier, amount, tier_of)


def routing_preview(*, organization: Organization, data: Any) -> Routing | None:
    """Where an escalation being typed would be routed, from the raw form data (the live preview)."""
    from decimal import InvalidOperation

    try:
        dt = decision_type_get(organization=organization, pk=int(data.get("decision_type") or 0))
        rt = risk_tier_get(organization=organization, pk=int(data.get("risk_tier") or 0))
    except (ValueError, DecisionType.DoesNotExist, RiskTier.DoesNotExist):
        return None
    amount = None
    raw = (data.get("amount") or "").strip()
    if raw:
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            return Routing(False, None, None, [], "The amount is not a number.")
    routing = routing_for(organization=organization, decision_type=dt, risk_tier=rt, amount=amount)
    routing.decision_type = dt  # type: ignore[attr-defined]
    return routing


def next_tier(*, organization: Organization, tier: DecisionTier) -> DecisionTier | None:
    return (decision_tiers(organization=organization).filter(level__gt=tier.level)
            .exclude(approver_role=ApproverRole.POD).first())


# --- Escalations ------------------------------------------------------------------------------


def escalation_visible_q(viewer: Membership) -> Q:
    """The one rule for which escalations a member sees, for lists and single objects alike:
    leaders and admins every one; others those filed for pods they lead and those routed to them
    (a named approver must find in a list what they may open)."""
    from pods.permissions import led_pods
    from tenancy.permissions import is_org_leader

    if is_org_leader(viewer):
        return Q()
    routed = Escalation.approvers.through.objects.filter(
        escalation_id=OuterRef("pk"), membership_id=viewer.pk)
    return Q(pod_id__in=sorted(led_pods(viewer))) | Q(Exists(routed))


def escalation_list(*, organization: Organization, viewer: Membership, status: str = "",
                    pod: Any = None, approver: Membership | None = None,
                    q: str = "") -> QuerySet[Escalation]:
    """The escalations `viewer` may see, filtered."""
    # Joins multiply PostgreSQL's planning time (eight relations took ~60-100 ms to plan); the
    # org's small lookup tables come in by prefetch instead, a tiny query each.
    qs = (Escalation.objects.for_org(organization)
          .select_related("pod", "filed_by", "decided_by")
          .prefetch_related(
              "decision_type", "risk_tier", "current_tier",
              # A version's frozen cells are a large JSON document: lists only show its number.
              Prefetch("matrix_version",
                       queryset=MatrixVersion.objects.for_org(organization).defer("cells")),
          )
          .filter(escalation_visible_q(viewer))
          .order_by("-filed_at", "-id"))
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if pod is not None:
        qs = qs.filter(pod=pod)
    if approver is not None:
        qs = qs.filter(approvers=approver)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(context__icontains=q))
    return qs


# What waits on the approver; `needs_info` waits on the pod (the approver asked it a question).
WAITING_ON_APPROVER = (EscalationStatus.OPEN, EscalationStatus.IN_REVIEW)


def escalation_inbox(*, organization: Organization, membership: Membership,
          waiting_on: str = "me") -> QuerySet[Escalation]:
    """Escalations routed to this member and not yet decided, oldest due first: `waiting_on`
    "me" (open or in review: my move) or "pod" (I asked the pod for more information)."""
    statuses = WAITING_ON_APPROVER if waiting_on == "me" else (EscalationStatus.NEEDS_INFO,)
    return (escalation_list(organization=organization, viewer=membership, approver=membership)
            .filter(status__in=statuses).order_by("due_at", "id"))


def inbox_count(*, organization: Organization, membership: Membership) -> int:
    """How many escalations wait on this member's decision (the inbox badge)."""
    return (Escalation.objects.for_org(organization)
            .filter(approvers=membership, status__in=WAITING_ON_APPROVER).count())


def escalation_get(*, organization: Organization, viewer: Membership, pk: Any) -> Escalation:
    """One escalation `viewer` may see; a missing one and a hidden one both raise DoesNotExist."""
    return (Escalation.objects.for_org(organization)
            .filter(escalation_visible_q(viewer))
            .select_related("pod", "decision_type", "risk_tier", "current_tier", "filed_by",
                            "decided_by", "matrix_version")
            .prefetch_related(Prefetch("approvers", queryset=Membership.objects.for_org(organization).select_related("user")))
            .get(pk=pk))


def escalation_events(*, organization: Organization, escalation: Escalation) -> QuerySet[EscalationEvent]:
    return (EscalationEvent.objects.for_org(organization).filter(escalation=escalation)
            .select_related("actor").order_by("created_at", "id"))


def pod_open_escalations(*, organization: Organization, viewer: Membership, pod: Any,
                         limit: int = 10) -> list[Escalation]:
    return list(escalation_list(organization=organization, viewer=viewer, pod=pod, status="active")
                .order_by("filed_at", "id")[:limit])


def escalation_overdue_exists(*, organization: Organization, pod_ref: Any) -> Exists:
    """EXISTS (an active escalation of `pod_ref` past its SLA): the SQL twin of `overdue_counts`."""
    return Exists(Escalation.objects.for_org(organization).filter(
        pod=pod_ref, status__in=ACTIVE_STATUSES, due_at__lt=timezone.now()))


def overdue_counts(*, organization: Organization, pod_ids: list[int],
                   now: datetime.datetime | None = None) -> dict[int, tuple[int, datetime.datetime]]:
    """pod id → (open escalations past their SLA, oldest filing), in one query."""
    from django.db.models import Count, Min

    now = now or timezone.now()
    rows = (Escalation.objects.for_org(organization)
            .filter(pod_id__in=pod_ids, status__in=ACTIVE_STATUSES, due_at__lt=now)
            .values("pod_id").annotate(n=Count("id"), oldest=Min("filed_at")))
    return {r["pod_id"]: (r["n"], r["oldest"]) for r in rows}


def next_overdue_at(*, organization: Organization, pod_ids: list[int],
                    now: datetime.datetime) -> dict[int, datetime.datetime]:
    """pod id → when its next open escalation passes its SLA (after `now`), in one query."""
    from django.db.models import Min

    rows = (Escalation.objects.for_org(organization)
            .filter(pod_id__in=pod_ids, status__in=ACTIVE_STATUSES, due_at__gte=now)
            .values("pod_id").annotate(first=Min("due_at")))
    return {r["pod_id"]: r["first"] for r in rows}


# --- Cycle time -------------------------------------------------------------------------------


def cycle_time_snapshot(*, organization: Organization) -> CycleTimeSnapshot | None:
    return CycleTimeSnapshot.objects.for_org(organization).first()


# --- Guardrails -------------------------------------------------------------------------------


def policy_list(*, organization: Organization, risk_tier: RiskTier | None = None) -> QuerySet[GuardrailPolicy]:
    qs = GuardrailPolicy.objects.for_org(organization).select_related("risk_tier").order_by(
        "risk_tier__rank", "check_kind")
    if risk_tier is not None:
        qs = qs.filter(risk_tier=risk_tier)
    return qs


def deployment_list(*, organization: Organization, pod: Any = None) -> QuerySet[DeploymentReview]:
    qs = (DeploymentReview.objects.for_org(organization)
          .select_related("pod", "risk_tier", "escalation").order_by("-created_at", "-id"))
    if pod is not None:
        qs = qs.filter(pod=pod)
    return qs


def deployment_get(*, organization: Organization, pk: Any) -> DeploymentReview:
    return deployment_list(organization=organization).get(pk=pk)


def exception_list(*, organization: Organization, open_only: bool = True) -> QuerySet[MonitoringException]:
    qs = (MonitoringException.objects.for_org(organization)
          .select_related("review", "review__pod", "resolved_by").order_by("-raised_at", "-id"))
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs


def deployments_of_model(*, organization: Organization, model_name: str, version: str = "",
                         limit: int = 50) -> QuerySet[DeploymentReview]:
    """Recent deployments of a model (any version, or one), e.g. to show what deprecating it touches."""
    qs = DeploymentReview.objects.for_org(organization).filter(model_name__iexact=model_name)
    if version:
        qs = qs.filter(version=version)
    return qs.select_related("pod", "risk_tier").order_by("-created_at", "-id")[:limit]


def first_passed_gate(organization: Organization, pod_ids: list[int] | None) -> dict[int, datetime.datetime]:
    """Each pod's first deployment that passed the gate, when it passed: at submission, or when
    the approver decided for a review that needed approval (registered as the `first_passed_gate`
    pod milestone: time to value reads it). One query."""
    qs = DeploymentReview.objects.for_org(organization).filter(gate=Gate.PASS)
    if pod_ids is not None:
        qs = qs.filter(pod_id__in=pod_ids)
    rows = qs.values("pod_id").annotate(first=Min(Coalesce("escalation__decided_at", "created_at")))
    return {r["pod_id"]: r["first"] for r in rows.order_by()}
