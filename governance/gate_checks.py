"""Checks that other apps add to the deployment gate, without governance importing them.

A higher app (the platform catalog) registers a `GateCheck` in its `AppConfig.ready()`; the gate
(`governance.services.guardrails.deployment_submit`) runs every registered check after the
guardrail policies. A check answers findings: `fail` ones fail the gate like a failed guardrail,
`warn` ones are recorded on the review and passed to the check's `on_warn` after it is saved, and
a `warn` finding marked `raises_exception` opens a monitoring exception on a review that passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FAIL = "fail"
WARN = "warn"


@dataclass(frozen=True)
class Finding:
    check: str
    reason: str
    level: str = FAIL
    # A warning that also raises a monitoring exception on the review when the deployment is not
    # refused (source: the check's name), which leaders then see beside the metric breaches.
    raises_exception: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "reason": self.reason}


@dataclass(frozen=True)
class GateRequest:
    """What a pipeline asked the gate (the objects are already scoped to the organization)."""

    organization: Any
    pod: Any
    model_name: str
    version: str
    risk_tier: Any


@dataclass(frozen=True)
class GateCheck:
    name: str
    run: Callable[[GateRequest], list[Finding]]
    # Called inside the gate's transaction with the saved review and this check's warnings.
    on_warn: Callable[[Any, list[Finding]], None] | None = None


_checks: dict[str, GateCheck] = {}


def register(check: GateCheck) -> GateCheck:
    if not callable(check.run):
        raise TypeError(f"gate check {check.name!r} needs a callable run")
    _checks[check.name] = check  # re-registering (a reloaded app) replaces
    return check


def unregister(name: str) -> None:
    _checks.pop(name, None)


def registered() -> list[GateCheck]:
    return list(_checks.values())


def run_all(request: GateRequest) -> list[tuple[GateCheck, list[Finding]]]:
    return [(check, check.run(request)) for check in registered()]
