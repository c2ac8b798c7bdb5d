"""Suggestions are keyed per pod, kind and skill (issue #10: "at most one open suggestion per pod,
kind and skill"), not per request: two open requests of one pod for the same skill get one open
`add` at a time; the database refuses a second; existing rows were re-keyed by a data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from bench.models import ScalingSuggestion, SuggestionKind, SuggestionStatus
from bench.services.decisions import suggestion_accept
from bench.services.recompute import suggestions_recompute
from tests.api.helpers import client_for, url
from tests.bench.factories import file_request, skill, specialist
from tests.factories import pod_lead

pytestmark = pytest.mark.django_db


def _open_adds(org):
    return list(ScalingSuggestion.objects.for_org(org).filter(kind=SuggestionKind.ADD, status=SuggestionStatus.OPEN))


def test_two_requests_of_one_pod_for_one_skill_get_one_open_suggestion_at_a_time(org):
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4}, name="Ann")
    specialist(org, {ml: 4}, name="Bo")
    first = file_request(org, pod, {ml: 3}, hours=20, priority=4, title="First")
    second = file_request(org, pod, {ml: 3}, hours=20, priority=2, title="Second")
    suggestions_recompute(organization=org)
    [s] = _open_adds(org)  # enough people for both, yet one per pod, kind and skill
    assert (s.request_id, s.skill_id, s.subject) == (first.pk, ml.pk, f"skill:{ml.pk}")
    run = suggestions_recompute(organization=org)
    assert run.created == run.withdrawn == 0  # stable: the same key keeps its suggestion
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    suggestions_recompute(organization=org)
    [nxt] = _open_adds(org)  # the slot is free again: now the second request's turn
    assert (nxt.request_id, nxt.skill_id) == (second.pk, ml.pk)


def test_different_key_skills_of_one_pod_are_suggested_together(org):
    _l, _p, pod = pod_lead(org)
    ml, sql = skill(org, "ML"), skill(org, "SQL")
    specialist(org, {ml: 4, sql: 4}, name="Ann")
    specialist(org, {ml: 4, sql: 4}, name="Bo")
    a = file_request(org, pod, {ml: 3}, hours=20)
    b = file_request(org, pod, {sql: 3, ml: 3}, hours=20)  # keyed by SQL: the first skill it lists
    suggestions_recompute(organization=org)
    assert {(s.request_id, s.skill_id) for s in _open_adds(org)} == {(a.pk, ml.pk), (b.pk, sql.pk)}


def test_a_higher_priority_request_takes_over_the_slot(org):
    _l, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4})
    low = file_request(org, pod, {ml: 3}, hours=20, priority=1)
    suggestions_recompute(organization=org)
    [old] = _open_adds(org)
    assert old.request_id == low.pk
    urgent = file_request(org, pod, {ml: 3}, hours=20, priority=4)
    suggestions_recompute(organization=org)
    [new] = _open_adds(org)
    old.refresh_from_db()
    assert new.request_id == urgent.pk and old.status == SuggestionStatus.WITHDRAWN


def test_the_database_refuses_a_second_open_worker_suggestion_for_one_pod_kind_and_skill(org):
    _l, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4})
    file_request(org, pod, {ml: 3}, hours=20)
    suggestions_recompute(organization=org)
    [s] = _open_adds(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScalingSuggestion.objects.create(organization=org, kind=s.kind, pod=pod, subject="other", skill_id=ml.pk,
                                         summary="twin", computed_at=timezone.now())


def test_the_api_shows_the_key_and_filters_by_pod_and_skill(org):
    lead, _p, pod = pod_lead(org)
    ml, sql = skill(org, "ML"), skill(org, "SQL")
    specialist(org, {ml: 4, sql: 4})
    specialist(org, {ml: 4, sql: 4})
    file_request(org, pod, {ml: 3}, hours=10)
    file_request(org, pod, {sql: 3}, hours=10)
    suggestions_recompute(organization=org)
    api = client_for(lead)
    rows = api.get(url(org, "bench_api:suggestion-list"), {"skill": sql.pk, "pod": pod.pk}).json()["results"]
    assert [(r["pod"], r["kind"], r["skill"], r["skill_name"]) for r in rows] == [(pod.pk, "add", sql.pk, "SQL")]
    assert api.get(url(org, "bench_api:suggestion-list"), {"skill": "x"}).status_code == 400


def test_the_page_filters_by_skill(org, client):
    lead, _p, pod = pod_lead(org)
    ml, sql = skill(org, "ML"), skill(org, "SQL")
    specialist(org, {ml: 4, sql: 4})
    specialist(org, {ml: 4, sql: 4})
    file_request(org, pod, {ml: 3}, hours=10, title="Model work")
    file_request(org, pod, {sql: 3}, hours=10, title="Query work")
    suggestions_recompute(organization=org)
    client.force_login(lead.user)
    page = client.get(f"/o/{org.slug}/bench/suggestions/", {"skill": sql.pk}).content.decode()
    assert "as Query work" in page and "as Model work" not in page
    assert "· SQL ·" in page


def test_the_data_migration_keys_existing_adds_by_skill_and_keeps_one_open_per_key(org):
    _l, _p, pod = pod_lead(org)
    ml, sql = skill(org, "ML"), skill(org, "SQL")
    a = file_request(org, pod, {ml: 3}, hours=10)
    b = file_request(org, pod, {ml: 3, sql: 2}, hours=10)
    c = file_request(org, pod, {sql: 3}, hours=10)
    now = timezone.now()

    def legacy(req, score):  # as rows were before: keyed by request, no skill
        return ScalingSuggestion.objects.create(organization=org, kind="add", pod=pod, subject=f"request:{req.pk}",
                                                request=req, score=score, summary="s", computed_at=now)
    low, high, alone = legacy(a, 50), legacy(b, 80), legacy(c, 40)
    migration = importlib.import_module("bench.migrations.0002_suggestion_key_per_skill")
    migration.key_adds_by_skill(apps, None)
    for s in (low, high, alone):
        s.refresh_from_db()
    assert (high.status, high.skill_id, high.subject) == ("open", ml.pk, f"skill:{ml.pk}")
    assert (low.status, low.skill_id) == ("withdrawn", ml.pk) and "one open suggestion" in low.dismiss_reason
    assert (alone.status, alone.skill_id, alone.subject) == ("open", sql.pk, f"skill:{sql.pk}")
