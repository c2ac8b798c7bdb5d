"""The worker around the recompute: writes queue one debounced run per organization after commit,
beat runs every organization nightly, and a run that dies half-way leaves the last good set."""

from __future__ import annotations

from unittest import mock

import pytest
from celery import current_app
from django.core.cache import cache

from bench.models import BenchRun, ScalingSuggestion, SuggestionStatus
from bench.services import recompute as recompute_module
from bench.services.recompute import suggestions_recompute
from bench.services.recompute_trigger import DEBOUNCE_SECONDS, bench_recompute_started
from bench.tasks import suggestions_recompute_all
from config.celery import app as celery_app
from tests.bench.factories import file_request, skill, specialist
from tests.factories import AssignmentFactory, PersonSkillFactory, pod_lead

pytestmark = pytest.mark.django_db


def test_writes_queue_one_debounced_recompute_per_organization_after_commit(org, settings,
                                                                            django_capture_on_commit_callbacks):
    settings.BENCH_RECOMPUTE_ON_WRITE = True
    cache.clear()
    _l, person, pod = pod_lead(org)
    task = current_app.tasks["bench.tasks.suggestions_recompute_task"]
    with mock.patch.object(task, "apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            AssignmentFactory(organization=org, pod=pod)
            PersonSkillFactory(organization=org, person=person, skill=skill(org, "Go"))
        assert queued.call_count == 0  # nothing before the commit
        for cb in callbacks:
            cb()
        queued.assert_called_once_with((org.pk,), countdown=DEBOUNCE_SECONDS)
        with django_capture_on_commit_callbacks(execute=True):
            AssignmentFactory(organization=org, pod=pod)
        assert queued.call_count == 1  # still pending: debounced
        bench_recompute_started(org.pk)
        with django_capture_on_commit_callbacks(execute=True):
            AssignmentFactory(organization=org, pod=pod)
        assert queued.call_count == 2  # the run started: a new write asks for another


def test_beat_recomputes_every_organization_nightly(org, other_org):
    entry = celery_app.conf.beat_schedule["bench-suggestions-recompute"]
    assert entry["task"] == "bench.tasks.suggestions_recompute_all"
    with mock.patch("bench.tasks.enqueue") as enqueue:
        suggestions_recompute_all()
    assert {c.args[1] for c in enqueue.call_args_list} >= {org.pk, other_org.pk}


def test_a_run_that_dies_half_way_leaves_the_last_good_set(org):
    _l, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4})
    file_request(org, pod, {ml: 3}, hours=20)
    suggestions_recompute(organization=org)
    good = set(ScalingSuggestion.objects.for_org(org).filter(status=SuggestionStatus.OPEN).values_list("pk", "person_id"))
    assert good
    specialist(org, {ml: 5}, name="Better")  # the next run would replace the suggestion
    runs = BenchRun.objects.for_org(org).count()
    dying = mock.Mock()
    dying.objects.create.side_effect = RuntimeError("worker killed")  # the last step, after the sync
    with mock.patch.object(recompute_module, "BenchRun", dying), pytest.raises(RuntimeError):
        suggestions_recompute(organization=org)
    assert dying.objects.create.called
    assert set(ScalingSuggestion.objects.for_org(org).filter(status=SuggestionStatus.OPEN)
               .values_list("pk", "person_id")) == good
    assert BenchRun.objects.for_org(org).count() == runs
