import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from pods import health_selectors, selectors, services
from pods.models import Assignment, Charter
from tenancy.models import AuditEvent
from tests.factories import (
    AssignmentFactory,
    CharterFactory,
    PersonFactory,
    PodFactory,
    member,
    pod_lead,
    role,
)

TODAY = timezone.localdate()


def _add(org, actor, pod, person, **kw):
    data = {"role": role(org), "allocation_percent": 50, "start_date": TODAY} | kw
    return services.assignment_create(organization=org, actor=actor, pod=pod, person=person, **data)


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"allocation_percent": 0}, "allocation_percent"),
        ({"allocation_percent": 101}, "allocation_percent"),
        ({"allocation_percent": -5}, "allocation_percent"),
        ({"end_date": TODAY - datetime.timedelta(days=1)}, "end_date"),
    ],
)
def test_bad_assignments_are_refused_and_write_nothing(org, kw, field):
    actor = member(org, "admin").user
    pod, person = PodFactory(organization=org), PersonFactory(organization=org)
    before = AuditEvent.objects.for_org(org).count()
    with pytest.raises(ValidationError) as exc:
        _add(org, actor, pod, person, **kw)
    assert field in exc.value.message_dict
    assert Assignment.objects.for_org(org).count() == 0
    assert AuditEvent.objects.for_org(org).count() == before


def test_foreign_objects_are_refused(org, other_org):
    actor = member(org, "admin").user
    pod = PodFactory(organization=org)
    with pytest.raises(ValidationError) as exc:
        _add(org, actor, pod, PersonFactory(organization=other_org))
    assert "person" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _add(org, actor, pod, PersonFactory(organization=org), role=role(other_org))
    assert "role" in exc.value.message_dict


def test_overlapping_assignment_in_same_pod_is_refused(org):
    actor = member(org, "admin").user
    pod, person = PodFactory(organization=org), PersonFactory(organization=org)
    _add(org, actor, pod, person, end_date=TODAY + datetime.timedelta(days=10))
    with pytest.raises(ValidationError) as exc:
        _add(org, actor, pod, person, start_date=TODAY + datetime.timedelta(days=5))
    assert "person" in exc.value.message_dict
    _add(org, actor, pod, person, start_date=TODAY + datetime.timedelta(days=11))


def test_assignment_writes_are_audited_with_before_and_after(org):
    actor = member(org, "admin").user
    a = _add(org, actor, PodFactory(organization=org), PersonFactory(organization=org))
    services.assignment_update(organization=org, actor=actor, assignment=a, allocation_percent=80)
    services.assignment_end(organization=org, actor=actor, assignment=a)
    events = list(AuditEvent.objects.for_org(org).filter(target_type="assignment").order_by("id"))
    assert [e.action for e in events] == ["assignment.created", "assignment.updated", "assignment.ended"]
    assert events[1].before["allocation_percent"] == 50 and events[1].after["allocation_percent"] == 80
    assert events[2].after["end_date"] == TODAY.isoformat()


def test_pod_create_with_lead_and_unique_names(org):
    m = member(org, "leader")
    person = PersonFactory(organization=org, user=m.user)
    pod = services.pod_create(organization=org, actor=m.user, name="Churn", lead=person)
    assert selectors.led_pod_ids(organization=org, user=m.user) == {pod.pk}
    with pytest.raises(ValidationError) as exc:
        services.pod_create(organization=org, actor=m.user, name="churn")
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.pod_create(organization=org, actor=m.user, name="x" * 121)
    assert "name" in exc.value.message_dict


def test_sponsor_must_be_a_leader_of_the_same_org(org, other_org):
    admin = member(org, "admin")
    with pytest.raises(ValidationError):
        services.pod_create(organization=org, actor=admin.user, name="A", sponsor=member(org, "member"))
    with pytest.raises(ValidationError):
        services.pod_create(organization=org, actor=admin.user, name="B", sponsor=member(other_org, "leader"))
    pod = services.pod_create(organization=org, actor=admin.user, name="C", sponsor=member(org, "leader"))
    assert pod.sponsor is not None


