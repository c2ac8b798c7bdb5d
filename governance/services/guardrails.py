"""Guardrails in the deployment pipeline: the gate answer, production metrics and exceptions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance import defaults, gate_checks, selectors
from governance.models import (
    CheckKind,
    DecisionType,
    DeploymentReview,
    Gate,
    GuardrailPolicy,
    MonitoringException,
    RiskTier,
)
from governance.services.escalations import escalation_file
from integrations.payloads import webhook_data
from integrations.services import event_emit
from pods.models import Pod
from tenancy.audit import audit_record, snapshot
from tenancy.cache import GOVERNANCE, pod_scope
from tenancy.models import LEADER_ROLES, Membership, Organization, User
from tenancy.notifications import notify
from tenancy.writes import org_write, same_org


def _score(value: Any) -> float | None:
    if isinstance(value, dict):
        value = value.get("score")
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def gate_evaluate(*, organization: Organization, risk_tier: RiskTier,
                  results: dict[str, Any]) -> list[dict[str, Any]]:
    """The failed checks (with why) of `results` ({check: score or {"score": …}}) under the policy."""
    failures: list[dict[str, Any]] = []
    for policy in selectors.policy_list(organization=organization, risk_tier=risk_tier):
        if policy.check_kind not in results:
            if policy.required:
                failures.append({"check": policy.check_kind, "reason": "missing: this check is required "
                                 f"at {risk_tier} risk ({policy.describe()})."})
            continue
        score = _score(results[policy.check_kind])
        if score is None:
            failures.append({"check": policy.check_kind, "reason": "no numeric score."})
        elif not policy.meets(score):
            failures.append({"check": policy.check_kind, "score": score, "threshold": policy.threshold,
                             "reason": f"score {score:g} is not {policy.describe()}."})
    return failures


def deployment_submit(*, organization: Organization, actor: User, pod: Pod, model_name: str, version: str,
                      risk_tier: RiskTier, results: dict[str, Any]) -> DeploymentReview:
    """Record a pipeline's check results and answer pass, fail or needs_approval.

    Failing checks fail the gate; passing ones go through the matrix's "deploy to users" cell, and
    a tier decided by a person files an escalation linked to the review.
    """
    same_org(organization, "pod", pod)
    same_org(organization, "risk_tier", risk_tier)
    unknown = sorted(set(results) - set(CheckKind.values))
    if unknown:
        raise ValidationError({"results": f"Unknown checks: {', '.join(unknown)}."})
    failures = gate_evaluate(organization=organization, risk_tier=risk_tier, results=results)
    deploy_type = DecisionType.objects.for_org(organization).filter(key=defaults.DEPLOY_TYPE_KEY).first()
    routing = (selectors.routing_for(organization=organization, decision_type=deploy_type, risk_tier=risk_tier)
               if deploy_type else None)
    if routing is not None and not routing.allowed:
        failures.insert(0, {"check": "risk_tier", "reason": routing.message})
    # Checks other apps registered (the catalog: is this model approved at this risk tier?).
    extra = gate_checks.run_all(gate_checks.GateRequest(organization=organization, pod=pod,
                                                        model_name=model_name.strip(),
                                                        version=version.strip(), risk_tier=risk_tier))
    failures += [f.as_dict() for _c, found in extra for f in found if f.level == gate_checks.FAIL]
    warnings = [f.as_dict() for _c, found in extra for f in found if f.level == gate_checks.WARN]
    with org_write(organization, actor, GOVERNANCE) as w:
        review = DeploymentReview(organization=organization, pod=pod, model_name=model_name.strip(),
                                  version=version.strip(), risk_tier=risk_tier, results=results,
                                  failures=failures, warnings=warnings, submitted_by=actor,
                                  gate=Gate.PASS)
        if failures:
            review.gate = Gate.FAIL
        elif (deploy_type is not None and routing is not None and routing.tier is not None
              and routing.tier.needs_approval):
            review.gate = Gate.NEEDS_APPROVAL
            review.escalation = escalation_file(
                organization=organization, actor=actor, pod=pod, decision_type=deploy_type,
                risk_tier=risk_tier, title=f"Deploy {review.model_name} {review.version} to users",
                context=f"Guardrail checks passed at {risk_tier} risk: "
                        + ", ".join(f"{k}={_score(v)}" for k, v in sorted(results.items())),
                recommendation="Approve the deployment.")
        review.save()
        for check, found in extra:
            warned = [f for f in found if f.level == gate_checks.WARN]
            if warned and check.on_warn is not None:
                check.on_warn(review, warned)
            if review.gate != Gate.FAIL:
                for finding in (f for f in warned if f.raises_exception):
                    _exception_raise(organization, actor, MonitoringException.objects.create(
                        organization=organization, review=review, source=check.name,
                        reason=finding.reason[:500]))
        audit_record(organization=organization, actor=actor, action="governance.deployment_reviewed",
                     target=review, after={"gate": review.gate, "failures": failures, "warnings": warnings})
        event_emit(organization=organization, type="deployment.gated", data=webhook_data(review))
        w.touch(pod_scope(pod.pk))
    return review


def _exception_raise(organization: Organization, actor: User | None, exc: MonitoringException) -> None:
    """The record of a raised exception: its audit event and the `exception.raised` webhook."""
    audit_record(organization=organization, actor=actor, action="governance.exception_raised",
                 target=exc, after=snapshot(exc))
    event_emit(organization=organization, type="exception.raised", data=webhook_data(exc))


def deployment_metrics_push(*, organization: Organization, actor: User, review: DeploymentReview,
                            metrics: dict[str, Any]) -> list[MonitoringException]:
    """Production metrics for a deployed model; an exception only where a threshold is crossed."""
    same_org(organization, "review", review)
    if review.gate != Gate.PASS:
        raise ValidationError({"metrics": "Only a deployment that passed its gate is monitored."})
    if not metrics:
        raise ValidationError({"metrics": "Send at least one metric."})
    unknown = sorted(set(metrics) - set(CheckKind.values))
    if unknown:
        raise ValidationError({"metrics": f"Unknown metrics: {', '.join(unknown)}."})
    values = {}
    for name, raw in metrics.items():
        value = _score(raw)
        if value is None:
            raise ValidationError({"metrics": f"{name}: not a number."})
        values[name] = value
    pols = {p.check_kind: p for p in GuardrailPolicy.objects.for_org(organization).filter(risk_tier_id=review.risk_tier_id)}
    raised = []
    with org_write(organization, actor) as w:
        for name, value in sorted(values.items()):
            policy = pols.get(name)
            if policy is None or policy.meets(value):
                continue
            raised.append(MonitoringException.objects.create(
                organization=organization, review=review, metric=name, value=value,
                threshold=policy.threshold, direction=policy.direction))
        if raised:
            w.touch(GOVERNANCE)  # a push within every threshold changes nothing that is shown
            for exc in raised:
                _exception_raise(organization, actor, exc)
            leaders = Membership.objects.for_org(organization).filter(role__in=LEADER_ROLES).select_related("user")
            notify(organization=organization, users=[m.user for m in leaders], kind="governance.exception",
                   title=f"Guardrail exception on {review}",
                   body="; ".join(f"{e.metric} {e.value:g} (threshold {e.threshold:g})" for e in raised))
    return raised


def exception_resolve(*, organization: Organization, actor: User, exception: MonitoringException,
                      note: str) -> MonitoringException:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say how the exception was resolved."})
    with org_write(organization, actor, GOVERNANCE):
        exc = MonitoringException.objects.for_org(organization).select_for_update().get(pk=exception.pk)
        if exc.resolved_at is not None:
            raise ValidationError({"note": "Already resolved."})
        exc.resolved_at, exc.resolved_by, exc.resolution_note = timezone.now(), actor, note
        exc.save()
        audit_record(organization=organization, actor=actor, action="governance.exception_resolved",
                     target=exc, after={"note": note})
    return exc


def policy_set(*, organization: Organization, actor: User, risk_tier: RiskTier, check_kind: str,
               required: bool, direction: str, threshold: float) -> GuardrailPolicy:
    same_org(organization, "risk_tier", risk_tier)
    with org_write(organization, actor, GOVERNANCE):
        policy, created = GuardrailPolicy.objects.get_or_create(
            organization=organization, risk_tier=risk_tier, check_kind=check_kind,
            defaults={"required": required, "direction": direction, "threshold": threshold})
        before = None if created else snapshot(policy)
        policy.required, policy.direction, policy.threshold = required, direction, threshold
        policy.save()
        audit_record(organization=organization, actor=actor, action="governance.policy_set",
                     target=policy, target_repr=f"{risk_tier} · {check_kind}", before=before,
                     after=snapshot(policy))
    return policy
