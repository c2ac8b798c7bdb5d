"""Standard Webhooks "Request timeouts": 15–30 s; a receiver that does not answer in time is a
failed attempt (recorded with the error) and the delivery is retried on the schedule."""

from __future__ import annotations

import socket

import pytest

from integrations import services, transport
from integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_timeout_is_within_the_specs_window():
    assert 15 <= transport.TIMEOUT_SECONDS <= 30


def test_a_silent_receiver_is_a_failed_attempt_then_a_retry(org, allow_local, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection in the kernel, never answers
    try:
        monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 0.5)
        host, port = silent.getsockname()
        services.endpoint_create(organization=org, actor=member(org, "admin").user, url=f"http://{host}:{port}/hook")
        with django_capture_on_commit_callbacks(execute=True):
            services.event_emit(organization=org, type="incident.opened", data={"id": 1})
    finally:
        silent.close()
    attempt = WebhookAttempt.objects.for_org(org).get()
    assert attempt.status_code is None and "Timeout" in attempt.error
    d = WebhookDelivery.objects.for_org(org).get()
    assert d.status == DeliveryStatus.PENDING and d.next_attempt_at is not None and d.attempt_count == 1
