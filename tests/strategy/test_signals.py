"""Signals: pod members raise them, near-identical ones from different pods group, leaders triage
the group with a reason and an SLA, both sides are notified; pages and API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from strategy import selectors
from strategy.models import Outcome, Signal, Theme
from strategy.quarters import quarter_of
from strategy.services import signals as signal_services
from tenancy.models import Notification
from tests.api.helpers import client_for, error_fields, url
from tests.factories import AssignmentFactory, PersonFactory, PodFactory, member
from tests.strategy.factories import theme

pytestmark = pytest.mark.django_db


def pod_member(org, pod=None):
    """A member in a pod (not its lead), through a linked directory entry."""
    m = member(org)
    person = PersonFactory(organization=org, user=m.user, email=m.user.email)
    pod = pod or PodFactory(organization=org)
    AssignmentFactory(organization=org, pod=pod, person=person)
    return m, pod


def raise_(org, m, pod, title, **kw):
    return signal_services.signal_raise(organization=org, actor=m.user, raised_by=m, pod=pod, kind=kw.pop("kind", "threat"),
                                 title=title, **kw)


def test_near_identical_signals_from_different_pods_group(org):
    leader = member(org, "leader")
    pods = [pod_member(org) for _ in range(4)]
    first = raise_(org, *pods[0], "Competitor launched a churn prediction product")
    second = raise_(org, *pods[1], "Competitor launched churn prediction product")  # trigram
    third = raise_(org, *pods[2], "A new churn prediction product from a competitor",
                   body="Seen at the trade fair")  # full text, words reordered
    other = raise_(org, *pods[3], "GPU prices are rising fast", kind="observation")
    same_pod = raise_(org, *pods[0], "Competitor launched a churn prediction product!")
    assert (second.group_id, third.group_id, other.group_id) == (first.pk, first.pk, None)
    assert same_pod.group_id == first.pk  # one row for leaders, but a pod repeating itself is one pod
    groups = {g.pk: g for g in selectors.signal_groups(organization=org, status="open")}
    assert set(groups) == {first.pk, other.pk}
    assert (groups[first.pk].pod_count, groups[first.pk].signal_count) == (3, 4)
    assert Notification.objects.for_org(org).filter(user=leader.user, kind="strategy.signal_raised").count() == 5
    assert "now raised by 3 pods" in Notification.objects.for_org(org).filter(user=leader.user).order_by(
        "created_at", "id")[2].title


def test_triage_decides_the_whole_group_and_tells_every_pod(org):
    leader = member(org, "leader")
    (m1, p1), (m2, p2) = pod_member(org), pod_member(org)
    a = raise_(org, m1, p1, "Data retention rules change in March")
    b = raise_(org, m2, p2, "Data retention rules change in March 2027")
    with pytest.raises(ValidationError) as exc:
        signal_services.signal_triage(organization=org, actor=leader.user, signal=b, triaged_by=leader, status="declined")
    assert set(exc.value.message_dict) == {"reason"}
    signal_services.signal_triage(organization=org, actor=leader.user, signal=b, triaged_by=leader, status="acknowledged")
    signal_services.signal_triage(organization=org, actor=leader.user, signal=a, triaged_by=leader, status="parked",
                           reason="Legal reviews it in Q3")
    assert set(Signal.objects.for_org(org).values_list("status", "reason")) == {("parked", "Legal reviews it in Q3")}
    for m in (m1, m2):
        assert Notification.objects.for_org(org).filter(user=m.user, kind="strategy.signal_triaged").count() == 2
    with pytest.raises(ValidationError) as exc:  # parked → new is no move
        signal_services.signal_triage(organization=org, actor=leader.user, signal=a, triaged_by=leader, status="new")
    assert set(exc.value.message_dict) == {"status"}
    late = raise_(org, *pod_member(org), "Data retention rules change in March!")
    assert (late.group_id, late.status) == (a.pk, "parked")  # joins the decided group


def test_adopting_creates_a_theme_or_an_outcome(org):
    leader = member(org, "leader")
    m, pod = pod_member(org)
    proposal = raise_(org, m, pod, "Self-serve evaluation harness", kind="proposal", body="Every pod builds one")
    quarter = quarter_of(timezone.localdate(), org.quarter_start_month).next(org.quarter_start_month)
    adopted = signal_services.signal_triage(organization=org, actor=leader.user, signal=proposal, triaged_by=leader,
                                     status="adopted", create_theme=quarter)
    new_theme = Theme.objects.for_org(org).get()
    assert adopted.adopted_theme == new_theme and new_theme.owner == leader
    assert (new_theme.title, new_theme.quarter_start) == ("Self-serve evaluation harness", quarter.start)
    t = theme(org, leader)
    other = raise_(org, *pod_member(org), "Cut inference cost in half", kind="proposal")
    done = signal_services.signal_triage(
        organization=org, actor=leader.user, signal=other, triaged_by=leader, status="adopted",
        create_outcome={"theme": t, "metric": "Inference cost", "direction": "decrease", "baseline": 100,
                        "target": 50})
    assert done.adopted_outcome == Outcome.objects.for_org(org).get() and done.adopted_outcome.pod == other.pod
    with pytest.raises(ValidationError):  # adopted is final
        signal_services.signal_triage(organization=org, actor=leader.user, signal=done, triaged_by=leader,
                               status="declined", reason="no")


def test_pages_member_raises_for_own_pod_leader_triages(client, org, django_assert_max_num_queries):
    m, pod = pod_member(org)
    other_pod = PodFactory(organization=org)
    leader = member(org, "leader")
    client.force_login(member(org).user)  # in no pod
    assert client.get(reverse("strategy:signal_create", args=[org.slug])).status_code == 403
    client.force_login(m.user)
    form = client.get(reverse("strategy:signal_create", args=[org.slug])).context["form"]
    assert list(form.fields["pod"].queryset) == [pod]
    bad = client.post(reverse("strategy:signal_create", args=[org.slug]),
                      {"pod": other_pod.pk, "kind": "threat", "title": "x"})
    assert bad.status_code == 400 and "pod" in bad.context["form"].errors
    r = client.post(reverse("strategy:signal_create", args=[org.slug]),
                    {"pod": pod.pk, "kind": "opportunity", "title": "Partner wants our ranking model"})
    assert r.status_code == 302
    signal = Signal.objects.for_org(org).get()
    triage = reverse("strategy:signal_triage", args=[org.slug, signal.pk])
    assert client.post(triage, {"status": "acknowledged"}).status_code == 403
    client.force_login(leader.user)
    page = client.get(reverse("strategy:signal_detail", args=[org.slug, signal.pk]))
    assert page.status_code == 200 and page.context["form"] is not None
    no_reason = client.post(triage, {"status": "declined"})
    assert no_reason.status_code == 400 and "reason" in no_reason.context["form"].errors
    assert client.post(triage, {"status": "declined", "reason": "Not our market"}).status_code == 302
    listing = client.get(reverse("strategy:signal_list", args=[org.slug]) + "?status=all")
    assert b"Partner wants our ranking model" in listing.content
    assert b"No signals here." in client.get(reverse("strategy:signal_list", args=[org.slug])).content
    for i in range(5):
        raise_(org, *pod_member(org), f"Unrelated signal number {i} about topic {i * 7919}")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("strategy:signal_list", args=[org.slug]))
    for i in range(5):
        raise_(org, *pod_member(org), f"Another distinct matter {i} regarding {i * 104729}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("strategy:signal_list", args=[org.slug]))


def test_api_raise_and_triage(org, other_org):
    m, pod = pod_member(org)
    leader = member(org, "leader")
    body = {"pod": pod.pk, "kind": "threat", "title": "Vendor sunsets our OCR API"}
    assert client_for(leader).post(url(org, "strategy_api:signal-list"), body, format="json").status_code == 403
    r = client_for(m).post(url(org, "strategy_api:signal-list"), body, format="json")
    assert r.status_code == 201, r.json()
    assert (r.json()["status"], r.json()["pod_count"], r.json()["group"]) == ("new", 1, None)
    foreign = PodFactory(organization=other_org)
    for bad, field in (({**body, "kind": "rumour"}, "kind"), ({**body, "pod": foreign.pk}, "pod"),
                       ({**body, "title": ""}, "title")):
        resp = client_for(m).post(url(org, "strategy_api:signal-list"), bad, format="json")
        assert resp.status_code == 400 and error_fields(resp) == {field}, resp.json()
    triage = url(org, "strategy_api:signal-triage", pk=r.json()["id"])
    assert client_for(m).post(triage, {"status": "acknowledged"}, format="json").status_code == 403
    no_reason = client_for(leader).post(triage, {"status": "parked"}, format="json")
    assert no_reason.status_code == 400 and error_fields(no_reason) == {"reason"}
    t = theme(org, leader)
    done = client_for(leader).post(triage, {"status": "adopted", "create_outcome": {
        "theme": t.pk, "metric": "OCR vendors", "direction": "decrease", "baseline": 2, "target": 1}}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "adopted" and done.json()["adopted_outcome"] is not None
    same = client_for(leader).post(triage, {"status": "declined", "reason": "x"}, format="json")
    assert same.status_code == 400 and error_fields(same) == {"status"}
    listed = client_for(m).get(url(org, "strategy_api:signal-list") + "?status=all").json()
    assert [s["id"] for s in listed["results"]] == [r.json()["id"]]
    assert client_for(member(other_org)).get(url(other_org, "strategy_api:signal-list")).json()["count"] == 0


def test_triage_due_follows_the_org_sla(org):
    org.default_sla_hours = 24
    before = timezone.now()
    s = raise_(org, *pod_member(org), "Something")
    assert before + datetime.timedelta(hours=24) <= s.triage_due_at <= timezone.now() + datetime.timedelta(hours=24)
    assert list(selectors.signals_past_sla(organization=org, now=timezone.now() + datetime.timedelta(hours=25))) == [s]

