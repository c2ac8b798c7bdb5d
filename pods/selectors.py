"""Reads for pods, scoped to an organization, with annotations that keep query counts flat."""

from __future__ import annotations

import datetime
import difflib
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Field,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from pods.health import FAIL, NOT_ASSESSED, OK, WARN
from pods.health_selectors import health_filter, pod_health_attach
from pods.models import Assignment, Charter, Pod, PodRole, active_assignment_q
from tenancy.models import Organization, Person, PersonSkill, User
from tenancy.selectors import person_list

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _today() -> datetime.date:
    return timezone.localdate()


def pod_roles(*, organization: Organization) -> QuerySet[PodRole]:
    return PodRole.objects.for_org(organization).order_by("sort_order", "name")


def pod_list(
    *,
    organization: Organization,
    q: str = "",
    status: str = "",
    health: str = "",
    sponsor_id: int | None = None,
    team_type: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Pod]:
    """Pods, filtered. Health figures are computed only when filtering by health needs them;
    otherwise `pod_health_attach` computes them for the page being shown, so a page costs the same
    whatever the number of pods."""
    today = today or _today()
    qs = Pod.objects.for_org(organization)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(mission__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if sponsor_id:
        qs = qs.filter(sponsor_id=sponsor_id)
    if team_type:
        qs = qs.filter(team_type=team_type)
    if health in (OK, WARN, FAIL):
        qs = qs.filter(health_filter(organization, today, health))
    return qs.order_by("name", "id")


def pod_lookup(*, organization: Organization, pk: Any) -> Pod:
    """One pod of the organization, without health (pages that do not show it)."""
    return Pod.objects.for_org(organization).select_related("sponsor__user").get(pk=pk)


def pod_get(*, organization: Organization, pk: Any) -> Pod:
    """One pod with its derived health."""
    pod = pod_lookup(organization=organization, pk=pk)
    pod_health_attach(organization, [pod])
    return pod


def pod_members(*, organization: Organization, pod: Pod, include_past: bool = False) -> list[Assignment]:
    qs = Assignment.objects.for_org(organization).filter(pod=pod).select_related("person", "role")
    if not include_past:
        today = _today()
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return list(qs.order_by("role__sort_order", "person__full_name", "id"))


def led_pod_ids(*, organization: Organization, user: User) -> set[int]:
    """Pods whose running pod-lead assignment belongs to the user's directory entry."""
    return set(
        Assignment.objects.for_org(organization)
        .filter(active_assignment_q(_today()), person__user=user, role__is_lead=True)
        .values_list("pod_id", flat=True)
    )


def member_pod_ids(*, organization: Organization, user: User) -> set[int]:
    """Pods the user is in today through their directory entry (leads included: they are assigned)."""
    return set(
        Assignment.objects.for_org(organization)
        .filter(active_assignment_q(_today()), person__user=user)
        .values_list("pod_id", flat=True)
    )


def person_allocation_total(*, organization: Organization, person: Person) -> int:
    total = (
        Assignment.objects.for_org(organization)
        .filter(active_assignment_q(_today()), person=person)
        .aggregate(t=Sum("allocation_percent"))["t"]
    )
    return int(total or 0)


if TYPE_CHECKING:  # WithAnnotations takes its second argument only for the type checker

    class _RunningAllocation(TypedDict):
        total_allocation: int  # % summed over the person's running assignments

    PersonWithAllocation = WithAnnotations[Person, _RunningAllocation]


def people_with_allocation(*, organization: Organization, **filters: Any) -> QuerySet[PersonWithAllocation]:
    """The directory, each person with the sum of their running allocations."""
    today = _today()
    totals = (
        Assignment.objects.for_org(organization)
        .filter(active_assignment_q(today), person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(t=Sum("allocation_percent"))
        .values("t")
    )
    return person_list(organization=organization, **filters).annotate(
        total_allocation=Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))
    )


DIRECTORY_FIELDS = ("pk", "full_name", "email", "title", "kind", "weekly_capacity_hours", "total_allocation")


def people_directory(
    *, organization: Organization, fields: tuple[str, ...] = DIRECTORY_FIELDS, **filters: Any
) -> QuerySet[Any]:
    """The directory as plain rows (`values()`): what the list shows, without building models."""
    return (
        people_with_allocation(organization=organization, **filters)
        .select_related(None)
        .prefetch_related(None)
        .values(*fields)
    )


def people_skills(*, organization: Organization, person_ids: list[int]) -> dict[int, list[tuple[int, str, int]]]:
    """Every skill of these people as (skill id, name, level), strongest first, in one query."""
    rows = (
        PersonSkill.objects.for_org(organization)
        .filter(person_id__in=person_ids)
        .order_by("person_id", "-level", "skill__name")
        .values_list("person_id", "skill_id", "skill__name", "level")
    )
    out: dict[int, list[tuple[int, str, int]]] = {}
    for person_id, skill_id, name, level in rows:
        out.setdefault(person_id, []).append((skill_id, name, level))
    return out


def people_top_skills(*, organization: Organization, person_ids: list[int], limit: int = 4) -> dict[int, list[tuple[str, int]]]:
    """Each person's strongest `limit` skills as (name, level), in one query for all of them."""
    return {
        person_id: [(name, level) for _, name, level in skills[:limit]]
        for person_id, skills in people_skills(organization=organization, person_ids=person_ids).items()
    }


def person_assignments(*, organization: Organization, person: Person) -> list[Assignment]:
    return list(
        Assignment.objects.for_org(organization)
        .filter(person=person)
        .select_related("pod", "role")
        .order_by("-start_date", "-id")
    )


