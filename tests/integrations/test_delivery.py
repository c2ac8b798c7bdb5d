"""Deliveries to a real local HTTP server: signing (verified by the reference library), retries on
the spec's schedule under a frozen clock, redirects, 410, Retry-After, SSRF, tenant separation."""

from __future__ import annotations

import datetime
import json
import socket

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations import delivery as delivery_mod
from integrations import services
from integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from integrations.signing import secret_generate
from tenancy.models import Notification
from tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def _endpoint(org, url, **kw):
    return services.endpoint_create(organization=org, actor=member(org, "admin").user, url=url, **kw)


def _emit(org, django_capture_on_commit_callbacks, type="incident.opened", data=None):
    with django_capture_on_commit_callbacks(execute=True):
        return services.event_emit(organization=org, type=type, data=data or {"id": 1, "title": "Outage"})


def test_secret_format_is_whsec_and_24_to_64_bytes():
    import base64

    s = secret_generate()
    assert s.startswith("whsec_")
    assert 24 <= len(base64.b64decode(s.removeprefix("whsec_"))) <= 64


def test_delivery_verifies_with_the_reference_library(
    org, receiver, allow_local, django_capture_on_commit_callbacks
):
    ep = _endpoint(org, receiver.url)
    event = _emit(org, django_capture_on_commit_callbacks, data={"id": 7, "title": "DB down"})
    [got] = receiver.received
    payload = Webhook(ep.secret).verify(got.body, got.headers)
    assert payload["type"] == "incident.opened" and payload["data"] == {"id": 7, "title": "DB down"}
    assert set(payload) == {"type", "timestamp", "data"}
    assert got.headers["webhook-id"] == event.msg_id
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.headers["content-type"] == "application/json"
    d = WebhookDelivery.objects.for_org(org).get()
    assert d.status == DeliveryStatus.SUCCEEDED and d.attempt_count == 1
    a = WebhookAttempt.objects.for_org(org).get()
    assert a.status_code == 200 and a.response_excerpt == "ok"


