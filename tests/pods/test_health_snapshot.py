"""The pod health snapshot (`pods.health_services`): kept by every write that changes what health
reads, read by the pod rows and by `?health=`, and never older than a committed write or the
clock (a row past `valid_until` is derived live)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from governance.services.matrix import governance_seed_defaults
from pods import health_selectors, selectors
from pods import services as pod_services
from pods.health import health_inputs
from pods.health_services import health_snapshot_refresh, health_snapshot_refresh_expired
from pods.models import PodHealthSnapshot
from tests.concurrency import second_while_first_open
from tests.factories import (
    CharterFactory,
    OrganizationFactory,
    PersonFactory,
    PodFactory,
    member,
    pod_lead,
    role,
)
from tests.governance.helpers import file

DAY = datetime.timedelta(days=1)


def _snapshot(pod):
    return PodHealthSnapshot.objects.for_org(pod.organization).get(pod=pod)


def _shown(org, pod):
    return health_selectors.pod_health_attach(org, [type(pod).objects.for_org(org).get(pk=pod.pk)])[0]


def _live(org, pod):
    return health_selectors.pod_health_attach_live(org, [type(pod).objects.for_org(org).get(pk=pod.pk)])[0]


def _add(org, actor, pod, **kw):
    kw.setdefault("allocation_percent", 50)
    kw.setdefault("start_date", timezone.localdate())
    return pod_services.assignment_create(
        organization=org, actor=actor, pod=pod, person=PersonFactory(organization=org),
        role=kw.pop("role", None) or role(org), **kw)


def test_a_write_stores_the_pods_health_and_a_page_reads_it_in_one_query(
        org, django_assert_num_queries):
    admin = member(org, "admin")
    _, _, pod = pod_lead(org)
    other = PodFactory(organization=org)
    health_snapshot_refresh(org)
    assert _snapshot(pod).member_count == 1
    PodHealthSnapshot.objects.for_org(org).filter(pod=other).update(reasons=[["marker", "ok", "kept"]])
    _add(org, admin.user, pod)
    assert _snapshot(pod).member_count == 2
    assert _snapshot(other).reasons == [["marker", "ok", "kept"]]  # another pod's row is not rewritten
    PodHealthSnapshot.objects.for_org(org).filter(pod=other).update(reasons=_snapshot(pod).reasons)
    health_snapshot_refresh(org, [other.pk])
    pods = list(type(pod).objects.for_org(org).filter(pk__in=[pod.pk, other.pk]))
    with django_assert_num_queries(1):  # the snapshot only: no figures, no registered checks
        shown = {p.pk: p for p in health_selectors.pod_health_attach(org, pods)}
    live = {p.pk: p for p in health_selectors.pod_health_attach_live(org, pods)}
    for pk in shown:
        assert shown[pk].health == live[pk].health
        assert [getattr(shown[pk], f) for f in health_selectors.FIGURES] == [getattr(live[pk], f) for f in
                                                                      health_selectors.FIGURES]


def test_each_kind_of_write_is_seen_by_the_next_read(org):
    """Assignment added, changed, ended; pod sunset; charter; settings: shown == live each time."""
    admin = member(org, "admin").user
    _, _, pod = pod_lead(org)
    health_snapshot_refresh(org)

    def check():
        assert _snapshot(pod).inputs  # a usable row, not the live path
        assert _shown(org, pod).health == _live(org, pod).health

    a = _add(org, admin, pod, allocation_percent=90)
    check()
    pod_services.assignment_update(organization=org, actor=admin, assignment=a, role=role(org, "pod_lead"))
    assert _shown(org, pod).health.level == "fail"  # two leads
    check()
    pod_services.assignment_end(organization=org, actor=admin, assignment=a)
    check()
    pod_services.charter_save(organization=org, actor=admin, pod=pod, mission="Ship it",
                              next_review_date=timezone.localdate() + 30 * DAY)
    assert _shown(org, pod).charter_review == timezone.localdate() + 30 * DAY
    check()
    pod_services.pod_update(organization=org, actor=admin, pod=pod, status="sunset")
    assert _shown(org, pod).health.level == "na"
    check()


def test_a_settings_change_makes_every_row_unusable_until_rederived(org):
    _, _, pod = pod_lead(org)
    CharterFactory(organization=org, pod=pod, next_review_date=timezone.localdate() + 30 * DAY)
    health_snapshot_refresh(org)
    assert _shown(org, pod).health.level != "ok"  # one member: below the default size
    org.pod_size_min = 1
    org.protected_share_target = 0
    org.save()  # even without a write through a service
    assert _snapshot(pod).inputs != health_inputs(org)
    assert _shown(org, pod).health == _live(org, pod).health
    assert _shown(org, pod).health.level != _snapshot(pod).level
    assert health_snapshot_refresh_expired(org) == 1
    assert _snapshot(pod).level == _live(org, pod).health.level


def test_time_alone_expires_a_row(org, time_machine):
    """An assignment that starts tomorrow: today's row holds until midnight, then health is live."""
    admin = member(org, "admin").user
    _, _, pod = pod_lead(org)
    time_machine.move_to(timezone.now(), tick=False)
    today = timezone.localdate()
    _add(org, admin, pod, start_date=today + DAY)
    row = _snapshot(pod)
    assert row.member_count == 1
    assert timezone.localtime(row.valid_until).date() == today + DAY
    time_machine.move_to(row.valid_until + datetime.timedelta(seconds=1), tick=False)
    assert _shown(org, pod).member_count == 2  # derived live: the row is past its moment
    assert health_snapshot_refresh_expired(org) == 1
    assert _snapshot(pod).member_count == 2


