"""Showcases, presentations and citations, talks and rotations through the API: the pages'
writes with their rules (leaders and admins manage, every member reads and cites), audited."""

from __future__ import annotations

import pytest

from knowledge.models import Citation, Rotation
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields
from tests.factories import PersonFactory, PodFactory, member

pytestmark = pytest.mark.django_db


def api(org, path):
    return f"/api/v1/o/{org.slug}/{path}"


def test_showcase_presentation_and_citation(org):
    leader, someone = client_for(member(org, "leader")), client_for(member(org))
    body = {"title": "March showcase", "date": "2026-03-05"}
    assert someone.post(api(org, "showcases/"), body, format="json").status_code == 403
    r = leader.post(api(org, "showcases/"), body, format="json")
    assert r.status_code == 201, r.content
    sc = r.json()["id"]
    pod = PodFactory(organization=org)
    r = leader.post(api(org, f"showcases/{sc}/presentations/"),
                    {"title": "Shadow deployments", "kind": "failure", "pod": pod.pk}, format="json")
    assert r.status_code == 201, r.content
    pres = r.json()["id"]
    bad = leader.post(api(org, f"showcases/{sc}/presentations/"), {"title": "x", "kind": "meh"}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"kind"}
    r = leader.patch(api(org, f"presentations/{pres}/"), {"summary": "What broke"}, format="json")
    assert r.status_code == 200 and r.json()["summary"] == "What broke"
    assert someone.post(api(org, f"presentations/{pres}/cite/"), {"pod": pod.pk}, format="json").status_code == 201
    nothing = someone.post(api(org, f"presentations/{pres}/cite/"), {}, format="json")
    assert nothing.status_code == 400 and error_fields(nothing) == {"note"}
    assert Citation.objects.for_org(org).count() == 1
    listed = someone.get(api(org, "showcases/")).json()["results"][0]
    assert listed["presentation_count"] == 1 and listed["citation_count"] == 1
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"showcase.created", "presentation.created", "presentation.updated", "presentation.cited"} <= actions


def test_talks_and_rotations(org):
    leader = client_for(member(org, "leader"))
    r = leader.post(api(org, "talks/"), {"title": "Reading the Chinchilla paper", "kind": "paper",
                                         "speaker": "Ada", "date": "2026-02-01", "tags": ["scaling"]},
                    format="json")
    assert r.status_code == 201, r.content
    assert leader.patch(api(org, f"talks/{r.json()['id']}/"), {"speaker": "Ada L."},
                        format="json").json()["speaker"] == "Ada L."
    person, home, host = PersonFactory(organization=org), PodFactory(organization=org), PodFactory(organization=org)
    body = {"person": person.pk, "home_pod": home.pk, "host_pod": host.pk, "start_date": "2026-01-05",
            "end_date": "2026-03-05", "goals": "Learn the serving stack"}
    r = leader.post(api(org, "rotations/"), body, format="json")
    assert r.status_code == 201, r.content
    backwards = leader.post(api(org, "rotations/"), {**body, "end_date": "2025-12-01"}, format="json")
    assert backwards.status_code == 400
    assert Rotation.objects.for_org(org).count() == 1
    assert client_for(member(org)).get(api(org, "rotations/")).json()["count"] == 1