def charter_current(*, organization: Organization, pod: Pod) -> Charter | None:
    return Charter.objects.for_org(organization).filter(pod=pod).select_related("author").first()


def charter_versions(*, organization: Organization, pod: Pod) -> QuerySet[Charter]:
    return Charter.objects.for_org(organization).filter(pod=pod).select_related("author").order_by(
        "-version"
    )


def charter_diff(*, organization: Organization, pod: Pod, a: int, b: int) -> dict[str, Any]:
    """Field-by-field line diff from version `a` to version `b` of a pod's charter."""
    versions = {
        c.version: c
        for c in Charter.objects.for_org(organization).filter(pod=pod, version__in=[a, b])
    }
    if a not in versions or b not in versions:
        raise Charter.DoesNotExist
    old, new = versions[a], versions[b]
    fields = []
    for name in Charter.TEXT_FIELDS + ("next_review_date",):
        before, after = str(getattr(old, name) or ""), str(getattr(new, name) or "")
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            if line.startswith("? "):
                continue
            lines.append({"op": {"+": "add", "-": "del"}.get(line[0], "same"), "text": line[2:]})
        field = Charter._meta.get_field(name)
        label = field.verbose_name if isinstance(field, Field) else name
        fields.append({"name": name, "label": label, "changed": before != after, "lines": lines})
    return {"old": old, "new": new, "fields": fields}


def assignment_list(
    *, organization: Organization, pod_id: int | None = None, person_id: int | None = None,
    active: bool | None = None, today: datetime.date | None = None,
) -> QuerySet[Assignment]:
    """Assignments with their pod, person and role joined in, filtered as lists ask."""
    qs = Assignment.objects.for_org(organization).select_related("pod", "person", "role")
    if pod_id:
        qs = qs.filter(pod_id=pod_id)
    if person_id:
        qs = qs.filter(person_id=person_id)
    if active is not None:
        running = active_assignment_q(today or timezone.localdate())
        qs = qs.filter(running) if active else qs.exclude(running)
    return qs.order_by("pod__name", "start_date", "id")


def assignment_get(*, organization: Organization, pk: Any) -> Assignment:
    return Assignment.objects.for_org(organization).select_related("pod", "person", "role").get(pk=pk)


def pod_people_choices(*, organization: Organization) -> QuerySet[Person]:
    return Person.objects.for_org(organization).filter(is_active=True).order_by("full_name")


def pod_member_candidates(*, organization: Organization, pod: Pod, q: str = "", limit: int = 25) -> list[Person]:
    """Active people not currently in the pod, by name: what the add-member picker offers."""
    today = _today()
    current = Assignment.objects.for_org(organization).filter(pod=pod).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    ).values("person_id")
    qs = pod_people_choices(organization=organization).exclude(pk__in=current)
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q))
    return list(qs.only("id", "full_name", "title")[:limit])


HEALTH_CHOICES = [(OK, "Healthy"), (WARN, "At risk"), (FAIL, "Unhealthy")]
# What the API reports: a check, or a pod with too little data yet, can be "not assessed".
HEALTH_REASON_CHOICES = [*HEALTH_CHOICES, (NOT_ASSESSED, "Not assessed")]


def assignment_list_for_export(*, organization: Organization) -> QuerySet[Assignment]:
    """Every assignment, running and ended, with what a CSV row names."""
    return Assignment.objects.for_org(organization).select_related("pod", "person", "role")


def assignments_overlapping(*, organization: Organization, start: datetime.date, end: datetime.date,
                            person_ids: Any = None, pod_ids: Any = None) -> QuerySet[Assignment]:
    """Assignments running on some day of `[start, end)` (capacity planning reads these)."""
    qs = Assignment.objects.for_org(organization).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lt=end)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    if pod_ids is not None:
        qs = qs.filter(pod_id__in=pod_ids)
    return qs.order_by("start_date", "id")


def pod_lead_users(*, organization: Organization, pod_ids: Any) -> dict[int, list[User]]:
    """The users who currently lead each pod (for notifications), in one query."""
    out: dict[int, list[User]] = {}
    rows = (Assignment.objects.for_org(organization)
            .filter(active_assignment_q(_today()), pod_id__in=list(pod_ids), role__is_lead=True,
                    person__user__isnull=False)
            .select_related("person__user").order_by("pod_id", "id"))
    for a in rows:
        if a.person.user is not None:
            out.setdefault(a.pod_id, []).append(a.person.user)
    return out


def pod_lead_memberships(*, organization: Organization, pod_ids: Any) -> dict[int, tuple[int, ...]]:
    """The memberships (ids) of the people who currently lead each pod, in one query: who, besides
    the leaders, may see a pod's items in a snapshot computed for every viewer."""
    from tenancy.models import Membership

    member = Membership.objects.for_org(organization).filter(user_id=OuterRef("person__user_id")).values("pk")
    out: dict[int, list[int]] = {}
    for pod_id, membership_id in (Assignment.objects.for_org(organization)
                                  .filter(active_assignment_q(_today()), pod_id__in=list(pod_ids),
                                          role__is_lead=True, person__user__isnull=False)
                                  .annotate(m=Subquery(member[:1])).order_by("pod_id", "m")
                                  .values_list("pod_id", "m")):
        if membership_id is not None:
            out.setdefault(pod_id, []).append(membership_id)
    return {pod_id: tuple(ids) for pod_id, ids in out.items()}
