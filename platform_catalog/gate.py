"""The catalog's check in the deployment gate (registered with governance in `apps.py`).

Once an organization's catalog is in use (it holds at least one model), a deployment must name a
catalog model by name and version (or alias): unknown, retired, never approved, or approved only
for a lower risk tier than the deployment's answers `fail` with the reason; a deprecated model
that is approved for the tier passes with a warning and a monitoring exception on the review, and
its owner pod's leads are told.

An organization whose catalog is still empty (the decision asked for in issue #11): the gate
answers as the guardrails and the matrix decide and records a `warn` finding on the review, "not
checked against the platform catalog", instead of failing every deployment. Failing would stop
every deployment of an organization that uses governance without the catalog yet (and, on the day
the catalog ships, every existing organization at once); the warning keeps the gap visible on each
review. From the first model published, unknown models fail. docs/gate.md says the same.
"""

from __future__ import annotations

from typing import Any

from governance.gate_checks import FAIL, WARN, Finding, GateCheck, GateRequest
from platform_catalog import selectors
from platform_catalog.models import ModelStatus
from tenancy.notifications import notify

CHECK = "catalog"


def catalog_gate(request: GateRequest) -> list[Finding]:
    org = request.organization
    if not selectors.catalog_in_use(organization=org):
        return [Finding(CHECK, f"{request.model_name} {request.version} was not checked against the platform "
                               "catalog: the organization's catalog holds no model yet. Once one is published, "
                               "a model that is not in it fails the gate.", WARN)]
    model = selectors.model_resolve(organization=org, name=request.model_name, version=request.version)
    tier = request.risk_tier
    if model is None:
        return [Finding(CHECK, f"{request.model_name} {request.version} is not in the platform catalog: "
                               "publish it and have it approved before deploying.")]
    if model.status == ModelStatus.RETIRED:
        return [Finding(CHECK, f"{model} is retired in the platform catalog.")]
    approved = model.approved_tier
    if approved is None:
        return [Finding(CHECK, f"{model} is not approved for any risk tier yet (status: "
                               f"{model.get_status_display().lower()}).")]
    if approved.rank < tier.rank:
        return [Finding(CHECK, f"{model} is approved only up to {approved} risk, not {tier}.")]
    if model.status == ModelStatus.DEPRECATED:
        # Passes, told to its owners (warn_owners) and raised as a monitoring exception.
        return [Finding(CHECK, f"{model} is deprecated in the platform catalog: plan its replacement.", WARN,
                        raises_exception=True)]
    return []


def warn_owners(review: Any, findings: list[Finding]) -> None:
    """A deprecated model was deployed: its owner pod's leads hear of it."""
    org = review.organization
    model = selectors.model_resolve(organization=org, name=review.model_name, version=review.version)
    if model is None:
        return
    notify(organization=org, users=selectors.pod_lead_users(organization=org, pod=model.owner_pod),
           kind="catalog.deprecated_deployed", title=f"Deprecated model deployed: {model}",
           body=f"{review.pod} deployed {model} at {review.risk_tier} risk. " + " ".join(f.reason for f in findings))


GATE_CHECK = GateCheck(name=CHECK, run=catalog_gate, on_warn=warn_owners)
__all__ = ["GATE_CHECK", "FAIL", "WARN"]
