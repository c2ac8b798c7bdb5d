"""`?health=` filters on the same level the page shows, registered checks included."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pods.health_selectors import pod_health_attach
from pods.selectors import pod_list
from tenancy.registry import HealthCheck, Registry
from tests.api.helpers import client_for, ids, url
from tests.factories import AssignmentFactory, CharterFactory, member
from tests.governance.helpers import file


@pytest.fixture
def overdue_pod(gorg, lead, time_machine):
    """A pod healthy by every core check, with one open escalation past its SLA."""
    _, _, pod = lead
    AssignmentFactory.create_batch(2, organization=gorg, pod=pod)
    CharterFactory(organization=gorg, pod=pod)
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    file(gorg, lead)
    today = timezone.localdate()
    assert pod_health_attach(gorg, [pod], today)[0].health.level == "ok"
    time_machine.move_to(start + datetime.timedelta(hours=200), tick=False)
    return pod


def test_selector_filter_agrees_with_the_health_shown(gorg, overdue_pod):
    today = timezone.localdate()
    shown = pod_health_attach(gorg, [overdue_pod], today)[0].health
    assert shown.level == "warn"
    assert any(r.check == "escalations" for r in shown.problems)
    assert overdue_pod not in pod_list(organization=gorg, health="ok", today=today)
    assert overdue_pod in pod_list(organization=gorg, health="warn", today=today)


def test_page_and_api_filters_agree_with_the_health_shown(client, gorg, overdue_pod):
    viewer = member(gorg)
    api = client_for(viewer)
    assert overdue_pod.pk not in ids(api.get(url(gorg, "pods_api:pod-list"), {"health": "ok"}))
    assert overdue_pod.pk in ids(api.get(url(gorg, "pods_api:pod-list"), {"health": "warn"}))
    client.force_login(viewer.user)
    page_ok = client.get(f"/o/{gorg.slug}/?health=ok").content.decode()
    page_warn = client.get(f"/o/{gorg.slug}/?health=warn").content.decode()
    assert overdue_pod.name not in page_ok
    assert overdue_pod.name in page_warn


def test_a_health_check_without_its_sql_form_is_refused():
    with pytest.raises(TypeError):
        Registry().register_health_check(
            HealthCheck(name="x", batch=lambda org, pods, today: {}, sql=None)  # type: ignore[arg-type]
        )
