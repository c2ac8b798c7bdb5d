"""Who may do what with expert time; rules registered into tenancy.permissions.perms.

Every member sees the experts and their free slots, and books for a pod they work in or lead
(admins for any pod). A booking is seen and cancelled by whoever booked it, the expert, and the
pod's lead; leaders see them all and the utilisation per week. Admins make people experts; an
expert (or an admin) sets their office hours.
"""

from __future__ import annotations

from typing import Any

import rules

from pods.permissions import leads_pod, member_pods
from tenancy.models import Membership
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


@rules.predicate
def is_the_expert(membership: Membership | None, expert: Any) -> bool:
    return (membership is not None and expert is not None
            and expert.person.user_id is not None and expert.person.user_id == membership.user_id)


@rules.predicate
def books_for_pod(membership: Membership | None, pod: Any) -> bool:
    """None: may book for some pod (shows the form)."""
    if membership is None:
        return False
    return bool(member_pods(membership)) if pod is None else pod.pk in member_pods(membership)


@rules.predicate
def booked_it(membership: Membership | None, booking: Any) -> bool:
    return membership is not None and booking is not None and booking.booked_by_id == membership.user_id


@rules.predicate
def is_booked_expert(membership: Membership | None, booking: Any) -> bool:
    return booking is not None and bool(is_the_expert(membership, booking.expert))


@rules.predicate
def leads_booking_pod(membership: Membership | None, booking: Any) -> bool:
    return booking is not None and bool(leads_pod(membership, booking.pod))


perms.add_rule("experts.view", is_member)
perms.add_rule("experts.manage", is_org_admin)
perms.add_rule("experts.manage_hours", is_org_admin | is_the_expert)
perms.add_rule("experts.book", is_org_admin | books_for_pod)
perms.add_rule("experts.view_all_bookings", is_org_leader)
perms.add_rule("experts.view_booking", is_org_leader | booked_it | is_booked_expert | leads_booking_pod)
perms.add_rule("experts.cancel_booking", is_org_admin | booked_it | is_booked_expert | leads_booking_pod)
perms.add_rule("experts.view_utilisation", is_org_leader)
