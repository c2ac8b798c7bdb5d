"""The pod intake inbox: anyone asks, the lead answers, routes to one member or declines; the
measures per pod and month; who sees and does what; pages and API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from strategy import selectors
from strategy.services import intake as svc
from tenancy.models import Notification
from tests.api.helpers import client_for, error_fields, url
from tests.factories import AssignmentFactory, PersonFactory, PodFactory, member, pod_lead

pytestmark = pytest.mark.django_db


def engineer(org, pod):
    m = member(org)
    person = PersonFactory(organization=org, user=m.user, email=m.user.email)
    AssignmentFactory(organization=org, pod=pod, person=person)
    return m, person


def ask(org, asker, pod, title="How do I call your ranking API?", kind="question"):
    return svc.intake_ask(organization=org, actor=asker.user, asked_by=asker, pod=pod, kind=kind, title=title)


def test_lead_answers_routes_or_declines_and_the_measures_follow(org, time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC))
    lead, _person, pod = pod_lead(org)
    eng, eng_person = engineer(org, pod)
    asker = member(org)
    a, b, c, d = (ask(org, asker, pod, f"Question {i}") for i in range(4))
    assert Notification.objects.for_org(org).filter(user=lead.user, kind="strategy.intake_asked").count() == 4
    assert not Notification.objects.for_org(org).filter(user=eng.user).exists()  # engineers are not interrupted
    time_machine.shift(datetime.timedelta(hours=2))
    svc.intake_answer(organization=org, actor=lead.user, request=a, answer="Use /v2/rank")
    time_machine.shift(datetime.timedelta(hours=2))
    svc.intake_route(organization=org, actor=lead.user, request=b, person=eng_person, note="Yours")
    assert Notification.objects.for_org(org).filter(user=eng.user, kind="intake.routed").count() == 1
    time_machine.shift(datetime.timedelta(hours=2))
    svc.intake_decline(organization=org, actor=lead.user, request=c, reason="Ask the platform pod")
    svc.intake_answer(organization=org, actor=eng.user, request=b, answer="Done")
    with pytest.raises(ValidationError) as exc:
        svc.intake_decline(organization=org, actor=lead.user, request=a, reason="late")
    assert set(exc.value.message_dict) == {"status"}
    outsider = PersonFactory(organization=org)
    with pytest.raises(ValidationError) as exc:
        svc.intake_route(organization=org, actor=lead.user, request=d, person=outsider)
    assert set(exc.value.message_dict) == {"person"}
    [month] = selectors.intake_measures(organization=org, pod_ids=[pod.pk], today=datetime.date(2026, 5, 31))
    assert (month.month, month.asked, month.answered_by_lead, month.routed, month.declined, month.open) == (
        datetime.date(2026, 5, 1), 4, 1, 1, 1, 1)
    assert (month.absorbed_share, month.routed_share) == (round(2 / 3, 3), round(1 / 3, 3))
    assert month.median_first_answer_hours == 4.0  # 2 h, 4 h, 6 h


def test_who_sees_what(org):
    lead, _p, pod = pod_lead(org)
    eng, eng_person = engineer(org, pod)
    asker, other = member(org), member(org)
    mine = ask(org, asker, pod)
    routed = ask(org, other, pod, "Review our eval set", kind="review")
    svc.intake_route(organization=org, actor=lead.user, request=routed, person=eng_person)
    seen = {m: {r.pk for r in selectors.intake_list(organization=org, viewer=m)} for m in (lead, eng, asker)}
    assert seen == {lead: {mine.pk, routed.pk}, eng: {routed.pk}, asker: {mine.pk}}


def test_pages(client, org, django_assert_max_num_queries):
    lead, _p, pod = pod_lead(org)
    eng, eng_person = engineer(org, pod)
    asker = member(org)
    inbox = reverse("strategy:pod_inbox", args=[org.slug, pod.pk])
    client.force_login(asker.user)
    empty = client.get(inbox)
    assert empty.status_code == 200 and b"Nobody asked this pod anything" in empty.content
    bad = client.post(inbox, {"kind": "question", "title": ""})
    assert bad.status_code == 400 and "title" in bad.context["form"].errors
    assert client.post(inbox, {"kind": "question", "title": "Where is the feature store?"}).status_code == 302
    req = selectors.intake_list(organization=org, viewer=lead).get()
    action = lambda name: reverse("strategy:intake_action", args=[org.slug, req.pk, name])  # noqa: E731
    assert client.post(action("decline"), {"reason": "no"}).status_code == 403
    client.force_login(lead.user)
    page = client.get(reverse("strategy:intake_detail", args=[org.slug, req.pk]))
    choices = set(page.context["route_form"].fields["person"].queryset)
    assert eng_person in choices and len(choices) == 2  # the pod's members: the engineer and the lead
    assert client.post(action("route"), {"person": PersonFactory(organization=org).pk}).status_code == 400
    assert client.post(action("route"), {"person": eng_person.pk}).status_code == 302
    client.force_login(eng.user)
    assert client.post(action("answer"), {"answer": "In the catalog"}).status_code == 302
    assert client.post(action("nonsense"), {}).status_code == 404
    client.force_login(lead.user)
    for i in range(3):
        ask(org, asker, pod, f"Q{i}")
    with django_assert_max_num_queries(25) as few:
        client.get(inbox)
    for i in range(6):
        ask(org, asker, pod, f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(inbox)


def test_api(org, other_org):
    lead, _p, pod = pod_lead(org)
    eng, eng_person = engineer(org, pod)
    asker = member(org)
    r = client_for(asker).post(url(org, "strategy_api:intake-request-list"),
                               {"pod": pod.pk, "kind": "request", "title": "Need a demo"}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    foreign = PodFactory(organization=other_org)
    for body, field in (({"pod": foreign.pk, "kind": "request", "title": "x"}, "pod"),
                        ({"pod": pod.pk, "kind": "gossip", "title": "x"}, "kind")):
        resp = client_for(asker).post(url(org, "strategy_api:intake-request-list"), body, format="json")
        assert resp.status_code == 400 and error_fields(resp) == {field}
    route = url(org, "strategy_api:intake-request-route", pk=pk)
    assert client_for(asker).post(route, {"person": eng_person.pk}, format="json").status_code == 403
    outsider = PersonFactory(organization=org)
    bad = client_for(lead).post(route, {"person": outsider.pk}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"person"}
    assert client_for(lead).post(route, {"person": eng_person.pk}, format="json").json()["status"] == "routed"
    done = client_for(eng).post(url(org, "strategy_api:intake-request-answer", pk=pk), {"answer": "Friday"},
                                format="json")
    assert done.status_code == 200 and done.json()["status"] == "answered"
    measures = client_for(asker).get(url(org, "strategy_api:intake-request-measures") + f"?pod={pod.pk}").json()
    assert measures["results"][0]["routed"] == 1
    assert client_for(member(other_org)).get(url(other_org, "strategy_api:intake-request-list")).json()["count"] == 0
    assert client_for(member(org)).get(url(org, "strategy_api:intake-request-detail", pk=pk)).status_code == 404
