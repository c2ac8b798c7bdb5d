from __future__ import annotations

from decimal import Decimal
from typing import Any

from governance.models import DecisionType, RiskTier
from governance.services.escalations import escalation_file


def dtype(org: Any, key: str) -> DecisionType:
    return DecisionType.objects.for_org(org).get(key=key)


def rtier(org: Any, key: str) -> RiskTier:
    return RiskTier.objects.for_org(org).get(key=key)


def file(org: Any, lead: Any, type_key: str = "onboard_vendor", risk: str = "high",
         amount: Decimal | None = None, title: str = "Need a decision", **kw: Any) -> Any:
    membership, _person, pod = lead
    return escalation_file(organization=org, actor=membership.user, pod=pod,
                           decision_type=dtype(org, type_key), risk_tier=rtier(org, risk),
                           amount=amount, title=title, **kw)
