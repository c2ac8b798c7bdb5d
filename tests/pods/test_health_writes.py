"""What a health-changing write costs and which snapshot rows it re-derives (`pods.health_services`).

A write re-derives the rows of the pods it touched, and only those: a row of another pod is neither
rewritten nor locked (a write that named no pod would lock every pod's row, so every other
health-changing write of the organization would queue behind it). The other pod's row carries a
marker that any re-derivation would overwrite.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.services.decisions import suggestion_accept
from bench.services.requests import staffing_request_propose
from governance.services.matrix import governance_seed_defaults
from pods import services as pod_services
from pods.health_services import health_snapshot_refresh
from pods.models import PodHealthSnapshot
from tenancy.models import Organization
from tenancy.registry import registry
from tests.bench.factories import file_request, skill, specialist
from tests.factories import PersonFactory, PodFactory, member, pod_lead, role

MARKER = [["marker", "ok", "kept"]]


def _mark(org, pod) -> None:
    PodHealthSnapshot.objects.for_org(org).filter(pod=pod).update(reasons=MARKER)


def _row(org, pod) -> PodHealthSnapshot:
    return PodHealthSnapshot.objects.for_org(org).get(pod=pod)


def test_refreshing_one_pods_row_is_a_few_statements_whatever_the_organizations_size(org):
    """Lock the row (one upsert), read the pod with its figures and next staffing change (one
    statement), one batch per registered check and its `until`, store (one UPDATE)."""
    governance_seed_defaults(organization=org)
    _, _, pod = pod_lead(org)
    for _ in range(5):
        PodFactory(organization=org)
    health_snapshot_refresh(org)
    checks = registry.health_checks.all()
    expected = 3 + len(checks) + sum(1 for c in checks if c.until)
    with CaptureQueriesContext(connection) as one:
        assert health_snapshot_refresh(org, [pod.pk]) == 1
    with CaptureQueriesContext(connection) as every:
        assert health_snapshot_refresh(org) == 6
    assert len(one.captured_queries) == len(every.captured_queries) == expected == 5
    assert _row(org, pod).member_count == 1


def test_a_staffing_write_re_derives_only_its_pods_row(org):
    admin = member(org, "admin").user
    _, _, pod = pod_lead(org)
    other = PodFactory(organization=org)
    health_snapshot_refresh(org)
    _mark(org, other)
    with CaptureQueriesContext(connection) as ctx:
        pod_services.assignment_create(organization=org, actor=admin, pod=pod, person=PersonFactory(organization=org),
                                       role=role(org), allocation_percent=20, start_date=timezone.localdate())
    assert _row(org, pod).member_count == 2
    assert _row(org, other).reasons == MARKER
    snapshot_sql = [q["sql"] for q in ctx.captured_queries if "pods_podhealthsnapshot" in q["sql"]]
    assert len(snapshot_sql) == 2  # the lock and the store


def test_accepting_a_staffing_suggestion_re_derives_only_the_staffed_pods_row(org):
    _, _, pod = pod_lead(org)
    other = PodFactory(organization=org)
    ml = skill(org, "ML")
    entry = specialist(org, {ml: 4}, hours=40)
    request = file_request(org, pod, {ml: 3}, hours=20, start=timezone.localdate())
    suggestion = staffing_request_propose(organization=org, actor=None, request=request, person=entry.person)
    health_snapshot_refresh(org)
    _mark(org, other)
    suggestion_accept(organization=org, actor=None, suggestion=suggestion)
    assert _row(org, pod).member_count == 2
    assert _row(org, other).reasons == MARKER


def test_an_unchanged_charter_save_writes_nothing_and_re_derives_no_row(org):
    admin = member(org, "admin").user
    _, _, pod = pod_lead(org)
    review = timezone.localdate() + datetime.timedelta(days=30)
    pod_services.charter_save(organization=org, actor=admin, pod=pod, mission="Ship it", next_review_date=review)
    health_snapshot_refresh(org)
    _mark(org, pod)
    versions = _scope_rows(org)
    pod_services.charter_save(organization=org, actor=admin, pod=pod, mission="Ship it", next_review_date=review)
    assert _row(org, pod).reasons == MARKER
    assert _scope_rows(org) == versions  # no fragment of charters expires either
    pod_services.charter_save(organization=org, actor=admin, pod=pod, mission="Ship more", next_review_date=review)
    assert _row(org, pod).reasons != MARKER and _scope_rows(org) > versions


def _scope_rows(org: Organization) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(weight), 0) FROM tenancy_cachescopechange WHERE organization_id = %s",
                       [org.pk])
        return int(cursor.fetchone()[0])
