"""The Team API (#12): a pod's team type, contact, services and working hours; interactions between
pods over time (audited, validated, either side's runner may record them); the interaction map at a
date, on the page and in the API, with constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pods import team_selectors
from pods.models import PodInteraction
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields, url
from tests.factories import PodFactory, PodInteractionFactory, member, pod_lead

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
D = datetime.timedelta


def page(org, name, **kw):
    return reverse(f"pods:{name}", kwargs={"org_slug": org.slug, **kw})


def body(pod, partner, **kw):
    return {"pod": pod.pk, "partner": partner.pk, "mode": "x_as_a_service", "purpose": "Feature store",
            "start_date": (TODAY - D(days=10)).isoformat(), **kw}


# --- API: interactions -------------------------------------------------------------------------------


def test_a_lead_records_an_interaction_audited_and_a_plain_member_may_not(org):
    lead, _, platform = pod_lead(org)
    consumer = PodFactory(organization=org)
    plain = member(org)
    target = url(org, "pods_api:interaction-list")
    assert client_for(plain).post(target, body(platform, consumer), format="json").status_code == 403
    r = client_for(lead).post(target, body(platform, consumer), format="json")
    assert r.status_code == 201, r.json()
    assert (r.json()["pod"], r.json()["partner"], r.json()["end_date"]) == (platform.pk, consumer.pk, None)
    event = AuditEvent.objects.for_org(org).get(action="pod_interaction.created")
    assert event.after["mode"] == "x_as_a_service" and event.after["partner"] == consumer.pk
    # The lead of the other side may end it; ending is audited with before and after.
    i = r.json()["id"]
    r = client_for(lead).patch(url(org, "pods_api:interaction-detail", pk=i), {"end_date": TODAY.isoformat()},
                               format="json")
    assert r.status_code == 200 and r.json()["end_date"] == TODAY.isoformat()
    ended = AuditEvent.objects.for_org(org).get(action="pod_interaction.updated")
    assert ended.before["end_date"] is None and ended.after["end_date"] == TODAY.isoformat()


def test_the_partner_pods_lead_may_record_it_too(org):
    lead, _, consumer = pod_lead(org)
    provider = PodFactory(organization=org)
    r = client_for(lead).post(url(org, "pods_api:interaction-list"), body(provider, consumer), format="json")
    assert r.status_code == 201, r.json()


@pytest.mark.parametrize("change, field", [
    ({"mode": "pairing"}, "mode"),  # unknown mode
    ({"partner": "self"}, "partner"),  # a pod with itself
    ({"end_date": "2000-01-01"}, "end_date"),  # ends before it starts
    ({"purpose": ""}, "purpose"),
    ({"start_date": "soon"}, "start_date"),
    ({"partner": "other-org"}, "partner"),  # another organization's pod
])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(org, other_org, change, field):
    lead, _, pod = pod_lead(org)
    partner = PodFactory(organization=org)
    data = {**body(pod, partner), **change}
    if change.get("partner") == "self":
        data["partner"] = pod.pk
    elif change.get("partner") == "other-org":
        data["partner"] = PodFactory(organization=other_org).pk
    r = client_for(lead).post(url(org, "pods_api:interaction-list"), data, format="json")
    assert r.status_code == 400 and error_fields(r) == {field}, r.json()
    assert not PodInteraction.objects.for_org(org).exists()
    assert not AuditEvent.objects.for_org(org).filter(action__startswith="pod_interaction").exists()


def test_the_same_pair_and_mode_cannot_overlap_in_time(org):
    lead, _, pod = pod_lead(org)
    partner = PodFactory(organization=org)
    api, target = client_for(lead), url(org, "pods_api:interaction-list")
    first = body(pod, partner, end_date=(TODAY + D(days=20)).isoformat())
    assert api.post(target, first, format="json").status_code == 201
    # Either direction, overlapping dates: refused, naming the partner.
    again = body(partner, pod, start_date=(TODAY + D(days=5)).isoformat())
    r = api.post(target, again, format="json")
    assert r.status_code == 400 and error_fields(r) == {"partner"}
    # Another mode, or after the first ended, is a new interaction.
    assert api.post(target, {**again, "mode": "facilitating"}, format="json").status_code == 201
    later = body(pod, partner, start_date=(TODAY + D(days=21)).isoformat())
    assert api.post(target, later, format="json").status_code == 201


def test_mode_and_pods_cannot_be_changed_after_the_fact(org):
    lead, _, pod = pod_lead(org)
    i = PodInteractionFactory(organization=org, pod=pod)
    r = client_for(lead).patch(url(org, "pods_api:interaction-detail", pk=i.pk), {"mode": "collaboration"},
                               format="json")
    # DRF ignores fields the serializer does not declare: nothing changed.
    assert r.status_code == 200 and r.json()["mode"] == "x_as_a_service"


def test_list_filters_by_pod_mode_and_date_with_constant_queries(org, django_assert_max_num_queries):
    pod = PodFactory(organization=org)
    old = PodInteractionFactory(organization=org, pod=pod, start_date=TODAY - D(days=100),
                                end_date=TODAY - D(days=50))
    now = PodInteractionFactory(organization=org, partner=pod, mode="facilitating")
    PodInteractionFactory(organization=org)
    api = client_for(member(org))
    target = url(org, "pods_api:interaction-list")
    assert {r["id"] for r in api.get(target, {"pod": pod.pk}).json()["results"]} == {old.pk, now.pk}
    assert [r["id"] for r in api.get(target, {"pod": pod.pk, "on": TODAY.isoformat()}).json()["results"]] == [now.pk]
    assert [r["id"] for r in api.get(target, {"mode": "facilitating"}).json()["results"]] == [now.pk]
    assert api.get(target, {"mode": "pairing"}).status_code == 400
    with django_assert_max_num_queries(6) as small:
        api.get(target)
    PodInteractionFactory.create_batch(15, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(target).json()["count"] == 18


def test_delete_removes_one_entered_by_mistake(org):
    lead, _, pod = pod_lead(org)
    i = PodInteractionFactory(organization=org, pod=pod)
    assert client_for(member(org)).delete(url(org, "pods_api:interaction-detail", pk=i.pk)).status_code == 403
    assert client_for(lead).delete(url(org, "pods_api:interaction-detail", pk=i.pk)).status_code == 204
    assert not PodInteraction.objects.for_org(org).filter(pk=i.pk).exists()
    assert AuditEvent.objects.for_org(org).filter(action="pod_interaction.deleted").count() == 1


# --- API: the pod's Team API fields -----------------------------------------------------------------


def test_team_type_and_contact_through_the_pods_api(org):
    lead, _, pod = pod_lead(org)
    other = PodFactory(organization=org, team_type="enabling")
    api = client_for(lead)
    r = api.patch(url(org, "pods_api:pod-detail", pk=pod.pk),
                  {"team_type": "platform", "contact": "#ml-platform", "working_hours": "Mon–Fri 9–17"},
                  format="json")
    assert r.status_code == 200 and r.json()["team_type"] == "platform" and r.json()["contact"] == "#ml-platform"
    event = AuditEvent.objects.for_org(org).filter(action="pod.updated").latest("pk")
    assert event.before["team_type"] == "" and event.after["team_type"] == "platform"
    bad = api.patch(url(org, "pods_api:pod-detail", pk=pod.pk), {"team_type": "squad"}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"team_type"}
    listed = api.get(url(org, "pods_api:pod-list"), {"team_type": "platform"}).json()["results"]
    assert [p["id"] for p in listed] == [pod.pk] and listed[0]["working_hours"] == "Mon–Fri 9–17"
    assert [p["id"] for p in api.get(url(org, "pods_api:pod-list"), {"team_type": "enabling"}).json()["results"]] == [
        other.pk]
    assert api.get(url(org, "pods_api:pod-list"), {"team_type": "squad"}).status_code == 400


# --- The map --------------------------------------------------------------------------------------


def test_the_map_shows_who_works_with_whom_at_a_date(org):
    a = PodFactory(organization=org, team_type="stream_aligned")
    b = PodFactory(organization=org, team_type="platform")
    c = PodFactory(organization=org, team_type="enabling")
    PodFactory(organization=org, status="sunset")  # not on the map
    PodInteractionFactory(organization=org, pod=b, partner=a, start_date=TODAY - D(days=60))
    PodInteractionFactory(organization=org, pod=c, partner=a, mode="facilitating", start_date=TODAY - D(days=60),
                          end_date=TODAY - D(days=20))
    now = team_selectors.team_map(organization=org, on=TODAY)
    assert {(e.source.pk, e.mode, e.target.pk) for e in now.edges} == {(b.pk, "x_as_a_service", a.pk)}
    assert {n.pk for n in now.nodes} == {a.pk, b.pk, c.pk} and now.isolated == 1
    then = team_selectors.team_map(organization=org, on=TODAY - D(days=30))
    assert {e.mode for e in then.edges} == {"x_as_a_service", "facilitating"}
    assert [n.pk for n in team_selectors.team_map(organization=org, on=TODAY, only_connected=True).nodes] == [
        a.pk, b.pk]  # stream-aligned first
    api = client_for(member(org))
    r = api.get(url(org, "pods_api:team-map-list"), {"on": (TODAY - D(days=30)).isoformat()})
    assert r.status_code == 200 and len(r.json()["edges"]) == 2 and len(r.json()["nodes"]) == 3
    assert api.get(url(org, "pods_api:team-map-list"), {"on": "yesterday"}).status_code == 400


def test_map_page_draws_the_graph_with_constant_queries(client, org, django_assert_max_num_queries):
    viewer = member(org)
    client.force_login(viewer.user)
    a = PodFactory(organization=org, name="Claims Router", team_type="stream_aligned")
    PodInteractionFactory(organization=org, partner=a, purpose="Shared feature store")
    with django_assert_max_num_queries(12) as few:
        r = client.get(page(org, "team_map"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "<svg" in html and "Claims Router" in html and "Shared feature store" in html
    assert 'class="edge mode-x_as_a_service"' in html
    for _ in range(12):
        PodInteractionFactory(organization=org, partner=a, mode="collaboration")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page(org, "team_map"), {"type": "stream_aligned"}).status_code == 200
    assert client.get(page(org, "team_map"), {"on": "31/03/2026"}).status_code == 400
    assert client.get(page(org, "team_map"), {"type": "squad"}).status_code == 400


# --- Pages --------------------------------------------------------------------------------------


def test_lead_edits_the_team_api_on_the_page(client, org):
    lead, _, pod = pod_lead(org)
    client.force_login(lead.user)
    r = client.post(page(org, "team_api", pk=pod.pk), {"team_type": "platform", "contact": "#feature-store",
                                                       "services_offered": "Feature store\nOnline serving",
                                                       "working_hours": "Mon–Fri"})
    assert r.status_code == 302
    pod.refresh_from_db()
    assert (pod.team_type, pod.contact) == ("platform", "#feature-store")
    detail = client.get(page(org, "pod_detail", pk=pod.pk)).content.decode()
    assert "Platform" in detail and "#feature-store" in detail
    bad = client.post(page(org, "team_api", pk=pod.pk), {"team_type": "squad"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()


def test_plain_member_reads_the_team_api_but_may_not_change_it(client, org):
    pod = PodFactory(organization=org)
    partner = PodFactory(organization=org)
    client.force_login(member(org).user)
    r = client.get(page(org, "team_api", pk=pod.pk))
    assert r.status_code == 200 and "Record an interaction" not in r.content.decode()
    assert client.post(page(org, "team_api", pk=pod.pk), {"team_type": "platform"}).status_code == 403
    assert client.post(page(org, "interaction_create", pk=pod.pk), {
        "partner": partner.pk, "mode": "collaboration", "purpose": "x", "start_date": TODAY}).status_code == 403
    assert not PodInteraction.objects.for_org(org).exists()


def test_interactions_are_added_and_ended_inline_with_htmx(client, org):
    lead, _, pod = pod_lead(org)
    partner = PodFactory(organization=org, name="Feature Store")
    client.force_login(lead.user)
    htmx = {"HTTP_HX_REQUEST": "true"}
    r = client.post(page(org, "interaction_create", pk=pod.pk), {
        "partner": partner.pk, "mode": "collaboration", "purpose": "Design the online store together",
        "start_date": TODAY.isoformat()}, **htmx)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Interaction recorded." in html and "Feature Store" in html and "<html" not in html
    bad = client.post(page(org, "interaction_create", pk=pod.pk), {
        "partner": pod.pk, "mode": "collaboration", "purpose": "x", "start_date": TODAY.isoformat()}, **htmx)
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()  # itself is not offered
    i = PodInteraction.objects.for_org(org).get()
    early = client.post(page(org, "interaction_edit", pk=pod.pk, interaction_pk=i.pk),
                        {"action": "end", "end_date": (TODAY - D(days=3)).isoformat()}, **htmx)
    assert early.status_code == 400 and "before the start date" in early.content.decode()
    ended = client.post(page(org, "interaction_edit", pk=pod.pk, interaction_pk=i.pk),
                        {"action": "end", "end_date": TODAY.isoformat()}, **htmx)
    assert ended.status_code == 200 and "Interaction ended." in ended.content.decode()
    i.refresh_from_db()
    assert i.end_date == TODAY
    # An interaction of two other pods is not reachable under this pod's address.
    stranger = PodInteractionFactory(organization=org)
    assert client.post(page(org, "interaction_edit", pk=pod.pk, interaction_pk=stranger.pk),
                       {"action": "delete"}).status_code == 404


def test_org_home_filters_by_team_type(client, org):
    client.force_login(member(org).user)
    PodFactory(organization=org, name="Alpha Platform", team_type="platform")
    PodFactory(organization=org, name="Beta Stream", team_type="stream_aligned")
    html = client.get(page(org, "org_home"), {"team_type": "platform"}).content.decode()
    assert "Alpha Platform" in html and "Beta Stream" not in html
