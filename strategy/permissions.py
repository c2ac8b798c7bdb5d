"""Who may do what in strategy: leaders own themes (and triage signals), pod leads own their
pods' outcomes and check-ins. Pages, API and templates ask `tenancy.permissions.can()`."""

from __future__ import annotations

from typing import Any

import rules

from pods.permissions import is_pod_lead_somewhere, leads_pod, led_pods, member_pods
from tenancy.models import Membership
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


@rules.predicate
def owns_theme(membership: Membership | None, theme: Any) -> bool:
    return membership is not None and theme is not None and theme.owner_id == membership.pk


@rules.predicate
def leads_outcome_pod(membership: Membership | None, outcome: Any) -> bool:
    return outcome is not None and leads_pod(membership, outcome.pod)


@rules.predicate
def owns_outcome_theme(membership: Membership | None, outcome: Any) -> bool:
    return outcome is not None and owns_theme(membership, outcome.theme)


perms.add_rule("strategy.view", is_member)
perms.add_rule("strategy.create_theme", is_org_leader)
perms.add_rule("strategy.change_theme", is_org_admin | owns_theme)
# The object is the pod the outcome is for (None: "may add an outcome for some pod").
perms.add_rule("strategy.add_outcome", rules.predicate(
    lambda m, pod: is_org_admin(m) or (leads_pod(m, pod) if pod is not None else is_pod_lead_somewhere(m))))
perms.add_rule("strategy.change_outcome", is_org_admin | leads_outcome_pod | owns_outcome_theme)
# Pipelines push with a token of the pod's lead (or an admin's).
perms.add_rule("strategy.record_measurement", is_org_admin | leads_outcome_pod)
perms.add_rule("strategy.check_in", leads_outcome_pod)



@rules.predicate
def in_pod(membership: Membership | None, pod: Any) -> bool:
    """In the pod (or, with no pod, in some pod); leads count as in their pods."""
    if membership is None:
        return False
    pods = member_pods(membership) | led_pods(membership)
    return bool(pods) if pod is None else pod.pk in pods


# Signals: a pod's members raise them for their pod (admins for any); leaders triage.
perms.add_rule("strategy.raise_signal", is_org_admin | in_pod)
perms.add_rule("strategy.triage_signal", is_org_leader)


@rules.predicate
def leads_request_pod(membership: Membership | None, req: Any) -> bool:
    return req is not None and leads_pod(membership, req.pod)


@rules.predicate
def routed_to_me(membership: Membership | None, req: Any) -> bool:
    return (membership is not None and req is not None and req.status == "routed" and req.routed_to is not None
            and req.routed_to.user_id == membership.user_id)


# The intake inbox: anyone asks; the pod's lead answers, routes or declines; the routed member answers.
perms.add_rule("strategy.ask_pod", is_member)
perms.add_rule("strategy.handle_intake", is_org_admin | leads_request_pod)
perms.add_rule("strategy.answer_intake", is_org_admin | leads_request_pod | routed_to_me)
