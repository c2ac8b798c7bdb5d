"""Reads for pods, scoped to an organization, with annotations that keep query counts flat."""

from __future__ import annotations

import datetime
import difflib
import json
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
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

from pods.health import FAIL, NOT_ASSESSED, OK, WARN, HealthReason, PodHealth, attach_health, health_inputs
from pods.models import Assignment, Charter, Pod, PodHealthSnapshot, PodRole, PodStatus, active_assignment_q
from tenancy.models import Organization, Person, PersonSkill, User
from tenancy.registry import registry
from tenancy.selectors import person_list

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _today() -> datetime.date:
    return timezone.localdate()


def pod_roles(*, organization: Organization) -> QuerySet[PodRole]:
    return PodRole.objects.for_org(organization).order_by("sort_order", "name")


def _figures(organization: Organization, today: datetime.date) -> dict[str, Any]:
    """The per-pod figures health is derived from, as annotations."""
    active = active_assignment_q(today, "assignments__")
    latest = Charter.objects.for_org(organization).filter(pod=OuterRef("pk")).order_by("-version")
    return {
        "member_count": Count("assignments__person", filter=active, distinct=True),
        "lead_count": Count("assignments", filter=active & Q(assignments__role__is_lead=True)),
        "protected_count": Count(
            "assignments__person",
            filter=active & Q(assignments__allocation_percent__gte=organization.protected_time_threshold),
            distinct=True,
        ),
        "charter_review": Subquery(latest.values("next_review_date")[:1]),
        "charter_version": Subquery(latest.values("version")[:1]),
    }


FIGURES = ("member_count", "lead_count", "protected_count", "charter_review", "charter_version")


def _health_level_q(organization: Organization, today: datetime.date) -> dict[str, Q]:
    """SQL twins of every health check (the core ones and those registered by other apps), so
    lists filter on the same level the page shows."""
    assessed = ~Q(status=PodStatus.SUNSET)
    fail = ~Q(lead_count=1)
    warn = (
        Q(member_count__lt=organization.pod_size_min)
        | Q(member_count__gt=organization.pod_size_max)
        | Q(protected_gap__gt=0)
        | Q(member_count=0)
        | Q(charter_review__isnull=True)
        | Q(charter_review__lt=today)
    )
    for check in registry.health_checks.all():
        levels = check.sql(organization, today)
        if FAIL in levels:
            fail |= levels[FAIL]
        if WARN in levels:
            warn |= levels[WARN]
    return {FAIL: assessed & fail, WARN: assessed & ~fail & warn, OK: assessed & ~fail & ~warn}


def pod_list(
    *,
    organization: Organization,
    q: str = "",
    status: str = "",
    health: str = "",
    sponsor_id: int | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Pod]:
    """Pods, filtered. Health figures are computed only when filtering by health needs them;
    otherwise `with_health` computes them for the page being shown, so a page costs the same
    whatever the number of pods."""
    today = today or _today()
    qs = Pod.objects.for_org(organization)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(mission__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if sponsor_id:
        qs = qs.filter(sponsor_id=sponsor_id)
    if health in (OK, WARN, FAIL):
        qs = qs.filter(_health_filter(organization, today, health))
    return qs.order_by("name", "id")


def _live_health(organization: Organization, today: datetime.date, qs: QuerySet[Pod]) -> QuerySet[Pod]:
    return qs.annotate(**_figures(organization, today)).annotate(
        protected_gap=ExpressionWrapper(
            organization.protected_share_target * F("member_count") - 100 * F("protected_count"),
            output_field=IntegerField(),
        )
    )


def _fresh_snapshot(organization: Organization, now: datetime.datetime) -> QuerySet[PodHealthSnapshot]:
    return PodHealthSnapshot.objects.for_org(organization).filter(
        pod=OuterRef("pk"), valid_until__gt=now, inputs=health_inputs(organization))


def _health_filter(organization: Organization, today: datetime.date, level: str) -> Q:
    """Pods at `level`: from the snapshot where a usable row exists, the SQL twins of every check
    otherwise (only those pods are aggregated), so the filter agrees with what rows show."""
    live = _live_health(organization, today, Pod.objects.for_org(organization))
    if today != _today():  # another day than the snapshot's: live for every pod
        return Q(pk__in=live.filter(_health_level_q(organization, today)[level]).values("pk"))
    fresh = _fresh_snapshot(organization, timezone.now())
    stale = live.filter(~Exists(fresh)).filter(_health_level_q(organization, today)[level])
    return Q(Exists(fresh.filter(level=level))) | Q(pk__in=stale.values("pk"))


def stale_health_pod_ids(organization: Organization) -> list[int]:
    """Pods with no usable health snapshot row (missing, expired, other settings)."""
    fresh = _fresh_snapshot(organization, timezone.now())
    return list(Pod.objects.for_org(organization).filter(~Exists(fresh))
                .order_by("pk").values_list("pk", flat=True))


if TYPE_CHECKING:

    class _HealthFigures(TypedDict):
        """What `with_health` puts on each pod: the figures (FIGURES) and the derived health."""

        member_count: int
        lead_count: int
        protected_count: int
        charter_review: datetime.date | None
        charter_version: int | None
        health: PodHealth

    PodWithHealth = WithAnnotations[Pod, _HealthFigures]


def with_health(organization: Organization, pods: Any,
                today: datetime.date | None = None) -> list[PodWithHealth]:
    """Attach `pod.health` (and its figures) to a page of pods, in one query for the page.

    From the health snapshot (`pods.health_services`) for each pod with a usable row; the same
    statement derives the figures of the others, whose health is then derived live (registered
    checks run for those pods only, so a page whose rows are all usable costs one query)."""
    if today not in (None, _today()):
        return with_health_live(organization, pods, today)
    today = _today()
    page: list[Any] = list(pods)
    todo = [p.pk for p in page if not hasattr(p, "member_count")]
    if not todo:
        return with_health_live(organization, page, today)
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL, {
            "org": organization.pk, "ids": todo, "day": today, "now": timezone.now(),
            "threshold": organization.protected_time_threshold, "inputs": health_inputs(organization)})
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    live = []
    for pod in page:
        row = rows.get(pod.pk)
        if row is None:
            live.append(pod)
            continue
        level, reasons, *figures = row
        for name, value in zip(FIGURES, figures, strict=True):
            setattr(pod, name, value)
        if level is None:
            live.append(pod)
        else:
            reasons = json.loads(reasons) if isinstance(reasons, str) else reasons
            pod.health = PodHealth(level=level, reasons=tuple(HealthReason(*r) for r in reasons))
    if live:
        attach_health(organization, live, today)
    return page


