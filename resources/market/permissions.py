"""Who may do what in the service marketplace; rules registered into tenancy.permissions.perms.

Every member browses the offerings. A provider pod's lead (or an admin) manages its offerings
and accepts, declines and delivers requests to them; a requesting pod's lead (or an admin)
requests for that pod, cancels and closes. Leaders read every request; a pod lead reads the
requests to and from the pods they lead.
"""

from __future__ import annotations

from typing import Any

import rules

from pods.permissions import is_pod_lead_somewhere, leads_pod
from tenancy.models import Membership
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


@rules.predicate
def leads_provider(membership: Membership | None, obj: Any) -> bool:
    """`obj` is an offering, a request (its offering's provider) or a pod; None: leads some pod."""
    if obj is None:
        return is_pod_lead_somewhere(membership)
    offering = getattr(obj, "offering", obj)
    return bool(leads_pod(membership, getattr(offering, "provider", offering)))


@rules.predicate
def leads_requester(membership: Membership | None, obj: Any) -> bool:
    """`obj` is a request (its pod) or a pod; None: leads some pod."""
    if obj is None:
        return is_pod_lead_somewhere(membership)
    return bool(leads_pod(membership, getattr(obj, "pod", obj)))


perms.add_rule("market.view", is_member)
perms.add_rule("market.manage_offering", is_org_admin | leads_provider)
perms.add_rule("market.request", is_org_admin | leads_requester)
perms.add_rule("market.respond", is_org_admin | leads_provider)
perms.add_rule("market.requester_act", is_org_admin | leads_requester)
perms.add_rule("market.view_all", is_org_leader)
perms.add_rule("market.view_request", is_org_leader | leads_provider | leads_requester)