def test_charter_versions_and_diff(org):
    actor = member(org, "admin").user
    pod = PodFactory(organization=org)
    v1 = services.charter_save(organization=org, actor=actor, pod=pod, mission="Cut churn",
                               scope_in="Retention models")
    same = services.charter_save(organization=org, actor=actor, pod=pod, mission="Cut churn",
                                 scope_in="Retention models", next_review_date=v1.next_review_date)
    assert same.pk == v1.pk
    v2 = services.charter_save(organization=org, actor=actor, pod=pod, mission="Cut churn by 5%",
                               scope_in="Retention models\nPricing", change_note="sharper")
    assert (v1.version, v2.version) == (1, 2)
    assert Charter.objects.for_org(org).filter(pod=pod).count() == 2
    diff = selectors.charter_diff(organization=org, pod=pod, a=1, b=2)
    mission = next(f for f in diff["fields"] if f["name"] == "mission")
    scope = next(f for f in diff["fields"] if f["name"] == "scope_in")
    assert mission["changed"] and scope["changed"]
    assert {"op": "add", "text": "Pricing"} in scope["lines"]
    assert not next(f for f in diff["fields"] if f["name"] == "scope_out")["changed"]
    with pytest.raises(ValidationError) as exc:
        services.charter_save(organization=org, actor=actor, pod=pod, mission="")
    assert "mission" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.charter_save(organization=org, actor=actor, pod=pod, mission="m",
                              next_review_date=TODAY - datetime.timedelta(days=3))


def _health(org, pod):
    return selectors.pod_get(organization=org, pk=pod.pk).health


def test_health_reasons(org):
    pod = PodFactory(organization=org)
    h = _health(org, pod)
    assert h.level == "fail"
    assert {r.check for r in h.problems} == {"size", "lead", "protected_time", "charter"}
    _, _, pod = pod_lead(org, pod)
    for _ in range(2):
        AssignmentFactory(organization=org, pod=pod, allocation_percent=90)
    CharterFactory(organization=org, pod=pod)
    h = _health(org, pod)
    assert h.level == "ok", h.problems
    AssignmentFactory(organization=org, pod=pod, role=role(org, "pod_lead"), allocation_percent=20)
    h = _health(org, pod)
    assert h.level == "fail" and [r.check for r in h.problems] == ["lead"]


def test_health_counts_only_running_assignments_and_overdue_charter(org):
    _, _, pod = pod_lead(org)
    past = TODAY - datetime.timedelta(days=100)
    for _ in range(3):
        AssignmentFactory(organization=org, pod=pod, start_date=past, end_date=past + datetime.timedelta(days=5))
    CharterFactory(organization=org, pod=pod, next_review_date=TODAY - datetime.timedelta(days=4))
    h = _health(org, pod)
    assert {r.check: r.message for r in h.problems}.keys() == {"size", "charter"}
    assert "overdue by 4 days" in {r.check: r.message for r in h.problems}["charter"]


@pytest.mark.parametrize("level", ["ok", "warn", "fail"])
def test_health_filter_in_sql_matches_derived_health(org, level):
    healthy = pod_lead(org)[2]
    for _ in range(2):
        AssignmentFactory(organization=org, pod=healthy)
    CharterFactory(organization=org, pod=healthy)
    small = pod_lead(org)[2]
    CharterFactory(organization=org, pod=small)
    PodFactory(organization=org)  # no lead → fail
    pods = health_selectors.pod_health_attach(org, selectors.pod_list(organization=org))
    expected = {p.pk for p in pods if p.health.level == level}
    assert {p.pk for p in selectors.pod_list(organization=org, health=level)} == expected
    assert expected


@pytest.mark.django_db(transaction=True)
def test_concurrent_charter_saves_get_consecutive_versions(org):
    actor = member(org, "admin").user
    pod = PodFactory(organization=org)
    errors = []

    def save(i):
        try:
            services.charter_save(organization=org, actor=actor, pod=pod, mission=f"mission {i}")
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    versions = sorted(Charter.objects.for_org(org).filter(pod=pod).values_list("version", flat=True))
    assert versions == [1, 2, 3, 4]


def test_sunset_pods_are_not_assessed(org):
    pod = PodFactory(organization=org, status="sunset")
    health = _health(org, pod)
    assert health.level == "na" and health.label == "Not assessed" and not health.problems
    for level in ("ok", "warn", "fail"):
        assert not selectors.pod_list(organization=org, health=level).filter(pk=pod.pk).exists()
