"""Seed step for pods: pods, assignments and versioned charters.

Small scale goes through the services; enterprise scale bulk-inserts (see `pods_bulk`).
"""

from __future__ import annotations

import datetime

from demo.seeding import small_data as data
from demo.seeding.charter_text import charter_versions
from demo.seeding.context import SeedContext
from demo.seeding.history import backdate_pods
from pods import services
from pods.models import Charter, Pod, PodRole
from tenancy.models import Membership, Person, User


def pod_roles(ctx: SeedContext) -> dict[str, PodRole]:
    """The org's pod roles by key; the defaults come with the org (signal), this only backfills."""
    roles = {r.key: r for r in PodRole.objects.for_org(ctx.org)}
    if not roles:
        services.pod_roles_seed_defaults(organization=ctx.org)
        roles = {r.key: r for r in PodRole.objects.for_org(ctx.org)}
    return roles


def seed_small(ctx: SeedContext) -> None:
    org, actor = ctx.org, ctx.actor
    assert actor is not None
    people: dict[str, Person] = ctx.shared["people"]
    memberships: dict[str, Membership] = ctx.shared["memberships"]
    roles = pod_roles(ctx)
    existing = {p.name.lower(): p for p in Pod.objects.for_org(org)}
    new_pod_ids: list[int] = []
    pods: dict[str, Pod] = {}
    for spec in data.PODS:
        pod = existing.get(spec.name.lower())
        if pod is not None:
            ctx.tally("pods", 0, 1)
            pods[spec.name] = pod
            continue
        pod = services.pod_create(organization=org, actor=actor, name=spec.name,
                                  mission=spec.mission, status=spec.status,
                                  sponsor=memberships[spec.sponsor])
        ctx.tally("pods", 1)
        for m in spec.members:
            services.assignment_create(
                organization=org, actor=actor, pod=pod, person=people[m.person],
                role=roles[m.role], allocation_percent=m.allocation,
                start_date=ctx.days_ago(m.started_days_ago),
                end_date=ctx.days_ago(m.ended_days_ago) if m.ended_days_ago is not None else None,
            )
        ctx.tally("assignments", len(spec.members))
        _charters(ctx, pod, spec)
        if spec.later_status:
            services.pod_update(organization=org, actor=actor, pod=pod, status=spec.later_status)
        new_pod_ids.append(pod.pk)
        pods[spec.name] = pod
    backdate_pods(organization=org, pod_ids=new_pod_ids)
    ctx.shared["pods"] = pods


def _charters(ctx: SeedContext, pod: Pod, spec: data.PodSpec) -> None:
    """Write each version through `charter_save` (as the pod lead when they can sign in), then
    move the review dates back so the versions span the pod's life and one review is overdue."""
    org = ctx.org
    lead = next((m.person for m in spec.members if m.role == "pod_lead"), None)
    author: User = ctx.users.get(lead or "") or ctx.actor  # type: ignore[assignment]
    sponsor = next(name for key, _, name, _ in data.USERS if key == spec.sponsor)
    versions = charter_versions(mission=spec.mission, scope_in=spec.scope_in,
                                scope_out=spec.scope_out, needed_skills=spec.needed_skills,
                                sponsor_label=sponsor, count=spec.versions)
    written = []
    for fields in versions:
        change_note = fields.pop("change_note")
        written.append(services.charter_save(organization=org, actor=author, pod=pod,
                                             change_note=change_note, **fields))
    ctx.tally("charter versions", len(written))
    cycle = org.charter_review_days
    review = ctx.days_ahead(spec.review_in_days)
    for charter in reversed(written):
        Charter.objects.for_org(org).filter(pk=charter.pk).update(next_review_date=review)
        review -= datetime.timedelta(days=cycle + 5)
