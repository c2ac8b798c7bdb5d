"""Strategy API: themes, outcomes, measurement pushes (idempotent, late), check-ins; roles, 400s
naming the field, constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from strategy.models import Measurement
from tests.api.helpers import client_for, error_fields, ids, url
from tests.factories import PodFactory, member
from tests.strategy.factories import led_outcome, outcome, theme

pytestmark = pytest.mark.django_db


def test_leader_sets_a_theme_lead_may_not(org):
    leader, lead = member(org, "leader"), led_outcome(org)[0]
    body = {"title": "Improve retention", "quarter": "2026-05"}
    assert client_for(lead).post(url(org, "strategy_api:theme-list"), body, format="json").status_code == 403
    r = client_for(leader).post(url(org, "strategy_api:theme-list"), body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["quarter"] == "2026-04" and r.json()["owner"] == leader.pk
    bad = client_for(leader).post(url(org, "strategy_api:theme-list"), {**body, "quarter": "Q2"}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"quarter"}


def test_pipeline_pushes_a_measurement_and_reads_progress(org):
    lead, o = led_outcome(org, baseline=100.0, target=60.0, direction="decrease")
    api = client_for(lead)
    push = url(org, "strategy_api:outcome-measurements", pk=o.pk)
    body = {"value": 80, "measured_at": timezone.now().isoformat(), "source": "nightly-eval",
            "idempotency_key": "run-42"}
    r = api.post(push, body, format="json")
    assert r.status_code == 201, r.json()
    assert api.post(push, body, format="json").status_code == 200  # same key: stored once
    assert api.post(push, {**body, "value": 81}, format="json").status_code == 409
    late = {"value": 95, "measured_at": (timezone.now() - datetime.timedelta(days=20)).isoformat()}
    assert api.post(push, late, format="json").status_code == 201
    assert Measurement.objects.for_org(org).filter(outcome=o).count() == 2
    got = api.get(url(org, "strategy_api:outcome-detail", pk=o.pk)).json()
    assert got["progress"] == pytest.approx(0.5) and got["current_value"] == 80
    assert got["status"] in {"on_track", "behind", "at_risk"}
    history = api.get(push).json()["results"]
    assert [m["value"] for m in history] == [80, 95]


def test_bad_pushes_are_400_naming_the_field(org, other_org):
    lead, o = led_outcome(org)
    api = client_for(lead)
    push = url(org, "strategy_api:outcome-measurements", pk=o.pk)
    assert error_fields(api.post(push, {}, format="json")) == {"value"}
    assert error_fields(api.post(push, {"value": "high"}, format="json")) == {"value"}
    future = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    assert error_fields(api.post(push, {"value": 1, "measured_at": future}, format="json")) == {"measured_at"}
    # Another org's outcome: not found, and nothing stored.
    foreign = outcome(other_org)
    r = api.post(url(org, "strategy_api:outcome-measurements", pk=foreign.pk), {"value": 1}, format="json")
    assert r.status_code == 404 and not Measurement.objects.for_org(other_org).exists()


def test_only_the_pods_lead_or_an_admin_pushes(org):
    lead, o = led_outcome(org)
    push = url(org, "strategy_api:outcome-measurements", pk=o.pk)
    assert client_for(member(org)).post(push, {"value": 1}, format="json").status_code == 403
    assert client_for(member(org, "leader")).post(push, {"value": 1}, format="json").status_code == 403
    assert client_for(member(org, "admin")).post(push, {"value": 1}, format="json").status_code == 201


def test_outcome_create_validation_names_the_field(org, other_org):
    lead, o = led_outcome(org)
    api = client_for(lead)
    base = {"theme": o.theme_id, "pod": o.pod_id, "metric": "NPS", "direction": "increase",
            "baseline": 10, "target": 20}
    assert api.post(url(org, "strategy_api:outcome-list"), base, format="json").status_code == 201
    for change, field in [({"target": 10}, "target"), ({"direction": "up"}, "direction"),
                          ({"pod": PodFactory(organization=other_org).pk}, "pod"),
                          ({"theme": theme(other_org).pk}, "theme")]:
        r = api.post(url(org, "strategy_api:outcome-list"), {**base, **change}, format="json")
        assert r.status_code == 400 and error_fields(r) == {field}, (change, r.json())
    not_mine = PodFactory(organization=org)
    assert api.post(url(org, "strategy_api:outcome-list"), {**base, "pod": not_mine.pk},
                    format="json").status_code == 403


def test_check_ins_by_the_lead(org):
    lead, o = led_outcome(org)
    path = url(org, "strategy_api:outcome-check-ins", pk=o.pk)
    assert client_for(member(org, "admin")).post(path, {"confidence": "high"}, format="json").status_code == 403
    r = client_for(lead).post(path, {"confidence": "low", "note": "Data late"}, format="json")
    assert r.status_code == 201 and r.json()["confidence"] == "low"
    assert error_fields(client_for(lead).post(path, {"confidence": "meh"}, format="json")) == {"confidence"}


def test_close_and_carry_over(org):
    t = theme(org)
    api = client_for(t.owner)
    r = api.post(url(org, "strategy_api:theme-carry-over", pk=t.pk), {}, format="json")
    assert r.status_code == 201 and r.json()["carried_from"] == t.pk
    r2 = api.post(url(org, "strategy_api:theme-close", pk=r.json()["id"]), {"final_score": 0.7}, format="json")
    assert r2.status_code == 200 and r2.json()["status"] == "closed" and r2.json()["final_score"] == 0.7
    assert api.post(url(org, "strategy_api:theme-close", pk=t.pk), {}, format="json").status_code == 400


@pytest.mark.parametrize("name", ["strategy_api:theme-list", "strategy_api:outcome-list"])
def test_lists_run_constant_queries(org, name, django_assert_max_num_queries):
    api = client_for(member(org))
    t = theme(org)
    outcome(org, t)
    with django_assert_max_num_queries(12) as small:
        assert api.get(url(org, name)).status_code == 200
    for i in range(10):
        outcome(org, theme(org, title=f"T{i}"), metric=f"M{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = api.get(url(org, name))
    assert len(ids(r)) == 11


def test_theme_owner_edits_a_theme_others_may_not(org):
    leader = member(org, "leader")
    t = theme(org, leader)
    other_leader, lead = member(org, "leader"), led_outcome(org)[0]
    detail = url(org, "strategy_api:theme-detail", pk=t.pk)
    assert client_for(lead).patch(detail, {"title": "X"}, format="json").status_code == 403
    assert client_for(other_leader).patch(detail, {"title": "X"}, format="json").status_code == 403
    r = client_for(leader).patch(detail, {"title": "  Grow revenue ", "owner": other_leader.pk}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["title"] == "Grow revenue" and r.json()["owner"] == other_leader.pk
    assert r.json()["description"] == t.description  # unsent fields are kept
    for body, field in (({"title": ""}, "title"), ({"owner": lead.pk}, "owner"), ({"owner": 10**12}, "owner")):
        bad = client_for(other_leader).patch(detail, body, format="json")
        assert bad.status_code == 400 and error_fields(bad) == {field}, bad.json()


def test_removing_a_member_who_still_owns_a_theme_is_a_409_that_says_why(org):
    """Theme.owner protects the membership: the delete used to end in a 500 (ProtectedError)."""
    owner = member(org, "leader")
    theme(org, owner)
    r = client_for(member(org, "admin")).delete(url(org, "tenancy_api:member-detail", pk=owner.pk))
    assert r.status_code == 409, r.content
    assert "1 theme" in r.json()["detail"] and "Reassign" in r.json()["detail"]
