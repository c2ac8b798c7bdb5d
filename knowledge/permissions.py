"""Who may do what in knowledge; rules registered into tenancy.permissions.perms.

Anyone in the organization reads; guild members post lessons; authors edit their own; stewards
moderate their guild; admins may do everything. Guild roles are loaded once per request and
kept on the membership, so checks in a loop cost no queries.
"""

from __future__ import annotations

from typing import Any

import rules

from tenancy.models import Membership
from tenancy.permissions import is_member, is_org_admin, is_org_leader, perms


def guild_roles(membership: Membership) -> dict[int, bool]:
    """{guild id: is steward} for the member's guilds, computed once per request."""
    cached = getattr(membership, "_guild_roles", None)
    if cached is None:
        from knowledge.selectors import guild_roles_for

        cached = guild_roles_for(organization=membership.organization, user=membership.user)
        membership._guild_roles = cached  # type: ignore[attr-defined]
    return cached


def _guild_id(obj: Any) -> int | None:
    if obj is None:
        return None
    return getattr(obj, "guild_id", None) or getattr(obj, "pk", None)


@rules.predicate
def in_guild(membership: Membership | None, obj: Any) -> bool:
    """`obj` is a guild, or something in a guild (a lesson)."""
    gid = _guild_id(obj)
    return membership is not None and gid is not None and gid in guild_roles(membership)


@rules.predicate
def stewards_guild(membership: Membership | None, obj: Any) -> bool:
    gid = _guild_id(obj)
    return membership is not None and gid is not None and guild_roles(membership).get(gid, False)


@rules.predicate
def is_author(membership: Membership | None, obj: Any) -> bool:
    author_id = getattr(obj, "author_id", None)
    return membership is not None and author_id is not None and author_id == membership.user_id


@rules.predicate
def reported_incident(membership: Membership | None, incident: Any) -> bool:
    return (membership is not None and incident is not None
            and getattr(incident, "reported_by_id", None) == membership.user_id)


@rules.predicate
def leads_incident_pod(membership: Membership | None, incident: Any) -> bool:
    from pods.permissions import led_pods

    pod_id = getattr(incident, "pod_id", None)
    return membership is not None and pod_id is not None and pod_id in led_pods(membership)


@rules.predicate
def owns_action(membership: Membership | None, item: Any) -> bool:
    return membership is not None and item is not None and item.owner_id == membership.user_id


perms.add_rule("knowledge.view", is_member)
perms.add_rule("knowledge.create_guild", is_org_admin | is_org_leader)
perms.add_rule("knowledge.change_guild", is_org_admin | stewards_guild)
perms.add_rule("knowledge.join_guild", is_member)
perms.add_rule("knowledge.post_lesson", is_org_admin | in_guild)
perms.add_rule("knowledge.change_lesson", is_org_admin | is_author | stewards_guild)
perms.add_rule("knowledge.moderate_lesson", is_org_admin | stewards_guild)
perms.add_rule("knowledge.vote_lesson", is_member)
perms.add_rule("knowledge.comment_lesson", is_member)


@rules.predicate
def stewards_comment_guild(membership: Membership | None, comment: Any) -> bool:
    return comment is not None and stewards_guild(membership, comment.lesson)


perms.add_rule("knowledge.remove_comment", is_org_admin | is_author | stewards_comment_guild)
perms.add_rule("knowledge.report_incident", is_member)
perms.add_rule("knowledge.change_incident",
               is_org_admin | reported_incident | leads_incident_pod)
perms.add_rule("knowledge.update_action", is_org_admin | owns_action)
perms.add_rule("knowledge.manage_showcases", is_org_admin | is_org_leader)
perms.add_rule("knowledge.cite_presentation", is_member)
perms.add_rule("knowledge.manage_talks", is_org_admin | is_org_leader)
perms.add_rule("knowledge.manage_rotations", is_org_admin | is_org_leader)