def test_rotation_signs_with_old_and_new_until_the_overlap_ends(
    org, receiver, allow_local, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    ep = _endpoint(org, receiver.url)
    old = ep.secret
    ep = services.endpoint_rotate_secret(organization=org, actor=member(org, "admin").user, endpoint=ep)
    _emit(org, django_capture_on_commit_callbacks)
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(got.body, got.headers)  # a receiver still on the old secret verifies
    Webhook(ep.secret).verify(got.body, got.headers)
    time_machine.move_to(datetime.datetime(2026, 5, 2, 9, 1, tzinfo=datetime.UTC), tick=False)
    _emit(org, django_capture_on_commit_callbacks)
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 1
    Webhook(ep.secret).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(got.body, got.headers)


def test_retries_follow_the_spec_schedule_then_give_up(
    org, receiver, allow_local, time_machine, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    receiver.reply(500, body=b"boom")
    _endpoint(org, receiver.url)
    _emit(org, django_capture_on_commit_callbacks)
    d = WebhookDelivery.objects.for_org(org).get()
    expected = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    for seconds in expected:
        d.refresh_from_db()
        assert d.status == DeliveryStatus.PENDING
        wait = (d.next_attempt_at - datetime.datetime.now(datetime.UTC)).total_seconds()
        assert seconds <= wait <= seconds * (1 + delivery_mod.JITTER) + 0.001  # backoff plus jitter
        # Not due yet: the sweep leaves it alone.
        assert delivery_mod.delivery_attempt(delivery_id=d.pk) is None
        time_machine.move_to(d.next_attempt_at, tick=False)
        assert delivery_mod.deliveries_due() == [d.pk]
        delivery_mod.delivery_attempt(delivery_id=d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and d.attempt_count == 10 and d.next_attempt_at is None
    assert len(receiver.received) == 10
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # same id across retries
    assert len({r.headers["webhook-timestamp"] for r in receiver.received}) == 10  # the attempt's time


def test_redirect_is_a_failure_and_not_followed(
    org, receiver, allow_local, django_capture_on_commit_callbacks
):
    receiver.reply(302, {"Location": receiver.url.replace("/hook", "/elsewhere")})
    _endpoint(org, receiver.url)
    _emit(org, django_capture_on_commit_callbacks)
    assert [r.path for r in receiver.received] == ["/hook"]
    d = WebhookDelivery.objects.for_org(org).get()
    assert d.status == DeliveryStatus.PENDING and d.last_status_code == 302


def test_410_disables_the_endpoint_and_tells_the_admins(
    org, receiver, allow_local, django_capture_on_commit_callbacks
):
    receiver.reply(410)
    ep = _endpoint(org, receiver.url)
    _emit(org, django_capture_on_commit_callbacks)
    ep.refresh_from_db()
    assert not ep.enabled and "410" in ep.disabled_reason
    assert WebhookDelivery.objects.for_org(org).get().status == DeliveryStatus.FAILED
    assert Notification.objects.for_org(org).filter(kind="integrations.webhook_disabled").exists()
    _emit(org, django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1  # a disabled endpoint gets nothing more


@pytest.mark.parametrize("code", [429, 502, 504])
def test_throttling_answers_honour_retry_after(
    org, receiver, allow_local, time_machine, code, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    receiver.reply(code, {"Retry-After": "120"})
    _endpoint(org, receiver.url)
    _emit(org, django_capture_on_commit_callbacks)
    d = WebhookDelivery.objects.for_org(org).get()
    wait = (d.next_attempt_at - datetime.datetime.now(datetime.UTC)).total_seconds()
    assert wait == 120  # later than the schedule's 5 s


def test_a_500s_retry_after_is_not_a_throttle(
    org, receiver, allow_local, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    receiver.reply(500, {"Retry-After": "3600"})
    _endpoint(org, receiver.url)
    _emit(org, django_capture_on_commit_callbacks)
    d = WebhookDelivery.objects.for_org(org).get()
    assert (d.next_attempt_at - datetime.datetime.now(datetime.UTC)).total_seconds() < 10


def test_an_endpoint_failing_for_days_is_disabled(
    org, receiver, allow_local, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    receiver.reply(500)
    ep = _endpoint(org, receiver.url)
    _emit(org, django_capture_on_commit_callbacks)
    time_machine.move_to(datetime.datetime(2026, 5, 6, 9, 0, tzinfo=datetime.UTC), tick=False)
    _emit(org, django_capture_on_commit_callbacks)
    ep.refresh_from_db()
    assert not ep.enabled and "5 days" in ep.disabled_reason
    assert Notification.objects.for_org(org).filter(kind="integrations.webhook_disabled").count() == 1


def test_ssrf_loopback_refused_by_default(org, receiver, settings, django_capture_on_commit_callbacks):
    settings.PODIUM_WEBHOOKS_ALLOW_PRIVATE = True
    ep = _endpoint(org, receiver.url)
    settings.PODIUM_WEBHOOKS_ALLOW_PRIVATE = False
    _emit(org, django_capture_on_commit_callbacks)
    assert receiver.received == []
    a = WebhookAttempt.objects.for_org(org).get()
    assert a.status_code is None and "non-public" in a.error
    with pytest.raises(Exception, match="non-public"):
        services.endpoint_create(
            organization=org, actor=member(org, "admin").user, url="http://169.254.169.254/latest/meta-data"
        )
    assert ep.pk


def test_ssrf_checks_the_resolved_address_of_a_name(
    org, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.attacker.test":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    port = receiver.server.server_address[1]
    # A name is accepted at creation (DNS may change) but refused on its resolved address.
    _endpoint(org, f"http://hooks.attacker.test:{port}/hook")
    _emit(org, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert "127.0.0.1" in WebhookAttempt.objects.for_org(org).get().error


def test_a_name_is_connected_on_its_checked_address_with_its_host_header(
    org, receiver, allow_local, monkeypatch, django_capture_on_commit_callbacks
):
    real = socket.getaddrinfo
    calls = []

    def fake(host, *args, **kwargs):
        calls.append(host)
        return real("127.0.0.1" if host == "hooks.example.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    port = receiver.server.server_address[1]
    _endpoint(org, f"http://hooks.example.test:{port}/hook")
    _emit(org, django_capture_on_commit_callbacks)
    [got] = receiver.received
    assert got.headers["host"] == f"hooks.example.test:{port}"
    assert calls.count("hooks.example.test") == 1  # resolved once; the connection used the IP


def test_one_orgs_events_never_reach_another_orgs_endpoint(
    org, receiver, allow_local, django_capture_on_commit_callbacks
):
    other = OrganizationFactory()
    _endpoint(other, receiver.url)
    mine = _endpoint(org, receiver.url.replace("/hook", "/mine"))
    _emit(org, django_capture_on_commit_callbacks, data={"id": 1, "title": "secret of org A"})
    assert [r.path for r in receiver.received] == ["/mine"]
    assert WebhookDelivery.objects.for_org(other).count() == 0
    Webhook(mine.secret).verify(receiver.received[0].body, receiver.received[0].headers)


def test_event_types_filter_and_unknown_types_refused(
    org, receiver, allow_local, django_capture_on_commit_callbacks
):
    _endpoint(org, receiver.url, event_types=["lesson.published"])
    _emit(org, django_capture_on_commit_callbacks, type="incident.opened")
    assert receiver.received == []
    with pytest.raises(ValueError):
        services.event_emit(organization=org, type="nope.nothing", data={})
    with pytest.raises(Exception, match="Unknown event types"):
        _endpoint(org, receiver.url, event_types=["nope.nothing"])


def test_redeliver_and_replay_since_keep_the_webhook_id(
    org, receiver, allow_local, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    admin = member(org, "admin").user
    ep = _endpoint(org, receiver.url)
    e1 = _emit(org, django_capture_on_commit_callbacks)
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
    e2 = _emit(org, django_capture_on_commit_callbacks)
    d1 = WebhookDelivery.objects.for_org(org).get(event=e1)
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_redeliver(organization=org, actor=admin, delivery=d1)
    assert [r.headers["webhook-id"] for r in receiver.received] == [e1.msg_id, e2.msg_id, e1.msg_id]
    assert WebhookAttempt.objects.for_org(org).filter(manual=True).count() == 1
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.endpoint_replay_since(
            organization=org,
            actor=admin,
            endpoint=ep,
            since=datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC),
        )
    assert n == 1 and [r.headers["webhook-id"] for r in receiver.received] == [e2.msg_id]


def test_domain_services_emit_events(org, receiver, allow_local, django_capture_on_commit_callbacks):
    from knowledge import services as knowledge

    _endpoint(org, receiver.url)
    actor = member(org, "admin").user
    with django_capture_on_commit_callbacks(execute=True):
        guild = knowledge.guild_create(organization=org, actor=actor, name="ML guild")
        knowledge.lesson_create(
            organization=org, actor=actor, guild=guild, title="Use feature stores", body="Because."
        )
    [got] = receiver.received
    body = json.loads(got.body)
    assert body["type"] == "lesson.published" and body["data"]["title"] == "Use feature stores"
