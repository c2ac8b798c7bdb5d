"""Who may do what with compute; rules registered into tenancy.permissions.perms.

Admins configure pools, quotas and budgets; a pod's lead requests for that pod and releases or
cancels its allocations (admins may too, to free capacity); leaders read everything; every member
sees the pools, their quotas and the queue (capacity is meant to be transparent), while an
allocation's detail and history are for leaders, admins and the pod's lead.
"""

from __future__ import annotations

from typing import Any

import rules

from pods.permissions import is_pod_lead_somewhere, leads_pod, led_pods
from tenancy.models import Membership
from tenancy.permissions import can, is_member, is_org_admin, is_org_leader, perms


@rules.predicate
def leads_allocation_pod(membership: Membership | None, allocation: Any) -> bool:
    return allocation is not None and leads_pod(membership, allocation.pod)


perms.add_rule("resources.view", is_member)
perms.add_rule("resources.manage_pools", is_org_admin)
perms.add_rule("resources.set_quota", is_org_admin)
perms.add_rule("resources.manage_budgets", is_org_admin)
perms.add_rule("resources.view_all", is_org_leader)
# The object is the pod (None: "leads some pod", for showing the link).
perms.add_rule("resources.request", rules.predicate(
    lambda m, pod: leads_pod(m, pod) if pod is not None else is_pod_lead_somewhere(m)))
perms.add_rule("resources.view_allocation", is_org_leader | leads_allocation_pod)
perms.add_rule("resources.end_allocation", is_org_admin | leads_allocation_pod)
perms.add_rule("resources.report_usage", is_org_admin | leads_allocation_pod)  # metered usage, API only
perms.add_rule("resources.view_budgets", is_org_leader | is_pod_lead_somewhere)


def visible_pods(viewer: Membership | None) -> set[int] | None:
    """The pods whose allocations and budgets `viewer` may read: None for every pod (leaders,
    admins, and system reads with no viewer), else the pods the viewer leads."""
    if viewer is None or can(viewer, "resources.view_all"):
        return None
    return led_pods(viewer)
