"""Bench pages: a lead's flow end to end, roles, constant query counts, bad input as form errors."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.models import BenchEntry, RequestStatus, ScalingSuggestion, StaffingRequest
from bench.services.recompute import suggestions_recompute
from bench.services.requests import staffing_request_propose
from pods.models import Assignment
from tests.bench.factories import file_request, next_monday, skill, specialist
from tests.factories import AssignmentFactory, PersonFactory, PodFactory, member, pod_lead, role

pytestmark = pytest.mark.django_db


def u(org, name, **kw):
    return reverse(f"bench:{name}", kwargs={"org_slug": org.slug, **kw})


def test_a_lead_files_the_worker_suggests_the_lead_accepts_and_the_person_is_on_the_pod(client, org):
    lead, _p, pod = pod_lead(org)
    cv = skill(org, "Computer vision")
    e = specialist(org, {cv: 4}, name="Grace Specialist")
    client.force_login(lead.user)
    start = next_monday()
    r = client.post(u(org, "request_create"), {
        "pod": pod.pk, "title": "CV engineer", "role": role(org).pk, "hours_per_week": 20,
        "start_date": start, "end_date": start + datetime.timedelta(weeks=8), "priority": 3,
        "skill_1": cv.pk, "level_1": 3, "level_2": 3, "level_3": 3, "justification": "Launch"})
    assert r.status_code == 302, r.content.decode()[:2000]
    req = StaffingRequest.objects.for_org(org).get(title="CV engineer")
    suggestions_recompute(organization=org)  # the worker
    body = client.get(u(org, "request_detail", pk=req.pk)).content.decode()
    assert "Grace Specialist" in body and "Computer vision at level 4 (needs 3)" in body
    s = ScalingSuggestion.objects.for_org(org).get(request=req)
    r = client.post(u(org, "suggestion_detail", pk=s.pk), {"action": "accept"})
    assert r.status_code == 302
    assert Assignment.objects.for_org(org).filter(pod=pod, person=e.person, allocation_percent=50).exists()
    pod_page = client.get(reverse("pods:pod_detail", kwargs={"org_slug": org.slug, "pk": pod.pk})).content.decode()
    assert "Grace Specialist" in pod_page
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED


def test_bad_request_form_is_a_400_naming_the_field(client, org, other_org):
    lead, _p, pod = pod_lead(org)
    foreign = skill(other_org, "Foreign")
    client.force_login(lead.user)
    start = next_monday()
    r = client.post(u(org, "request_create"), {
        "pod": pod.pk, "title": "x", "role": role(org).pk, "hours_per_week": 90, "start_date": start,
        "end_date": start - datetime.timedelta(days=1), "priority": 2, "skill_1": foreign.pk, "level_1": 3})
    assert r.status_code == 400
    form = r.context["form"]
    assert {"hours_per_week", "skill_1"} <= set(form.errors)
    assert not StaffingRequest.objects.for_org(org).exists()


def test_roles(client, org):
    lead, _p, pod = pod_lead(org)
    other_lead, _q, _other_pod = pod_lead(org)
    plain = member(org)
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4})
    req = file_request(org, pod, {ml: 3})
    s = staffing_request_propose(organization=org, actor=None, request=req, person=e.person)
    client.force_login(plain.user)
    assert client.get(u(org, "home")).status_code == 200
    assert client.get(u(org, "request_create")).status_code == 403
    assert client.get(u(org, "entry_create")).status_code == 403
    assert client.get(u(org, "measures")).status_code == 403
    assert client.post(u(org, "suggestion_detail", pk=s.pk), {"action": "accept"}).status_code == 403
    client.force_login(other_lead.user)
    assert client.post(u(org, "suggestion_detail", pk=s.pk), {"action": "accept"}).status_code == 403
    assert client.post(u(org, "request_detail", pk=req.pk), {"action": "withdraw"}).status_code == 403
    admin = member(org, "admin")
    client.force_login(admin.user)
    assert client.get(u(org, "entry_create")).status_code == 200
    assert client.get(u(org, "measures")).status_code == 200


def test_accepting_hours_someone_else_took_is_a_400_with_a_clear_message(client, org):
    admin = member(org, "admin")
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4}, name="Only One")
    r1 = file_request(org, PodFactory(organization=org), {ml: 3}, hours=30)
    r2 = file_request(org, PodFactory(organization=org), {ml: 3}, hours=30)
    s1 = staffing_request_propose(organization=org, actor=None, request=r1, person=e.person)
    s2 = staffing_request_propose(organization=org, actor=None, request=r2, person=e.person)
    client.force_login(admin.user)
    assert client.post(u(org, "suggestion_detail", pk=s1.pk), {"action": "accept"}).status_code == 302
    r = client.post(u(org, "suggestion_detail", pk=s2.pk), {"action": "accept"})
    assert r.status_code == 400 and "no longer has 30 h free" in r.content.decode()


def _grow(org, n):
    pod = PodFactory(organization=org)
    for i in range(n):
        sk = skill(org, f"Skill {org.pk}-{n}-{i}")
        e = specialist(org, {sk: 3 + i % 3})
        AssignmentFactory(organization=org, pod=pod, person=e.person, allocation_percent=20,
                          start_date=next_monday(), end_date=next_monday(3))
        file_request(org, pod, {sk: 3}, title=f"req {n}-{i}")
    suggestions_recompute(organization=org)


@pytest.mark.parametrize("page", ["home", "requests", "suggestions", "measures"])
def test_pages_keep_constant_queries(client, org, page, django_assert_max_num_queries):
    admin = member(org, "admin")
    client.force_login(admin.user)
    counts = []
    for n in (2, 12):
        _grow(org, n)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(u(org, page))
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(20):
        client.get(u(org, page))


def test_bench_board_filters_and_timeline(client, org):
    ml, nlp = skill(org, "ML"), skill(org, "NLP")
    specialist(org, {ml: 5}, name="Senior ML")
    specialist(org, {ml: 2}, name="Junior ML")
    busy = specialist(org, {nlp: 4}, name="Busy NLP")
    AssignmentFactory(organization=org, person=busy.person, allocation_percent=100)
    client.force_login(member(org).user)
    body = client.get(u(org, "home"), {"skill": ml.pk, "level": 4}).content.decode()
    assert "Senior ML" in body and "Junior ML" not in body and "Busy NLP" not in body
    body = client.get(u(org, "home"), {"free": 10}, HTTP_HX_REQUEST="true").content.decode()
    assert "Busy NLP" not in body and "Senior ML" in body and "<html" not in body
    body = client.get(u(org, "home")).content.decode()
    assert body.count('class="wk wk-') >= 36 and "wk-full" in body


def test_admin_adds_to_the_bench_and_records_time_off(client, org):
    admin = member(org, "admin")
    person = PersonFactory(organization=org)
    client.force_login(admin.user)
    r = client.post(u(org, "entry_create"), {"person": person.pk, "available_from": "2026-01-01",
                                             "hours_per_week": 30, "utilisation_cap": 80, "rate_per_hour": "75",
                                             "status": "available"})
    assert r.status_code == 302
    e = BenchEntry.objects.for_org(org).get(person=person)
    r = client.post(u(org, "entry_edit", pk=e.pk), {"action": "time_off", "start_date": "2026-03-01",
                                                    "end_date": "2026-02-01"})
    assert r.status_code == 400 and "end_date" in r.context["off_form"].errors
    r = client.post(u(org, "entry_create"), {"person": person.pk, "available_from": "2026-01-01",
                                             "hours_per_week": 30, "utilisation_cap": 80, "rate_per_hour": "75",
                                             "status": "available"})
    assert r.status_code == 400 and "person" in r.context["form"].errors


def test_bench_board_pages_after_filtering_and_builds_timelines_for_one_page(client, org):
    ml = skill(org, "ML")
    for i in range(30):
        e = specialist(org, {ml: 4}, name=f"Specialist {i:02d}")
        if i % 2:
            AssignmentFactory(organization=org, person=e.person, allocation_percent=100)
    client.force_login(member(org).user)
    first = client.get(u(org, "home")).content.decode()
    assert first.count('class="card bench-row"') == 25 and "Specialist 00" in first and "Specialist 29" not in first
    second = client.get(u(org, "home"), {"page": 2}).content.decode()
    assert second.count('class="card bench-row"') == 5 and "Specialist 29" in second
    free = client.get(u(org, "home"), {"free": 10}).content.decode()  # the 15 with even numbers
    assert free.count('class="card bench-row"') == 15 and "Specialist 01" not in free
    assert client.get(u(org, "home"), {"free": 10, "page": 2}).content.decode().count('class="card bench-row"') == 15
