"""Brute-force protection on sign-in and on password-reset requests (django-axes).

250 wrong passwords are not all answered as normal attempts; the victim still signs in from
another address, and from the same one once the cool-off has passed, however many attempts the
attacker made meanwhile.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-password-42"
ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
VICTIM = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def victim(db):
    user = UserFactory(email="victim@example.com")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, password: str, **meta):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": "victim@example.com", "password": password}, **meta)


def test_250_wrong_passwords_are_not_all_answered_as_normal_attempts(client, victim, settings):
    statuses = [_sign_in(client, f"guess-{i}", **ATTACKER).status_code for i in range(250)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    locked = _sign_in(client, PASSWORD, **ATTACKER)
    assert locked.status_code == 429, "the right password must not work from the locked-out address"
    assert b"Too many attempts" in locked.content


def test_the_victim_signs_in_from_elsewhere_and_after_the_cool_off(client, victim, settings, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    for i in range(40):
        _sign_in(client, f"guess-{i}", **ATTACKER)
    assert _sign_in(client, PASSWORD, **VICTIM).status_code == 302  # another address: not locked
    client.post(reverse("logout"))

    # The attacker keeps trying during the lockout: it does not extend it.
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 10, tzinfo=datetime.UTC), tick=False)
    assert _sign_in(client, "guess-again", **ATTACKER).status_code == 429
    time_machine.move_to(
        datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
        + settings.AXES_COOLOFF_TIME
        + datetime.timedelta(seconds=1),
        tick=False,
    )
    assert _sign_in(client, PASSWORD, **ATTACKER).status_code == 302  # the same address, later


def test_password_reset_requests_are_throttled_the_same_way(client, victim, settings):
    url = reverse("password_reset")
    statuses = [client.post(url, {"email": "victim@example.com"}, **ATTACKER).status_code for _ in range(30)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [302] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    assert len(mail.outbox) < settings.AXES_FAILURE_LIMIT  # not 30 emails to the victim
    # Sign-in for the same account is a separate count, and other addresses are unaffected.
    assert _sign_in(client, PASSWORD, **ATTACKER).status_code == 302
    client.post(reverse("logout"))
    assert client.post(url, {"email": "victim@example.com"}, **VICTIM).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, victim, settings):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, f"typo-{i}", **VICTIM)
    assert _sign_in(client, PASSWORD, **VICTIM).status_code == 302
    client.post(reverse("logout"))
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, f"typo-again-{i}", **VICTIM).status_code == 200
    assert _sign_in(client, PASSWORD, **VICTIM).status_code == 302
