"""Who may do what with pods. Pages, API and templates all ask `tenancy.permissions.can()`."""

from __future__ import annotations

from typing import Any

import rules

from tenancy.models import Membership
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


def led_pods(membership: Membership) -> set[int]:
    """Pods the member leads, computed once per request and kept on the membership."""
    cached = getattr(membership, "_led_pod_ids", None)
    if cached is None:
        from pods.selectors import led_pod_ids

        cached = led_pod_ids(organization=membership.organization, user=membership.user)
        membership._led_pod_ids = cached  # type: ignore[attr-defined]
    return cached


def member_pods(membership: Membership) -> set[int]:
    """Pods the member is in today, computed once per request and kept on the membership."""
    cached = getattr(membership, "_member_pod_ids", None)
    if cached is None:
        from pods.selectors import member_pod_ids

        cached = member_pod_ids(organization=membership.organization, user=membership.user)
        membership._member_pod_ids = cached  # type: ignore[attr-defined]
    return cached


@rules.predicate
def is_pod_lead_somewhere(membership: Membership | None) -> bool:
    return membership is not None and bool(led_pods(membership))


@rules.predicate
def leads_pod(membership: Membership | None, pod: Any) -> bool:
    return membership is not None and pod is not None and pod.pk in led_pods(membership)


@rules.predicate
def sponsors_pod(membership: Membership | None, pod: Any) -> bool:
    return membership is not None and pod is not None and pod.sponsor_id == membership.pk


can_run_pod = is_org_admin | leads_pod | sponsors_pod

perms.add_rule("pods.view", is_member)
perms.add_rule("pods.create_pod", is_org_admin | is_org_leader | is_pod_lead_somewhere)
perms.add_rule("pods.change_pod", can_run_pod)
perms.add_rule("pods.manage_assignments", can_run_pod)
perms.add_rule("pods.edit_charter", can_run_pod)
perms.add_rule("pods.manage_roles", is_org_admin)
# The Team API: a pod's own fields and the interactions it takes part in (either side may record one).
perms.add_rule("pods.change_team_api", can_run_pod)
