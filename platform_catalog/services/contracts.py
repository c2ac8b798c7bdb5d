"""Data contracts: a breached freshness or quality contract opens an incident for the owner pod
(through knowledge's services), and resolves it when the contract holds again."""

from __future__ import annotations

import datetime

from django.utils import timezone

from knowledge.services.incidents import incident_create, incident_update
from platform_catalog.models import ContractState, DataProduct
from tenancy.cache import CATALOG
from tenancy.models import Organization, User
from tenancy.writes import org_write


def contract_breaches(dp: DataProduct, now: datetime.datetime) -> list[str]:
    reasons = []
    if dp.last_refreshed_at is not None:
        deadline = dp.last_refreshed_at + datetime.timedelta(hours=dp.freshness_hours + dp.lateness_hours)
        if now > deadline:
            late = int((now - deadline).total_seconds() // 3600)
            reasons.append(f"stale: last refreshed {dp.last_refreshed_at:%Y-%m-%d %H:%M} UTC, "
                           f"{late} h past its {dp.freshness_hours} h cadence + {dp.lateness_hours} h lateness")
    if dp.quality_score is not None and dp.quality_score < dp.min_quality:
        reasons.append(f"quality {dp.quality_score:.2f} below the contract's {dp.min_quality:.2f}")
    return reasons


def contract_check(*, organization: Organization, data_product: DataProduct, actor: User | None = None,
                   now: datetime.datetime | None = None) -> str:
    """Re-check one contract; open or resolve its incident. Safe to run twice."""
    now = now or timezone.now()
    with org_write(organization, actor, CATALOG) as w:
        dp = (DataProduct.objects.for_org(organization).select_for_update(of=("self",))
              .select_related("breach_incident", "owner_pod").get(pk=data_product.pk))
        if dp.last_refreshed_at is None and dp.quality_score is None:
            return dp.contract_state
        reasons = contract_breaches(dp, now)
        before = dp.contract_state
        if reasons:
            dp.contract_state, dp.breach_reason = ContractState.BREACHED, "; ".join(reasons)[:500]
            incident = dp.breach_incident
            if incident is None or incident.status == "resolved":
                dp.breach_incident = incident_create(
                    organization=organization, actor=actor, title=f"Data contract breached: {dp.name}",
                    system=f"data product {dp.name}"[:160], pod=dp.owner_pod, started_at=now, detected_at=now,
                    severity="sev3", impact=f"Consumers of {dp.name} may read stale or low-quality data: "
                                            f"{dp.breach_reason}.")
        else:
            dp.contract_state, dp.breach_reason = ContractState.HOLDS, ""
            incident = dp.breach_incident
            if incident is not None and incident.status != "resolved":
                incident_update(organization=organization, actor=actor, incident=incident, status="resolved",
                                resolved_at=max(now, incident.started_at))
            dp.breach_incident = None
        dp.save(update_fields=["contract_state", "breach_reason", "breach_incident", "updated_at"])
        if before != dp.contract_state:
            w.audit("catalog.contract_" + dp.contract_state, target=dp,
                    before={"contract_state": before}, after={"contract_state": dp.contract_state,
                                                              "reason": dp.breach_reason})
    return dp.contract_state


def contracts_check(*, organization: Organization, now: datetime.datetime | None = None) -> int:
    """The periodic check of every contract of the organization; returns how many are breached."""
    breached = 0
    ids = list(DataProduct.objects.for_org(organization).values_list("pk", flat=True))
    for pk in ids:
        dp = DataProduct(pk=pk, organization=organization)
        breached += contract_check(organization=organization, data_product=dp, now=now) == ContractState.BREACHED
    return breached
