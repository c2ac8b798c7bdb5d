"""Reads of pod health: the figures it is derived from, the snapshot rows (`pods.health_services`)
and the SQL twins of every check, so lists filter on the level their rows show."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from pods.health import FAIL, OK, WARN, HealthReason, PodHealth, attach_health, health_inputs
from pods.models import Charter, Pod, PodHealthSnapshot, PodStatus, active_assignment_q
from tenancy.models import Organization
from tenancy.registry import registry

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _today() -> datetime.date:
    return timezone.localdate()


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


def health_filter(organization: Organization, today: datetime.date, level: str) -> Q:
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
        """What `pod_health_attach` puts on each pod: the figures (FIGURES) and the derived health."""

        member_count: int
        lead_count: int
        protected_count: int
        charter_review: datetime.date | None
        charter_version: int | None
        health: PodHealth

    PodWithHealth = WithAnnotations[Pod, _HealthFigures]


def pod_health_attach(organization: Organization, pods: Any,
                today: datetime.date | None = None) -> list[PodWithHealth]:
    """Attach `pod.health` (and its figures) to a page of pods, in one query for the page.

    From the health snapshot (`pods.health_services`) for each pod with a usable row; the same
    statement derives the figures of the others, whose health is then derived live (registered
    checks run for those pods only, so a page whose rows are all usable costs one query)."""
    if today not in (None, _today()):
        return pod_health_attach_live(organization, pods, today)
    today = _today()
    page: list[Any] = list(pods)
    todo = [p.pk for p in page if not hasattr(p, "member_count")]
    if not todo:
        return pod_health_attach_live(organization, page, today)
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


def pod_health_attach_live(organization: Organization, pods: Any,
                     today: datetime.date | None = None) -> list[PodWithHealth]:
    """`pod_health_attach` derived from the data for `today`, without the snapshot."""
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

def health_refresh_pods(organization: Organization, ids: list[int],
                        today: datetime.date) -> list[tuple[PodWithHealth, datetime.date | None]]:
    """The pods `pods.health_services` re-derives, each with its figures and the first day after
    `today` on which one of its assignments starts or stops running (None: none will), in one
    statement: the pod's columns, `_FIGURES_SQL`'s figures and that day."""
    concrete = Pod._meta.concrete_fields
    fields = [f.attname for f in concrete]
    columns = ", ".join(f"p.{connection.ops.quote_name(str(f.column))}" for f in concrete)
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_SQL.format(columns=columns), {
            "org": organization.pk, "ids": ids, "day": today,
            "threshold": organization.protected_time_threshold})
        rows = cursor.fetchall()
    out = []
    for row in rows:
        pod: Any = Pod.from_db(connection.alias, fields, row[:len(fields)])
        for name, value in zip(FIGURES, row[len(fields):-1], strict=True):
            setattr(pod, name, value)
        out.append((pod, row[-1]))
    return out


# `_FIGURES_SQL` as a lateral per pod, with the pod's columns and its next staffing change.
_REFRESH_SQL = f"""
SELECT {{columns}}, f.members, f.leads, f.protected, c.next_review_date, c.version, f.next_change
FROM pods_pod p
LEFT JOIN LATERAL (
    SELECT COUNT(DISTINCT a.person_id) FILTER (WHERE {_RUNNING}) AS members,
           COUNT(a.id) FILTER (WHERE {_RUNNING} AND r.is_lead) AS leads,
           COUNT(DISTINCT a.person_id) FILTER (WHERE {_RUNNING} AND a.allocation_percent >= %(threshold)s)
               AS protected,
           MIN(CASE WHEN a.start_date > %(day)s THEN a.start_date ELSE a.end_date + 1 END)
               FILTER (WHERE a.start_date > %(day)s OR a.end_date >= %(day)s) AS next_change
    FROM pods_assignment a LEFT JOIN pods_podrole r ON r.id = a.role_id
    WHERE a.organization_id = p.organization_id AND a.pod_id = p.id
) f ON true
LEFT JOIN LATERAL (
    SELECT next_review_date, version FROM pods_charter
    WHERE organization_id = p.organization_id AND pod_id = p.id ORDER BY version DESC LIMIT 1
) c ON true
WHERE p.organization_id = %(org)s AND p.id = ANY(%(ids)s)
ORDER BY p.id
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
