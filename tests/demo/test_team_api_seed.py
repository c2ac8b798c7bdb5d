"""The demo's Team API at both scales: typed pods and interactions, so the map has a story (today's
differs from an earlier date's)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pods import team_selectors
from pods.models import Pod, PodInteraction
from tenancy.models import AuditEvent, Organization
from tests.demo.test_seed_demo import seed

pytestmark = pytest.mark.django_db


def test_small_demo_has_team_types_and_a_map_that_changes_over_time():
    seed()
    org = Organization.objects.get(slug="demo")
    types = set(Pod.objects.for_org(org).values_list("team_type", flat=True))
    assert {"stream_aligned", "platform", "enabling", "complicated_subsystem"} <= types
    today = team_selectors.team_map(organization=org, on=timezone.localdate())
    earlier = team_selectors.team_map(organization=org, on=timezone.localdate() - datetime.timedelta(days=200))
    assert {m for m, _, _ in today.by_mode} == {"collaboration", "x_as_a_service", "facilitating"}
    assert {(e.source.pk, e.mode, e.target.pk) for e in today.edges} != {
        (e.source.pk, e.mode, e.target.pk) for e in earlier.edges}
    # Through the services: every interaction left an audit event.
    assert AuditEvent.objects.for_org(org).filter(action="pod_interaction.created").count() == (
        PodInteraction.objects.for_org(org).count())
    before = PodInteraction.objects.for_org(org).count()
    seed()
    assert PodInteraction.objects.for_org(org).count() == before


def test_enterprise_demo_types_every_pod_and_bulk_inserts_interactions():
    seed("--scale", "enterprise", "--pods", "40", "--people", "150")
    org = Organization.objects.get(slug="enterprise")
    assert not Pod.objects.for_org(org).filter(team_type="").exists()
    assert PodInteraction.objects.for_org(org).count() >= 20
    assert AuditEvent.objects.for_org(org).filter(action="demo.team_api_seeded").count() == 1
