"""Escalations and lessons CSV exports: the list's filters and visibility, hostile cells."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import member, pod_lead
from tests.governance.helpers import file

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict[str, str]]:
    assert response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_escalations_export_filters_and_visibility(gorg, lead, leader, client):
    file(gorg, lead, title="@evil title")
    other_lead = pod_lead(gorg)
    file(gorg, other_lead, title="Other pod's")
    url = reverse("governance:escalation_export", kwargs={"org_slug": gorg.slug})
    client.force_login(leader.user)
    assert {r["title"] for r in _rows(client.get(url))} == {"'@evil title", "Other pod's"}
    assert [r["title"] for r in _rows(client.get(url + "?q=evil"))] == ["'@evil title"]
    client.force_login(lead[0].user)  # a pod lead sees only their pod's, as on the page
    assert [r["title"] for r in _rows(client.get(url))] == ["'@evil title"]
    page = client.get(reverse("governance:escalation_list", kwargs={"org_slug": gorg.slug}) + "?status=open")
    assert f"/o/{gorg.slug}/governance/escalations/export.csv?status=open" in page.content.decode()


def test_lessons_export_filters_by_guild(org, client):
    from knowledge import services as knowledge

    m = member(org, "admin")
    g1 = knowledge.guild_create(organization=org, actor=m.user, name="ML")
    g2 = knowledge.guild_create(organization=org, actor=m.user, name="Data")
    knowledge.lesson_create(organization=org, actor=m.user, guild=g1, title="=1+1", body="x")
    knowledge.lesson_create(organization=org, actor=m.user, guild=g2, title="Plain", body="y")
    client.force_login(m.user)
    url = reverse("knowledge:lesson_export", kwargs={"org_slug": org.slug})
    assert {r["title"] for r in _rows(client.get(url))} == {"'=1+1", "Plain"}
    assert [r["title"] for r in _rows(client.get(url + f"?guild={g2.pk}"))] == ["Plain"]
