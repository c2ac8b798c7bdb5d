"""What the tenant-isolation walker needs from dashboards (see tests/test_tenant_isolation.py):
org A's snapshots, scorecard levels and checks, named with the marker."""

from __future__ import annotations

from typing import Any

from dashboards.attention_services import attention_refresh
from dashboards.models import ScorecardLevel
from dashboards.services import (
    scorecard_check_create,
    scorecard_evaluate,
    scorecard_seed_defaults,
    snapshot_recompute,
)
from tests.factories import member


def build(victim: Any) -> None:
    org = victim.org
    admin = member(org, "admin")
    scorecard_seed_defaults(organization=org, actor=admin.user)
    level = ScorecardLevel.objects.for_org(org).get(rank=1)
    check = scorecard_check_create(organization=org, actor=admin.user, level=level, name="zzvictim check",
                                   measure="pods.health_level", operator="lte", threshold=2,
                                   description="zzvictim check description")
    snapshot_recompute(organization=org)
    scorecard_evaluate(organization=org)
    attention_refresh(organization=org)  # the victim's queue (its escalations, pods at risk) is stored too
    victim.extra.update(scorecard_check=check, scorecard_level=level)


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "dashboards:pod_scorecard": {"pod_id": lambda v: v.pod.pk},
    "dashboards:check_detail": {"pk": lambda v: v.extra["scorecard_check"].pk},
    "dashboards:check_delete": {"pk": lambda v: v.extra["scorecard_check"].pk},
    "dashboards:level_edit": {"pk": lambda v: v.extra["scorecard_level"].pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "scorecard-check-": {"pk": lambda v: v.extra["scorecard_check"].pk},
    "scorecard-level-": {"pk": lambda v: v.extra["scorecard_level"].pk},
    "scorecard-": {"pk": lambda v: v.pod.pk},
}
VICTIM_NAMES: list[str] = ["zzvictim check"]
