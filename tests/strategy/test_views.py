"""Strategy pages: who sees and does what, forms that name the field, constant queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from strategy import services
from strategy.models import CheckIn, Measurement, Outcome, Theme
from tests.factories import PodFactory, member
from tests.strategy.factories import led_outcome, outcome, theme

pytestmark = pytest.mark.django_db


def _url(org, name, **kw):
    return reverse(f"strategy:{name}", kwargs={"org_slug": org.slug, **kw})


def test_leader_sets_a_theme_member_may_not(client, org):
    leader = member(org, "leader")
    client.force_login(member(org).user)
    assert client.get(_url(org, "theme_create")).status_code == 403
    client.force_login(leader.user)
    r = client.post(_url(org, "theme_create"), {"title": "Improve retention", "owner": leader.pk,
                                                "quarter": client.get(_url(org, "theme_create")).context[
                                                    "form"].initial["quarter"]})
    assert r.status_code == 302
    t = Theme.objects.for_org(org).get()
    assert t.owner == leader
    page = client.get(_url(org, "home"))
    assert b"Improve retention" in page.content


def test_pod_lead_adds_an_outcome_for_their_pod_only(client, org):
    lead, o = led_outcome(org)
    other_pod = PodFactory(organization=org, name="Not mine")
    client.force_login(lead.user)
    form = client.get(_url(org, "outcome_create", pk=o.theme_id)).context["form"]
    assert list(form.fields["pod"].queryset) == [o.pod]
    data = {"pod": other_pod.pk, "metric": "NPS", "direction": "increase", "baseline": 10, "target": 20,
            "cadence_days": 31, "weight": 1}
    r = client.post(_url(org, "outcome_create", pk=o.theme_id), data)
    assert r.status_code == 400 and "pod" in r.context["form"].errors
    r = client.post(_url(org, "outcome_create", pk=o.theme_id), {**data, "pod": o.pod.pk, "target": 10})
    assert r.status_code == 400 and "target" in r.context["form"].errors  # target equal to baseline
    r = client.post(_url(org, "outcome_create", pk=o.theme_id), {**data, "pod": o.pod.pk})
    assert r.status_code == 302 and Outcome.objects.for_org(org).filter(metric="NPS").exists()


def test_lead_records_measurements_and_check_ins_member_may_not(client, org):
    lead, o = led_outcome(org)
    client.force_login(member(org).user)
    assert client.post(_url(org, "measurement_create", pk=o.pk), {"value": 75}).status_code == 403
    assert client.post(_url(org, "check_in_create", pk=o.pk), {"confidence": "high"}).status_code == 403
    client.force_login(lead.user)
    assert client.post(_url(org, "measurement_create", pk=o.pk), {"value": "x"}).status_code == 400
    assert client.post(_url(org, "measurement_create", pk=o.pk), {"value": 75}).status_code == 302
    assert client.post(_url(org, "check_in_create", pk=o.pk), {"confidence": "medium", "note": "ok"}).status_code == 302
    assert Measurement.objects.for_org(org).count() == 1 and CheckIn.objects.for_org(org).count() == 1
    page = client.get(_url(org, "outcome_detail", pk=o.pk))
    assert page.status_code == 200
    assert b"50%" in page.content and b"<svg" in page.content and b"Medium" in page.content
    assert client.get(_url(org, "measurement_create", pk=o.pk)).status_code == 405


def test_theme_owner_closes_others_may_not(client, org):
    t = theme(org)
    client.force_login(member(org, "leader").user)  # a leader, but not the owner
    assert client.post(_url(org, "theme_detail", pk=t.pk), {"action": "close"}).status_code == 403
    client.force_login(t.owner.user)
    r = client.post(_url(org, "theme_detail", pk=t.pk), {"action": "close", "final_score": 80})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == "closed" and t.final_score == pytest.approx(0.8)


def _seed(org, n):
    t = theme(org, title=f"Theme {n}")
    for i in range(n):
        o = outcome(org, t, metric=f"Metric {i}")
        services.measurement_record(organization=org, actor=None, outcome=o, value=75)


@pytest.mark.parametrize("name", ["home", "theme_detail", "pod_panel"])
def test_pages_run_constant_queries(client, org, django_assert_max_num_queries, name):
    client.force_login(member(org, "leader").user)
    _seed(org, 2)
    t = Theme.objects.for_org(org).first()
    kw = {"pk": t.pk} if name == "theme_detail" else {}
    if name == "pod_panel":
        kw = {"pk": Outcome.objects.for_org(org).first().pod_id}
    with django_assert_max_num_queries(12) as small:
        assert client.get(_url(org, name, **kw)).status_code == 200
    _seed(org, 12)
    for o in Outcome.objects.for_org(org):
        services.outcome_update(organization=org, actor=None, outcome=o, pod=Outcome.objects.for_org(org)
                                .first().pod) if name == "pod_panel" else None
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(_url(org, name, **kw)).status_code == 200


def test_outcome_page_queries_do_not_grow_with_history(client, org, django_assert_max_num_queries):
    lead, o = led_outcome(org)
    client.force_login(lead.user)
    services.measurement_record(organization=org, actor=None, outcome=o, value=71)
    with django_assert_max_num_queries(20) as small:
        client.get(_url(org, "outcome_detail", pk=o.pk))
    for v in range(40):
        services.measurement_record(organization=org, actor=None, outcome=o, value=70 + v / 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url(org, "outcome_detail", pk=o.pk))
