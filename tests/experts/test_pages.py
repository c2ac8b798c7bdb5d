"""Expert-time pages: experts, an expert's slots with the booking form, my bookings (.ics,
cancel), utilisation per week from the snapshots, the guild page's office-hours panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resources.experts import services
from resources.experts.models import Booking, BookingState, ExpertWeekSnapshot
from resources.services import capacity_recompute
from tests.experts.helpers import experts_setup, slot_at
from tests.factories import PersonFactory, PodFactory, member
from tests.knowledge.factories import guild

pytestmark = pytest.mark.django_db


def u(org, name, *args):
    return reverse(f"experts:{name}", args=[org.slug, *args])


def _slot_value(days=3, hour=10):
    start, end = slot_at(days, hour)
    return f"{start.isoformat()}|{end.isoformat()}"


def test_a_lead_sees_the_slots_and_books_one(client, org):
    x = experts_setup(org)
    client.force_login(x.lead.user)
    page = client.get(u(org, "expert_detail", x.expert.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert _slot_value() in html and "Book this slot" in html
    assert f'<option value="{x.pod.pk}" selected>' in html  # their only pod, preselected
    r = client.post(u(org, "book", x.expert.pk), {"slot": _slot_value(), "pod": x.pod.pk, "topic": "RAG evals"})
    assert r.status_code == 302 and r["Location"] == u(org, "my_bookings")
    b = Booking.objects.for_org(org).get()
    assert b.topic == "RAG evals" and b.booked_by == x.lead.user
    mine = client.get(u(org, "my_bookings")).content.decode()
    assert "RAG evals" in mine and u(org, "booking_ics", b.pk) in mine
    # The slot now shows as booked, not offered.
    assert _slot_value() not in client.get(u(org, "expert_detail", x.expert.pk)).content.decode()


@pytest.mark.parametrize("slot,status,text", [
    ("nonsense", 400, "Pick one of the listed slots"),
    (None, 400, "Pick a free slot"),
])
def test_a_bad_slot_re_renders_the_form_with_the_error(client, org, slot, status, text):
    x = experts_setup(org)
    client.force_login(x.lead.user)
    data = {"pod": x.pod.pk, "topic": "t", **({"slot": slot} if slot else {})}
    r = client.post(u(org, "book", x.expert.pk), data)
    assert r.status_code == status and text in r.content.decode()
    assert not Booking.objects.for_org(org).exists()


def test_rules_show_on_the_slot_field_and_a_taken_slot_is_409(client, org):
    x = experts_setup(org, hours_per_week=1)
    client.force_login(x.lead.user)
    off_grid = slot_at(3, 7)
    r = client.post(u(org, "book", x.expert.pk), {"slot": f"{off_grid[0].isoformat()}|{off_grid[1].isoformat()}",
                                                  "pod": x.pod.pk, "topic": "t"})
    assert r.status_code == 400 and "is not a slot" in r.content.decode()
    x.book(10, 9)
    r = client.post(u(org, "book", x.expert.pk), {"slot": _slot_value(10, 9), "pod": x.pod.pk, "topic": "t"})
    assert r.status_code == 409 and "just booked by someone else" in r.content.decode()
    r = client.post(u(org, "book", x.expert.pk), {"slot": _slot_value(10, 11), "pod": x.pod.pk, "topic": "t"})
    assert r.status_code == 400 and "weekly cap" in r.content.decode()


def test_a_member_without_a_pod_sees_slots_but_no_form(client, org):
    x = experts_setup(org)
    outsider = member(org)
    client.force_login(outsider.user)
    html = client.get(u(org, "expert_detail", x.expert.pk)).content.decode()
    assert "Book this slot" not in html and "you are in none" in html
    r = client.post(u(org, "book", x.expert.pk), {"slot": _slot_value(), "pod": x.pod.pk, "topic": "t"})
    assert r.status_code == 403


def test_ics_download_and_cancel_from_my_bookings(client, org):
    x = experts_setup(org)
    b = x.book()
    client.force_login(x.expert_member.user)  # the expert sees and may cancel it
    ics = client.get(u(org, "booking_ics", b.pk))
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    assert 'filename="booking-' in ics["Content-Disposition"]
    r = client.post(u(org, "booking_cancel", b.pk))
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.state == BookingState.CANCELLED
    client.force_login(member(org).user)
    assert client.get(u(org, "booking_ics", b.pk)).status_code == 404


def test_admin_adds_an_expert_and_the_expert_adds_office_hours(client, org):
    admin = member(org, "admin")
    person = PersonFactory(organization=org, full_name="Grace Hopper")
    client.force_login(admin.user)
    bad = client.post(u(org, "home"), {"person": person.pk, "hours_per_week": 0})
    assert bad.status_code == 400 and f'<option value="{person.pk}" selected>' in bad.content.decode()
    r = client.post(u(org, "home"), {"person": person.pk, "hours_per_week": 3, "topics": "compilers"})
    assert r.status_code == 302
    expert_pk = int(r["Location"].rstrip("/").split("/")[-1])
    r = client.post(u(org, "office_hours_add", expert_pk), {
        "weekday": 2, "start_time": "10:00", "end_time": "09:00", "timezone": "UTC", "slot_minutes": 30,
        "min_notice_hours": 24, "buffer_minutes": 0})
    assert r.status_code == 400 and "End must be after start" in r.content.decode()
    r = client.post(u(org, "office_hours_add", expert_pk), {
        "weekday": 2, "start_time": "10:00", "end_time": "12:00", "timezone": "Asia/Tokyo", "slot_minutes": 30,
        "min_notice_hours": 24, "buffer_minutes": 0})
    assert r.status_code == 302
    listing = client.get(u(org, "home")).content.decode()
    assert "Grace Hopper" in listing and "Save expert" not in listing  # the form only on ?add=1
    assert "Save expert" in client.get(u(org, "home") + "?add=1").content.decode()
    client.force_login(member(org).user)
    assert client.post(u(org, "home"), {"person": person.pk, "hours_per_week": 3}).status_code == 403


def test_office_hours_show_on_the_hosting_guilds_page(client, org):
    x = experts_setup(org)
    g = guild(org, name="Evaluation guild")
    services.office_hours_create(organization=org, actor=x.admin.user, expert=x.expert, weekday=0,
                                 start_time=dt.time(19), end_time=dt.time(20), guild=g)
    client.force_login(member(org).user)
    page = client.get(reverse("knowledge:guild_detail", args=[org.slug, g.pk])).content.decode()
    assert u(org, "guild_panel", g.pk) in page
    panel = client.get(u(org, "guild_panel", g.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "Ada Expert" in panel and "19:00" in panel
    other = guild(org, name="Vision guild")
    assert "No office hours" in client.get(u(org, "guild_panel", other.pk)).content.decode()


def test_utilisation_per_week_reads_the_snapshot(client, org):
    x = experts_setup(org, hours_per_week=4)
    x.book(3, 10)
    capacity_recompute(organization=org)
    start, _ = slot_at(3, 10)
    monday = start.date() - dt.timedelta(days=start.weekday())
    snap = ExpertWeekSnapshot.objects.for_org(org).get(expert=x.expert, week=monday)
    assert snap.booked == 1.0 and snap.offered == 4.0  # 70 h of slots capped at 4 h a week
    client.force_login(member(org, "leader").user)
    html = client.get(u(org, "utilisation")).content.decode()
    assert "Ada Expert" in html and "1 / 4" in html and "As of" in html
    client.force_login(member(org).user)
    assert client.get(u(org, "utilisation")).status_code == 403


def test_list_pages_take_constant_queries(client, org, django_assert_max_num_queries):
    x = experts_setup(org)
    leader = member(org, "leader")
    client.force_login(leader.user)

    def grow(n):
        for i in range(n):
            e = services.expert_profile_set(organization=org, actor=x.admin.user,
                                            person=PersonFactory(organization=org), hours_per_week=5, topics="a, b")
            services.office_hours_create(organization=org, actor=x.admin.user, expert=e, weekday=i % 7,
                                         start_time=dt.time(9), end_time=dt.time(10))
            start, end = slot_at(3 + i % 7, 9)
            Booking.objects.create(organization=org, expert=e, pod=PodFactory(organization=org), topic="t",
                                   start=start, end=end, booked_by=leader.user)
        capacity_recompute(organization=org)

    pages = [u(org, "home"), u(org, "my_bookings"), u(org, "my_bookings") + "?all=1", u(org, "utilisation"),
             u(org, "expert_detail", x.expert.pk)]
    grow(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for p in pages:
        client.get(p)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(p).status_code == 200
        counts[p] = len(ctx.captured_queries)
    grow(6)
    for p in pages:
        with django_assert_max_num_queries(counts[p]):
            assert client.get(p).status_code == 200
