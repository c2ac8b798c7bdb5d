"""What the tenant-isolation walker needs from strategy (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

from strategy import services
from strategy.selectors import current_quarter
from strategy.services import intake as intake_services
from strategy.services import signals as signal_services
from tests.factories import member


def build(victim: Any) -> None:
    """Org A's theme, outcome, measurement and check-in (names with the marker) in victim.extra."""
    org = victim.org
    leader = member(org, "leader")
    theme = services.theme_create(organization=org, actor=leader.user, owner=leader, title="zzvictim theme",
                                  description="zzvictim direction", quarter=current_quarter(organization=org))
    outcome = services.outcome_create(organization=org, actor=leader.user, theme=theme, pod=victim.pod,
                                      metric="zzvictim metric", direction="increase", baseline=1, target=2)
    services.measurement_record(organization=org, actor=leader.user, outcome=outcome, value=1.5,
                                source="zzvictim-source")
    services.check_in_record(organization=org, actor=leader.user, outcome=outcome, confidence="high",
                             note="zzvictim check-in")
    signal = signal_services.signal_raise(organization=org, actor=leader.user, raised_by=leader, pod=victim.pod,
                                   kind="threat", title="zzvictim signal", body="zzvictim evidence")
    intake = intake_services.intake_ask(organization=org, actor=leader.user, asked_by=leader, pod=victim.pod,
                                        kind="question", title="zzvictim question", body="zzvictim details")
    victim.extra.update(theme=theme, outcome=outcome, signal=signal, intake=intake)


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "strategy:theme_detail": {"pk": lambda v: v.extra["theme"].pk},
    "strategy:theme_edit": {"pk": lambda v: v.extra["theme"].pk},
    "strategy:outcome_create": {"pk": lambda v: v.extra["theme"].pk},
    "strategy:outcome_detail": {"pk": lambda v: v.extra["outcome"].pk},
    "strategy:outcome_edit": {"pk": lambda v: v.extra["outcome"].pk},
    "strategy:measurement_create": {"pk": lambda v: v.extra["outcome"].pk},
    "strategy:check_in_create": {"pk": lambda v: v.extra["outcome"].pk},
    "strategy:pod_panel": {"pk": lambda v: v.pod.pk},
    "strategy:signal_detail": {"pk": lambda v: v.extra["signal"].pk},
    "strategy:signal_triage": {"pk": lambda v: v.extra["signal"].pk},
    "strategy:pod_inbox": {"pk": lambda v: v.pod.pk},
    "strategy:intake_detail": {"pk": lambda v: v.extra["intake"].pk},
    "strategy:intake_action": {"pk": lambda v: v.extra["intake"].pk, "action": lambda v: "answer"},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "theme-": {"pk": lambda v: v.extra["theme"].pk},
    "outcome-": {"pk": lambda v: v.extra["outcome"].pk},
    "signal-": {"pk": lambda v: v.extra["signal"].pk},
    "intake-request-": {"pk": lambda v: v.extra["intake"].pk},
}
VICTIM_NAMES: list[str] = ["zzvictim theme", "zzvictim direction", "zzvictim metric", "zzvictim-source",
                           "zzvictim check-in", "zzvictim signal", "zzvictim evidence",
                           "zzvictim question", "zzvictim details"]