def test_registered_checks_are_in_the_row_and_the_filter(org, time_machine):
    """Governance's overdue escalations: the row holds until the SLA passes; `?health=` agrees."""
    governance_seed_defaults(organization=org)
    lead = pod_lead(org)
    _, _, pod = lead
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    health_snapshot_refresh(org)
    esc = file(org, lead)
    row = _snapshot(pod)
    assert row.valid_until <= esc.due_at
    level = row.level
    assert pod in selectors.pod_list(organization=org, health=level)
    time_machine.move_to(esc.due_at + datetime.timedelta(minutes=1), tick=False)
    shown = _shown(org, pod).health
    assert any(r.check == "escalations" for r in shown.problems)
    assert pod in selectors.pod_list(organization=org, health=shown.level)
    health_snapshot_refresh_expired(org)
    assert any(r[0] == "escalations" for r in _snapshot(pod).reasons)
    assert pod in selectors.pod_list(organization=org, health=shown.level)
    for other in {"ok", "warn", "fail"} - {shown.level}:
        assert pod not in selectors.pod_list(organization=org, health=other)


def test_the_health_filter_reads_rows_and_live_alike(org):
    """Some pods with rows, some without: each pod is in exactly the list of the level shown."""
    admin = member(org, "admin").user
    pods = [pod_lead(org)[2] for _ in range(3)] + [PodFactory(organization=org)]
    health_snapshot_refresh(org, [pods[0].pk, pods[3].pk])
    _add(org, admin, pods[1], role=role(org, "pod_lead"))  # a second lead: fail, row stored
    for pod in pods:
        level = _shown(org, pod).health.level
        for candidate in ("ok", "warn", "fail"):
            listed = pod in selectors.pod_list(organization=org, health=candidate)
            assert listed == (candidate == level), (pod, candidate, level)


@pytest.mark.django_db(transaction=True)
def test_two_writes_to_one_pod_both_end_up_in_its_row():
    """The second write waits for the first's row lock and then derives from its data: the row
    counts both members, not only the last writer's."""
    org = OrganizationFactory()
    admin = member(org, "admin").user
    _, _, pod = pod_lead(org)
    health_snapshot_refresh(org)
    waited = not second_while_first_open(lambda: _add(org, admin, pod), lambda: _add(org, admin, pod),
                                         wait=1.5)
    assert waited
    assert _snapshot(pod).member_count == 3 == _live(org, pod).member_count


@pytest.mark.django_db(transaction=True)
def test_writes_to_two_pods_do_not_wait_for_each_others_rows():
    """The snapshot adds no organization-wide lock: with the first write's row locked (its
    transaction open), a write to another pod commits."""
    org = OrganizationFactory()
    admin = member(org, "admin").user
    (_, _, pod_a), (_, _, pod_b) = pod_lead(org), pod_lead(org)
    health_snapshot_refresh(org)
    assert second_while_first_open(lambda: _add(org, admin, pod_a), lambda: _add(org, admin, pod_b)), \
        "the second write waited for the first's health row"
    assert _snapshot(pod_b).member_count == 2


def test_pages_show_a_health_change_after_its_write(client, org, django_capture_on_commit_callbacks):
    """The org home's filter and the pod page, both warm in the fragment cache, after a write
    that changes the pod's health (a second lead) and one that changes settings (org area)."""
    from tenancy import services as tenancy_services

    admin = member(org, "admin")
    client.force_login(admin.user)
    _, _, pod = pod_lead(org)
    health_snapshot_refresh(org)
    home, page = f"/o/{org.slug}/", f"/o/{org.slug}/pods/{pod.pk}/"
    assert pod.name not in client.get(home, {"health": "fail"}).content.decode()
    assert "pod leads; a pod has exactly one" not in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _add(org, admin.user, pod, role=role(org, "pod_lead"))
    assert pod.name in client.get(home, {"health": "fail"}).content.decode()
    assert "2 pod leads; a pod has exactly one" in client.get(page).content.decode()
    assert "within 1–" not in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        tenancy_services.organization_update(organization=org, actor=admin.user, pod_size_min=1)
    assert "2 members, within 1–" in client.get(page).content.decode()
    org.refresh_from_db()
    assert _snapshot(pod).inputs == health_inputs(org)  # re-derived by the write, not live
