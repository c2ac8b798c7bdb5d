"""Who may do what in governance; rules registered into tenancy.permissions.perms."""

from __future__ import annotations

from typing import Any

import rules

from pods.permissions import is_pod_lead_somewhere, leads_pod
from tenancy.models import Membership
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


@rules.predicate
def is_routed_approver(membership: Membership | None, escalation: Any) -> bool:
    if membership is None or escalation is None:
        return False
    return membership.pk in {m.pk for m in escalation.approvers.all()}


@rules.predicate
def filed_for_led_pod(membership: Membership | None, escalation: Any) -> bool:
    return escalation is not None and leads_pod(membership, escalation.pod)


@rules.predicate
def exception_pod_lead(membership: Membership | None, exception: Any) -> bool:
    return exception is not None and leads_pod(membership, exception.review.pod)


perms.add_rule("governance.view_matrix", is_member)
perms.add_rule("governance.edit_matrix", is_org_admin)
perms.add_rule("governance.edit_policies", is_org_admin)
perms.add_rule("governance.view_all", is_org_leader)
# The object is the pod the escalation is for (None: "leads some pod", for showing the link).
perms.add_rule("governance.file_escalation", rules.predicate(
    lambda m, pod: leads_pod(m, pod) if pod is not None else is_pod_lead_somewhere(m)))
perms.add_rule("governance.view_escalation", is_org_leader | filed_for_led_pod | is_routed_approver)
perms.add_rule("governance.decide_escalation", is_org_admin | is_routed_approver)
perms.add_rule("governance.comment_escalation", is_org_leader | filed_for_led_pod | is_routed_approver)
perms.add_rule("governance.answer_escalation", filed_for_led_pod)
perms.add_rule("governance.close_escalation", is_org_admin | filed_for_led_pod)
perms.add_rule("governance.view_dashboard", is_org_leader)
# The object is the pod (None: "could submit for some pod", checked before the body is read).
perms.add_rule("governance.submit_deployment", rules.predicate(
    lambda m, pod: is_org_admin(m) or (leads_pod(m, pod) if pod is not None else is_pod_lead_somewhere(m))))
perms.add_rule("governance.view_deployment", is_org_leader | rules.predicate(
    lambda m, review: review is not None and leads_pod(m, review.pod)))
perms.add_rule("governance.view_exceptions", is_org_leader)
perms.add_rule("governance.resolve_exception", is_org_admin | exception_pod_lead)
