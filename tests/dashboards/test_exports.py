"""CSV exports of the overview's filtered lists: the attention queue and the pods' scorecard levels,
with the page's filters and the viewer's visibility, hostile cells neutralised."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from dashboards.attention_services import attention_refresh
from dashboards.services import facets_refresh, scorecard_evaluate, scorecard_seed_defaults
from governance.models import Escalation
from tests.factories import member
from tests.governance.helpers import file

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_attention_export_is_the_queue_with_its_filters(client, world):
    esc = file(world.org, world.lead, title="=HYPERLINK(1)")
    Escalation.objects.for_org(world.org).filter(pk=esc.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=3))
    facets_refresh(organization=world.org)
    attention_refresh(organization=world.org)
    url = f"/o/{world.org.slug}/overview/attention/export.csv"
    client.force_login(world.leader.user)
    rows = _rows(client.get(url))
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"'=HYPERLINK(1)", "Unhealthy pod is unhealthy"}  # a formula is neutralised
    late = by_title["'=HYPERLINK(1)"]
    assert late["source"] == "Escalations past SLA" and 3.0 <= float(late["overdue_hours"]) < 3.1
    assert late["url"] == f"http://testserver/o/{world.org.slug}/governance/escalations/{esc.pk}/"
    assert late["as_of"]
    assert _rows(client.get(url + f"?sponsor={world.other_sponsor.pk}")) == []
    client.force_login(member(world.org).user)  # may not open the escalation: not in their export
    assert [r["title"] for r in _rows(client.get(url))] == ["Unhealthy pod is unhealthy"]
    page = client.get(f"/o/{world.org.slug}/overview/attention/?sponsor={world.leader.pk}").content.decode()
    assert f"/overview/attention/export.csv?sponsor={world.leader.pk}" in page


def test_scorecard_export_lists_each_pods_level(client, world):
    scorecard_seed_defaults(organization=world.org, actor=world.admin.user)
    facets_refresh(organization=world.org)
    scorecard_evaluate(organization=world.org)
    client.force_login(world.leader.user)
    url = f"/o/{world.org.slug}/overview/scorecards/export.csv"
    rows = _rows(client.get(url))
    assert {r["pod"] for r in rows} == {"Healthy pod", "At-risk pod", "Unhealthy pod"}
    assert all(r["evaluated_on"] == timezone.localdate().isoformat() and r["checks_total"] for r in rows)
    assert {r["pod"] for r in _rows(client.get(url + f"?sponsor={world.other_sponsor.pk}"))} == {"At-risk pod"}


def test_a_bad_range_is_a_400_naming_the_field(client, world):
    client.force_login(world.leader.user)
    r = client.get(f"/o/{world.org.slug}/overview/attention/export.csv?start=2026-05-01&end=2026-04-01")
    assert r.status_code == 400 and "end" in r.content.decode()
