"""Incidents, post-mortems and action items through the API, with the pages' rules."""

from __future__ import annotations

import pytest

from knowledge.models import ActionItem, Lesson, PostMortem
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields
from tests.factories import member
from tests.knowledge.factories import guild

pytestmark = pytest.mark.django_db


def api(org, path):
    return f"/api/v1/o/{org.slug}/{path}"


def test_report_postmortem_actions_and_lesson(org):
    reporter = member(org)
    c = client_for(reporter)
    r = c.post(api(org, "incidents/"), {"title": "Churn model drift", "system": "churn-v3", "severity": "sev2",
                                        "started_at": "2026-03-01T10:00:00Z", "detected_at": "2026-03-01T11:00:00Z"},
               format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    bad = c.post(api(org, "incidents/"), {"title": "x", "system": "y", "severity": "sev9",
                                          "started_at": "2026-03-01T10:00:00Z",
                                          "detected_at": "2026-03-01T11:00:00Z"}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"severity"}
    assert client_for(member(org)).patch(api(org, f"incidents/{pk}/"), {"status": "resolved"},
                                         format="json").status_code == 403
    assert c.patch(api(org, f"incidents/{pk}/"), {"status": "mitigated"}, format="json").json()["status"] == "mitigated"
    no_pm = c.post(api(org, f"incidents/{pk}/actions/"), {"title": "Add drift alert", "due_date": "2026-04-01"},
                   format="json")
    assert no_pm.status_code == 400 and error_fields(no_pm) == {"postmortem"}
    r = c.put(api(org, f"incidents/{pk}/postmortem/"), {"summary": "Features drifted", "publish": True,
                                                         "timeline": [{"at": "2026-03-01T10:00", "entry": "Drift"}]},
              format="json")
    assert r.status_code == 200, r.content
    assert r.json()["is_published"] is True and PostMortem.objects.for_org(org).get().is_published
    r = c.post(api(org, f"incidents/{pk}/actions/"), {"title": "Add drift alert", "due_date": "2026-04-01",
                                                       "owner": reporter.user.pk}, format="json")
    assert r.status_code == 201, r.content
    item = r.json()["id"]
    r = c.patch(api(org, f"incidents/{pk}/actions/{item}/"), {"status": "done"}, format="json")
    assert r.status_code == 200 and ActionItem.objects.for_org(org).get().status == "done"
    g = guild(org, steward=member(org, "admin"))
    r = client_for(member(org, "admin")).post(api(org, f"incidents/{pk}/lesson/"), {"guild": g.pk}, format="json")
    assert r.status_code == 201, r.content
    assert Lesson.objects.for_org(org).filter(kind="failure").count() == 1
    assert client_for(member(org)).get(api(org, f"incidents/{pk}/postmortem/")).json()["summary"] == "Features drifted"
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"incident.reported", "incident.updated", "postmortem.created", "action_item.created",
            "action_item.status"} <= actions
