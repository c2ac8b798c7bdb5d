"""Who may do what in tenancy. Pages, API and templates all ask `can()`.

Predicates take the viewer's `Membership` in the organization (never a bare user), so every
check is already tenant-scoped; the object, when there is one, is the second argument.
"""

from __future__ import annotations

from typing import Any

import rules

from tenancy.models import ADMIN_ROLES, LEADER_ROLES, Membership, Role

perms = rules.RuleSet()


@rules.predicate
def is_org_admin(membership: Membership | None) -> bool:
    return membership is not None and membership.role in ADMIN_ROLES


@rules.predicate
def is_org_owner(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.OWNER


@rules.predicate
def is_org_leader(membership: Membership | None) -> bool:
    return membership is not None and membership.role in LEADER_ROLES


@rules.predicate
def is_member(membership: Membership | None) -> bool:
    return membership is not None


@rules.predicate
def owns_token(membership: Membership | None, token: Any) -> bool:
    return membership is not None and token is not None and token.user_id == membership.user_id


perms.add_rule("tenancy.view_org", is_member)
perms.add_rule("tenancy.change_settings", is_org_admin)
perms.add_rule("tenancy.manage_members", is_org_admin)
perms.add_rule("tenancy.grant_owner", is_org_owner)
perms.add_rule("tenancy.view_audit", is_org_admin)
perms.add_rule("tenancy.manage_people", is_org_admin)
perms.add_rule("tenancy.manage_skills", is_org_admin | is_org_leader)
perms.add_rule("tenancy.create_token", is_member)
perms.add_rule("tenancy.revoke_token", owns_token | is_org_admin)


def can(membership: Membership | None, name: str, obj: Any = None) -> bool:
    """The one check for a named permission; rules registered by every app live in `perms`."""
    if name not in perms:
        raise KeyError(f"Unknown permission {name!r}")
    return perms.test_rule(name, membership, obj)
