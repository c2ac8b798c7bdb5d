"""Routing by the decision-rights matrix: which tier decides, and who approves.

`decision_route` reads the bands of the published matrix version. `governance.selectors.routing_for` feeds it
live rows (an escalation being filed), and `routing_by_key` feeds it the matrix as admission checks
read it on every request (a compute allocation above a cost band): decision types, risk tiers, the
latest version and every tier with its approvers, cached as one value under the `matrix` area (every
write of the matrix touches it) and `people` (the members' roles, which name role-based approvers).
A hit costs no query; a miss inside a write is read live and cached after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from governance.models import ApproverRole, DecisionTier, DecisionType, MatrixVersion, RiskTier
from tenancy.cache import MATRIX, PEOPLE, cached_value
from tenancy.models import Membership, Organization, Role


@dataclass
class Routing:
    allowed: bool
    version: MatrixVersion | None
    tier: DecisionTier | None
    approvers: list[Membership]
    message: str = ""

    @property
    def sla_hours(self) -> int | None:
        return self.tier.sla_hours if self.tier and self.tier.needs_approval else None


def approvers_for(*, organization: Organization, tier: DecisionTier) -> list[Membership]:
    """Named approvers, else everyone with the tier's role (leaders fall back to admins)."""
    named = list(tier.approvers.all())
    if named or not tier.needs_approval:
        return named
    roles = {ApproverRole.LEADER: [Role.LEADER], ApproverRole.ADMIN: [Role.ADMIN, Role.OWNER],
             ApproverRole.OWNER: [Role.OWNER]}[ApproverRole(tier.approver_role)]
    members = list(Membership.objects.for_org(organization).filter(role__in=roles)
                   .select_related("user").order_by("id"))
    if not members:
        members = list(Membership.objects.for_org(organization).filter(role__in=[Role.ADMIN, Role.OWNER])
                       .select_related("user").order_by("id"))
    return members


TierOf = Callable[[int], "tuple[DecisionTier, list[Membership]] | None"]


def decision_route(version: MatrixVersion | None, decision_type: DecisionType, risk_tier: RiskTier,
          amount: Decimal | None, tier_of: TierOf) -> Routing:
    """The routing of one decision by a published matrix version; `tier_of` gives a level's tier
    and its approvers."""
    if version is None:
        return Routing(False, None, None, [], "No published decision-rights matrix yet.")
    bands = version.cells.get(f"{decision_type.pk}:{risk_tier.pk}")
    if not bands:
        return Routing(False, version, None, [], "The published matrix has no cell for this yet.")
    if decision_type.has_amount and amount is None:
        return Routing(False, version, None, [], f"Give the amount ({decision_type.amount_unit or 'amount'}).")
    level = None
    for lo, hi, lvl in bands:
        if amount is None or ((lo is None or amount >= Decimal(lo)) and (hi is None or amount < Decimal(hi))):
            level = lvl
            break
    else:
        return Routing(False, version, None, [], "No band of the matrix covers this amount.")
    if level is None:
        return Routing(False, version, None, [], f"Not allowed: {decision_type} at {risk_tier} risk.")
    found = tier_of(level)
    if found is None:
        return Routing(False, version, None, [], f"Decision tier {level} no longer exists.")
    return Routing(True, version, found[0], found[1])


@dataclass(frozen=True)
class MatrixForRouting:
    """What routing reads of an organization's matrix, as one cacheable value."""

    version: MatrixVersion | None
    decision_types: dict[str, DecisionType]  # by key
    risk_tiers: list[RiskTier]  # lowest rank first
    tiers: dict[int, tuple[DecisionTier, list[Membership]]]  # by level, with their approvers


def matrix_for_routing(*, organization: Organization) -> MatrixForRouting:
    def read() -> MatrixForRouting:
        tiers = DecisionTier.objects.for_org(organization).order_by("level").prefetch_related(
            Prefetch("approvers", queryset=Membership.objects.for_org(organization).select_related("user")))
        return MatrixForRouting(
            version=MatrixVersion.objects.for_org(organization).order_by("-number").first(),
            decision_types={t.key: t for t in DecisionType.objects.for_org(organization)},
            risk_tiers=list(RiskTier.objects.for_org(organization).order_by("rank", "id")),
            tiers={t.level: (t, approvers_for(organization=organization, tier=t)) for t in tiers},
        )

    return cached_value(organization, "matrix_routing", (), read, scopes=(MATRIX, PEOPLE),
                        refill_after_commit=True)


def routing_by_key(*, organization: Organization, decision_type_key: str,
                   amount: Decimal | None) -> tuple[Routing, DecisionType, RiskTier] | None:
    """The routing of a decision of this type at the lowest risk tier, from the cached matrix; None
    when the organization has no such decision type or no risk tier."""
    matrix = matrix_for_routing(organization=organization)
    dtype = matrix.decision_types.get(decision_type_key)
    if dtype is None or not matrix.risk_tiers:
        return None
    risk = matrix.risk_tiers[0]
    return decision_route(matrix.version, dtype, risk, amount, matrix.tiers.get), dtype, risk