def with_health_live(organization: Organization, pods: Any,
                     today: datetime.date | None = None) -> list[PodWithHealth]:
    """`with_health` derived from the data for `today`, without the snapshot."""
    today = today or _today()
    pods = list(pods)
    missing = [p.pk for p in pods if not hasattr(p, "member_count")]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(_FIGURES_SQL, {"org": organization.pk, "ids": missing, "day": today,
                                          "threshold": organization.protected_time_threshold})
            figures = {row[0]: row[1:] for row in cursor.fetchall()}
        for pod in pods:
            if pod.pk in figures:
                for name, value in zip(FIGURES, figures[pod.pk], strict=True):
                    setattr(pod, name, value)
    return attach_health(organization, pods, today)


# `_figures` for a page of pods, as one statement written once: building and compiling the
# annotated ORM query cost more CPU than PostgreSQL spends running it. The same figures:
# tests/pods/test_health_figures.py compares the two on every kind of pod.
_RUNNING = "a.start_date <= %(day)s AND (a.end_date IS NULL OR a.end_date >= %(day)s)"
_FIGURES_SQL = f"""
SELECT p.id,
       COUNT(DISTINCT a.person_id) FILTER (WHERE {_RUNNING}),
       COUNT(a.id) FILTER (WHERE {_RUNNING} AND r.is_lead),
       COUNT(DISTINCT a.person_id) FILTER (WHERE {_RUNNING} AND a.allocation_percent >= %(threshold)s),
       c.next_review_date,
       c.version
FROM pods_pod p
LEFT JOIN pods_assignment a ON a.organization_id = p.organization_id AND a.pod_id = p.id
LEFT JOIN pods_podrole r ON r.id = a.role_id
LEFT JOIN LATERAL (
    SELECT next_review_date, version FROM pods_charter
    WHERE organization_id = p.organization_id AND pod_id = p.id ORDER BY version DESC LIMIT 1
) c ON true
WHERE p.organization_id = %(org)s AND p.id = ANY(%(ids)s)
GROUP BY p.id, c.next_review_date, c.version
"""

# The snapshot's row where usable (level not null), else `_FIGURES_SQL`'s figures: the laterals
# run only for pods without a usable row (their filter on `s` is a one-time filter).
_SNAPSHOT_SQL = f"""
SELECT p.id, s.level, s.reasons,
       COALESCE(s.member_count, f.members), COALESCE(s.lead_count, f.leads),
       COALESCE(s.protected_count, f.protected),
       CASE WHEN s.pod_id IS NULL THEN c.next_review_date ELSE s.charter_review END,
       CASE WHEN s.pod_id IS NULL THEN c.version ELSE s.charter_version END
FROM pods_pod p
LEFT JOIN pods_podhealthsnapshot s ON s.pod_id = p.id AND s.organization_id = p.organization_id
     AND s.valid_until > %(now)s AND s.inputs = %(inputs)s
LEFT JOIN LATERAL (
    SELECT COUNT(DISTINCT a.person_id) FILTER (WHERE {_RUNNING}) AS members,
           COUNT(a.id) FILTER (WHERE {_RUNNING} AND r.is_lead) AS leads,
           COUNT(DISTINCT a.person_id) FILTER (WHERE {_RUNNING} AND a.allocation_percent >= %(threshold)s)
               AS protected
    FROM pods_assignment a LEFT JOIN pods_podrole r ON r.id = a.role_id
    WHERE s.pod_id IS NULL AND a.organization_id = p.organization_id AND a.pod_id = p.id
) f ON true
LEFT JOIN LATERAL (
    SELECT next_review_date, version FROM pods_charter
    WHERE s.pod_id IS NULL AND organization_id = p.organization_id AND pod_id = p.id
    ORDER BY version DESC LIMIT 1
) c ON true
WHERE p.organization_id = %(org)s AND p.id = ANY(%(ids)s)
"""


def pod_lookup(*, organization: Organization, pk: Any) -> Pod:
    """One pod of the organization, without health (pages that do not show it)."""
    return Pod.objects.for_org(organization).select_related("sponsor__user").get(pk=pk)


def pod_get(*, organization: Organization, pk: Any) -> Pod:
    """One pod with its derived health."""
    pod = pod_lookup(organization=organization, pk=pk)
    with_health(organization, [pod])
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
