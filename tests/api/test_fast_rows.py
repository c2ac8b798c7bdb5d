"""The hot API lists build their JSON from plain rows (pods.api.rows): it must be exactly what
the serializers (the schema, and every single-object answer) give for the same rows."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from pods import health_selectors, selectors
from pods.api.serializers import PodSerializer
from tenancy.api.serializers import PersonSerializer
from tests.api.helpers import client_for, url
from tests.factories import (
    AssignmentFactory,
    CharterFactory,
    PersonFactory,
    PersonSkillFactory,
    PodFactory,
    SkillFactory,
    member,
    pod_lead,
)

pytestmark = pytest.mark.django_db


def _json(data):
    return json.loads(JSONRenderer().render(data))


def test_people_list_is_what_the_serializer_gives(org):
    skills = SkillFactory.create_batch(3, organization=org)
    for i in range(4):
        person = PersonFactory(organization=org, user=member(org).user if i % 2 else None, title=f"T{i}")
        for level, skill in enumerate(skills[: i + 1], start=1):
            PersonSkillFactory(organization=org, person=person, skill=skill, level=level)
        AssignmentFactory(organization=org, person=person, allocation_percent=20 * (i + 1))
    PersonFactory(organization=org)  # no skills, no assignment
    viewer = member(org, "admin")
    got = client_for(viewer).get(url(org, "pods_api:person-list")).json()["results"]
    expected = PersonSerializer(selectors.people_with_allocation(organization=org), many=True).data
    assert got == _json(expected)
    assert any(row["skills"] for row in got) and any(row["user"] for row in got)


def test_pods_list_is_what_the_serializer_gives(org):
    _, _, healthy = pod_lead(org)
    CharterFactory(organization=org, pod=healthy)
    for _ in range(3):
        AssignmentFactory(organization=org, pod=healthy, allocation_percent=100)
    PodFactory(organization=org, status="sunset")
    PodFactory(organization=org, sponsor=member(org, "leader"))
    viewer = member(org, "admin")
    got = client_for(viewer).get(url(org, "pods_api:pod-list")).json()["results"]
    pods = selectors.pod_list(organization=org).select_related("sponsor__user")
    expected = PodSerializer(health_selectors.pod_health_attach(org, pods, timezone.localdate()), many=True).data
    assert got == _json(expected)
    assert {row["health"]["level"] for row in got} >= {"na"} and any(row["sponsor_email"] for row in got)
