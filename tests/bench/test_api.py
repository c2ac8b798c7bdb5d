"""The bench API: file, withdraw, list and act on suggestions; bad input is a 400 naming the field."""

from __future__ import annotations

import datetime

import pytest

from bench.models import ScalingSuggestion
from bench.services.recompute import suggestions_recompute
from bench.services.requests import staffing_request_propose
from pods.models import Assignment
from tests.api.helpers import client_for, error_fields, ids, query_count, url
from tests.bench.factories import file_request, next_monday, skill, specialist
from tests.factories import PersonFactory, PodFactory, member, pod_lead, role

pytestmark = pytest.mark.django_db


def _body(org, pod, sk, **over):
    start = next_monday()
    return {"pod": pod.pk, "role": role(org).pk, "title": "API request", "skills": [{"skill": sk.pk, "min_level": 3}],
            "hours_per_week": 20, "start_date": str(start), "end_date": str(start + datetime.timedelta(weeks=4)),
            **over}


def test_file_list_withdraw(org):
    lead, _p, pod = pod_lead(org)
    sk = skill(org, "ML")
    c = client_for(lead)
    r = c.post(url(org, "bench_api:staffing-request-list"), _body(org, pod, sk), format="json")
    assert r.status_code == 201, r.json()
    rid = r.json()["id"]
    assert r.json()["skills"] == [{"skill": sk.pk, "skill_name": "ML", "min_level": 3}]
    assert ids(c.get(url(org, "bench_api:staffing-request-list"))) == [rid]
    r = c.post(url(org, "bench_api:staffing-request-withdraw", pk=rid))
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = c.post(url(org, "bench_api:staffing-request-withdraw", pk=rid))
    assert r.status_code == 400 and error_fields(r) == {"status"}


@pytest.mark.parametrize("over,field", [
    ({"hours_per_week": 81}, "hours_per_week"),
    ({"end_date": "2020-01-01"}, "end_date"),
    ({"skills": []}, "skills"),
    ({"skills": [{"skill": 10**9, "min_level": 3}]}, "skills"),
    ({"start_date": "2020-01-01", "end_date": "2020-02-01"}, "start_date"),
])
def test_bad_input_is_a_400_naming_the_field(org, other_org, over, field):
    lead, _p, pod = pod_lead(org)
    sk = skill(org, "ML")
    r = client_for(lead).post(url(org, "bench_api:staffing-request-list"), _body(org, pod, sk, **over), format="json")
    assert r.status_code == 400 and field in {f.split(".")[0].split("[")[0] for f in error_fields(r)}, r.json()


def test_a_skill_of_another_org_is_refused(org, other_org):
    lead, _p, pod = pod_lead(org)
    foreign = skill(other_org, "ML")
    r = client_for(lead).post(url(org, "bench_api:staffing-request-list"), _body(org, pod, foreign), format="json")
    assert r.status_code == 400 and any(f.startswith("skills") for f in error_fields(r))


def test_only_a_lead_of_the_pod_files(org):
    _lead, _p, pod = pod_lead(org)
    other, _q, _other_pod = pod_lead(org)
    sk = skill(org, "ML")
    r = client_for(other).post(url(org, "bench_api:staffing-request-list"), _body(org, pod, sk), format="json")
    assert r.status_code == 403
    r = client_for(member(org)).post(url(org, "bench_api:staffing-request-list"), _body(org, pod, sk), format="json")
    assert r.status_code == 403


def test_suggestions_accept_and_dismiss(org):
    lead, _p, pod = pod_lead(org)
    sk = skill(org, "ML")
    e = specialist(org, {sk: 4})
    req = file_request(org, pod, {sk: 3})
    suggestions_recompute(organization=org)
    c = client_for(lead)
    [sid] = ids(c.get(url(org, "bench_api:suggestion-list"), {"kind": "add"}))
    detail = c.get(url(org, "bench_api:suggestion-detail", pk=sid)).json()
    assert detail["inputs"]["request"] == req.pk and detail["rationale"]
    r = c.post(url(org, "bench_api:suggestion-dismiss", pk=sid), {}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"reason"}
    r = c.post(url(org, "bench_api:suggestion-accept", pk=sid))
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert Assignment.objects.for_org(org).filter(pod=pod, person=e.person).exists()
    r = c.post(url(org, "bench_api:suggestion-accept", pk=sid))
    assert r.status_code == 400


def test_propose_and_lists_keep_constant_queries(org):
    admin = member(org, "admin")
    c = client_for(admin)
    counts = []
    for n in (2, 10):
        pod = PodFactory(organization=org)
        for i in range(n):
            sk = skill(org, f"S{n}-{i}")
            e = specialist(org, {sk: 4})
            r = file_request(org, pod, {sk: 3})
            staffing_request_propose(organization=org, actor=None, request=r, person=e.person)
        counts.append(tuple(query_count(lambda name=name: c.get(url(org, name)))
                            for name in ("bench_api:staffing-request-list", "bench_api:suggestion-list",
                                         "bench_api:bench-entry-list")))
    assert counts[0] == counts[1], counts


def test_bench_entries(org, other_org):
    admin = member(org, "admin")
    c = client_for(admin)
    p = PersonFactory(organization=org)
    foreign = PersonFactory(organization=other_org)
    body = {"person": p.pk, "available_from": "2026-01-01", "hours_per_week": 32}
    r = c.post(url(org, "bench_api:bench-entry-list"), body, format="json")
    assert r.status_code == 201 and r.json()["utilisation_cap"] == 100
    r = c.post(url(org, "bench_api:bench-entry-list"), {**body, "person": foreign.pk}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"person"}
    eid = ids(c.get(url(org, "bench_api:bench-entry-list")))[0]
    r = c.patch(url(org, "bench_api:bench-entry-detail", pk=eid), {"hours_per_week": 90}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"hours_per_week"}
    assert client_for(member(org)).post(url(org, "bench_api:bench-entry-list"), body, format="json").status_code == 403


def test_recompute_now_is_for_admins_and_answers_with_the_run(org):
    lead, _p, pod = pod_lead(org)
    sk = skill(org, "ML")
    e = specialist(org, {sk: 4})
    req = file_request(org, pod, {sk: 3})
    path = url(org, "bench_api:suggestion-recompute")
    assert client_for(lead).post(path).status_code == 403
    assert not ScalingSuggestion.objects.for_org(org).exists()
    r = client_for(member(org, "admin")).post(path)
    assert r.status_code == 200, r.content
    run = r.json()
    assert (run["requests"], run["created"], run["withdrawn"], run["unmatched"]) == (1, 1, 0, [])
    assert run["finished_at"] and run["objective"] >= run["greedy_objective"] > 0
    [s] = ScalingSuggestion.objects.for_org(org)
    assert (s.request_id, s.person_id) == (req.pk, e.person_id)
    again = client_for(member(org, "admin")).post(path).json()
    assert (again["created"], again["withdrawn"]) == (0, 0) and again["id"] != run["id"]  # stable
