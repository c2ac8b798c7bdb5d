"""The expert-time API: office hours and bookings (create, list, cancel, .ics), with the pages'
permissions, errors that name the field, and lists in constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from resources.experts.models import Booking
from tests.api.helpers import client_for, error_fields, ids, url
from tests.experts.helpers import experts_setup, slot_at
from tests.factories import OrganizationFactory, PersonFactory, PodFactory, member, pod_lead

pytestmark = pytest.mark.django_db


def _book(x, who=None, days=3, hour=10, **extra):
    start, end = slot_at(days, hour)
    data = {"expert": x.expert.pk, "pod": x.pod.pk, "topic": "Eval design", "start": start.isoformat(),
            "end": end.isoformat(), **extra}
    return client_for(who or x.lead).post(url(x.org, "experts_api:booking-list"), data, format="json")


def test_a_pod_lead_books_lists_downloads_and_cancels(org):
    x = experts_setup(org)
    r = _book(x)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "booked" and body["expert_name"] == "Ada Expert" and body["pod"] == x.pod.pk
    c = client_for(x.lead)
    assert ids(c.get(url(org, "experts_api:booking-list"))) == [body["id"]]
    ics = c.get(url(org, "experts_api:booking-ics", pk=body["id"]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    missing = c.get(url(org, "experts_api:booking-ics", pk=999999), HTTP_ACCEPT="text/calendar")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime.fromisoformat(body["start"])
    assert event.decoded("dtend") == dt.datetime.fromisoformat(body["end"])
    assert "Ada Expert" in str(event["summary"]) and str(event["status"]) == "CONFIRMED"
    r = c.post(url(org, "experts_api:booking-cancel", pk=body["id"]))
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    cancelled = Calendar.from_ical(c.get(url(org, "experts_api:booking-ics", pk=body["id"])).content)
    assert str(cancelled.walk("VEVENT")[0]["status"]) == "CANCELLED"
    assert _book(x).status_code == 201  # the slot is free again


@pytest.mark.parametrize("change,field", [
    ({"hour": 7}, "start"),                                   # outside office hours
    ({"days": 0, "hour": 23}, "start"),                       # no slot (and too soon)
    ({"end": "2020-01-01T00:00:00Z"}, "end"),                 # end before start
    ({"topic": ""}, "topic"),
    ({"expert": 999999}, "expert"),
    ({"pod": 999999}, "pod"),
    ({"start": "tomorrow"}, "start"),
])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(org, change, field):
    x = experts_setup(org)
    days, hour = change.pop("days", 3), change.pop("hour", 10)
    r = _book(x, days=days, hour=hour, **change)
    assert r.status_code == 400, r.content
    assert error_fields(r) == {field}
    assert not Booking.objects.for_org(org).exists()


def test_inside_notice_and_past_the_cap_are_400s_on_start(org):
    x = experts_setup(org, hours_per_week=1, min_notice_hours=48)
    r = _book(x, days=1, hour=12)
    assert r.status_code == 400 and error_fields(r) == {"start"} and "notice" in r.json()["detail"]
    assert _book(x, days=10, hour=9).status_code == 201
    r = _book(x, days=10, hour=10)
    assert r.status_code == 400 and error_fields(r) == {"start"} and "weekly cap" in r.json()["detail"]


def test_a_taken_slot_is_a_409(org):
    x = experts_setup(org)
    assert _book(x).status_code == 201
    r = _book(x)
    assert r.status_code == 409 and error_fields(r) == {"start"}


def test_another_organizations_pod_and_expert_are_not_found(org):
    x = experts_setup(org)
    y = experts_setup(OrganizationFactory())
    for extra, field in (({"pod": y.pod.pk}, "pod"), ({"expert": y.expert.pk}, "expert")):
        r = _book(x, **extra)
        assert r.status_code == 400 and error_fields(r) == {field}


def test_only_for_a_pod_you_work_in_or_lead(org):
    x = experts_setup(org)
    outsider = member(org)
    assert _book(x, who=outsider).status_code == 403
    _lead, _person, other_pod = pod_lead(org)
    assert _book(x, pod=other_pod.pk).status_code == 403
    # An admin books for any pod.
    assert _book(x, who=x.admin, pod=other_pod.pk).status_code == 201


def test_a_booking_is_seen_by_the_booker_the_expert_the_lead_and_leaders_only(org):
    x = experts_setup(org)
    booking_id = _book(x).json()["id"]
    for who, sees in ((x.lead, True), (x.expert_member, True), (member(org, "leader"), True),
                      (member(org), False)):
        c = client_for(who)
        assert (booking_id in ids(c.get(url(org, "experts_api:booking-list")))) is sees
        assert c.get(url(org, "experts_api:booking-detail", pk=booking_id)).status_code == (200 if sees else 404)
        assert c.get(url(org, "experts_api:booking-ics", pk=booking_id)).status_code == (200 if sees else 404)
    stranger = member(org)
    assert client_for(stranger).post(url(org, "experts_api:booking-cancel", pk=booking_id)).status_code == 404
    assert client_for(member(org, "leader")).post(
        url(org, "experts_api:booking-cancel", pk=booking_id)).status_code == 403


def test_office_hours_are_written_by_the_expert_or_an_admin(org):
    x = experts_setup(org)
    data = {"expert": x.expert.pk, "weekday": 6, "start_time": "19:00", "end_time": "20:00",
            "timezone": "Europe/Berlin", "slot_minutes": 30, "buffer_minutes": 5}
    assert client_for(member(org)).post(url(org, "experts_api:office-hours-list"), data,
                                        format="json").status_code == 403
    r = client_for(x.expert_member).post(url(org, "experts_api:office-hours-list"), data, format="json")
    assert r.status_code == 201, r.content
    assert (r.json()["start_time"], r.json()["end_time"]) == ("19:00", "20:00")  # wall-clock, no offset
    bad = client_for(x.admin).post(url(org, "experts_api:office-hours-list"),
                                   {**data, "weekday": 5, "timezone": "Nowhere/Else"}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"timezone"}
    r2 = client_for(x.admin).delete(url(org, "experts_api:office-hours-detail", pk=r.json()["id"]))
    assert r2.status_code == 204


def test_admins_make_experts(org):
    admin = member(org, "admin")
    person = PersonFactory(organization=org)
    data = {"person": person.pk, "hours_per_week": 3, "topics": "vision, RAG"}
    assert client_for(member(org)).post(url(org, "experts_api:expert-list"), data,
                                        format="json").status_code == 403
    r = client_for(admin).post(url(org, "experts_api:expert-list"), data, format="json")
    assert r.status_code == 201 and r.json()["topics"] == "vision, RAG"
    assert client_for(admin).post(url(org, "experts_api:expert-list"), {**data, "hours_per_week": 5},
                                  format="json").status_code == 200
    r = client_for(admin).post(url(org, "experts_api:expert-list"), {**data, "hours_per_week": 0}, format="json")
    assert r.status_code == 400 and error_fields(r) == {"hours_per_week"}


def test_lists_take_constant_queries(org, django_assert_max_num_queries):
    x = experts_setup(org)
    leader = client_for(member(org, "leader"))

    def grow(n):
        from resources.experts import services

        for i in range(n):
            e = services.expert_profile_set(organization=org, actor=x.admin.user,
                                            person=PersonFactory(organization=org), hours_per_week=5)
            services.office_hours_create(organization=org, actor=x.admin.user, expert=e, weekday=i % 7,
                                         start_time=dt.time(9), end_time=dt.time(10))
            start, end = slot_at(3 + i % 7, 9)
            Booking.objects.create(organization=org, expert=e, pod=PodFactory(organization=org), topic="t",
                                   start=start, end=end, booked_by=x.lead.user)

    for name in ("experts_api:expert-list", "experts_api:office-hours-list", "experts_api:booking-list"):
        leader.get(url(org, name))
    grow(1)
    counts = {}
    for name in ("experts_api:expert-list", "experts_api:office-hours-list", "experts_api:booking-list"):
        from tests.api.helpers import query_count

        counts[name] = query_count(lambda n=name: leader.get(url(org, n)))
    grow(8)
    for name, before in counts.items():
        with django_assert_max_num_queries(before):
            r = leader.get(url(org, name))
        assert r.status_code == 200 and r.json()["count"] >= 9
