"""What the tenant-isolation walker needs from governance (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from governance.models import DecisionType, RiskTier
from governance.services.escalations import escalation_comment, escalation_file
from governance.services.guardrails import deployment_metrics_push, deployment_submit
from governance.services.matrix import governance_seed_defaults
from tests.factories import pod_lead


def build(victim: Any) -> None:
    """Create org A's governance objects (names starting with the marker) in victim.extra."""
    org = victim.org
    governance_seed_defaults(organization=org)
    lead, _person, pod = pod_lead(org, victim.pod)
    dt = DecisionType.objects.for_org(org).get(key="onboard_vendor")
    rt = RiskTier.objects.for_org(org).get(key="high")
    esc = escalation_file(organization=org, actor=lead.user, pod=pod, decision_type=dt, risk_tier=rt,
                          title="zzvictim escalation", context="zzvictim context")
    escalation_comment(organization=org, actor=lead.user, escalation=esc, body="zzvictim comment")
    low = RiskTier.objects.for_org(org).get(key="low")
    review = deployment_submit(organization=org, actor=lead.user, pod=pod, model_name="zzvictim-model",
                               version="1", risk_tier=low, results={"performance": 0.9, "security": 0.9})
    exc = deployment_metrics_push(organization=org, actor=lead.user, review=review,
                                  metrics={"performance": 0.1})[0]
    victim.extra.update(decision_tier=esc.current_tier, escalation=esc, decision_type=dt, risk_tier=rt, review=review, exception=exc,
                        amount=Decimal(1))


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "governance:escalation_detail": {"pk": lambda v: v.extra["escalation"].pk},
    "governance:escalation_action": {"pk": lambda v: v.extra["escalation"].pk},
    "governance:matrix_cell": {"type_pk": lambda v: v.extra["decision_type"].pk,
                               "tier_pk": lambda v: v.extra["risk_tier"].pk},
    "governance:cell_history": {"type_pk": lambda v: v.extra["decision_type"].pk,
                                "tier_pk": lambda v: v.extra["risk_tier"].pk},
    "governance:decision_tier_edit": {"pk": lambda v: v.extra["decision_tier"].pk},
    "governance:decision_type_edit": {"pk": lambda v: v.extra["decision_type"].pk},
    "governance:risk_tier_edit": {"pk": lambda v: v.extra["risk_tier"].pk},
    "governance:exception_resolve": {"pk": lambda v: v.extra["exception"].pk},
    "governance:pod_panel": {"pk": lambda v: v.pod.pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "escalation-": {"pk": lambda v: v.extra["escalation"].pk},
    "deployment-": {"pk": lambda v: v.extra["review"].pk},
    "risk-tier-": {"pk": lambda v: v.extra["risk_tier"].pk},
    "decision-type-": {"pk": lambda v: v.extra["decision_type"].pk},
    "decision-tier-": {"pk": lambda v: v.extra["decision_tier"].pk},
    "monitoring-exception-": {"pk": lambda v: v.extra["exception"].pk},
}
VICTIM_NAMES: list[str] = ["zzvictim escalation", "zzvictim context", "zzvictim comment", "zzvictim-model"]
