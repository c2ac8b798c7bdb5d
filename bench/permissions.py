"""Who may do what on the bench; rules registered into tenancy.permissions.perms."""

from __future__ import annotations

from typing import Any

import rules

from pods.permissions import is_pod_lead_somewhere, leads_pod
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


@rules.predicate
def leads_request_pod(membership: Any, obj: Any) -> bool:
    """`obj` is a staffing request or a suggestion: its pod's lead."""
    return obj is not None and leads_pod(membership, obj.pod)


perms.add_rule("bench.view", is_member)
perms.add_rule("bench.manage_entries", is_org_admin)
# The object is the pod (None: "leads some pod", for showing the link).
perms.add_rule("bench.file_request", rules.predicate(
    lambda m, pod: is_org_admin(m) or (leads_pod(m, pod) if pod is not None else is_pod_lead_somewhere(m))))
perms.add_rule("bench.act_request", is_org_admin | leads_request_pod)
perms.add_rule("bench.decide_suggestion", is_org_admin | leads_request_pod)
perms.add_rule("bench.view_measures", is_org_leader)
perms.add_rule("bench.recompute", is_org_admin)
