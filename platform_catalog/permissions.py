"""Who may do what in the platform catalog: everyone in the organization reads; the owner pod's
lead (or an admin) edits an entry; admins and leaders decide what needs an org-wide view."""

from __future__ import annotations

from typing import Any

import rules

from pods.permissions import is_pod_lead_somewhere, leads_pod
from tenancy.models import Membership
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


@rules.predicate
def leads_owner_pod(membership: Membership | None, entry: Any) -> bool:
    """The entry's owner pod is led by the member (an entry of None: "leads some pod")."""
    if entry is None:
        return is_pod_lead_somewhere(membership)
    return leads_pod(membership, getattr(entry, "owner_pod", None))


@rules.predicate
def owns_data_product_of_request(membership: Membership | None, request: Any) -> bool:
    return request is not None and leads_pod(membership, request.data_product.owner_pod)


@rules.predicate
def created_run(membership: Membership | None, run: Any) -> bool:
    return membership is not None and run is not None and run.created_by_id == membership.user_id


@rules.predicate
def created_experiment(membership: Membership | None, experiment: Any) -> bool:
    return (membership is not None and experiment is not None
            and getattr(experiment, "created_by_id", None) == membership.user_id)


@rules.predicate
def leads_experiment_pod(membership: Membership | None, experiment: Any) -> bool:
    """The experiment's pod is led by the member; an experiment no pod owns yet (logged by the
    MLflow client) may be claimed by any pod lead (for a pod they lead: see the views)."""
    if experiment is None:
        return False
    if getattr(experiment, "owner_pod_id", None) is None:
        return is_pod_lead_somewhere(membership)
    return leads_pod(membership, experiment.owner_pod)


perms.add_rule("catalog.view", is_member)
perms.add_rule("catalog.publish", is_org_admin | is_pod_lead_somewhere)
perms.add_rule("catalog.edit", is_org_admin | leads_owner_pod)
perms.add_rule("catalog.request_approval", is_org_admin | leads_owner_pod)
# Any member may ask for access and record their pod's adoption through its lead; the owner decides.
perms.add_rule("catalog.request_access", is_member)
perms.add_rule("catalog.decide_access", is_org_admin | owns_data_product_of_request)
# The object is the adopting pod.
perms.add_rule("catalog.adopt", rules.predicate(lambda m, pod: is_org_admin(m) or leads_pod(m, pod)))
perms.add_rule("catalog.push_quality", is_org_admin | leads_owner_pod)
perms.add_rule("catalog.decide_duplicate", is_org_leader)
perms.add_rule("catalog.view_coordination", is_member)
# Experiment tracking: every member logs their own runs (data scientists need no pod role).
perms.add_rule("catalog.track", is_member)
perms.add_rule("catalog.log_to_run", is_org_admin | created_run)
# Linking an experiment to its pod, model and data products: whoever created it (the MLflow client's
# token), the lead of the pod it belongs to (any pod lead while no pod owns it), or an admin. Naming
# a new owner pod also needs that pod (checked as "catalog.adopt" on it: its lead or an admin).
perms.add_rule("catalog.link_experiment", is_org_admin | created_experiment | leads_experiment_pod)
