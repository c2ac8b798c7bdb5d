"""No double booking, enforced by PostgreSQL itself: the exclusion constraint `booking_no_overlap`
refuses an overlapping booked range of one expert even when the service's check is bypassed,
also when two transactions insert at the same moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from resources.experts.models import Booking, BookingState
from tests.concurrency import second_while_first_open
from tests.experts.helpers import experts_setup, slot_at
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _row(x, start, end, **kw):
    return Booking(organization=x.org, expert=x.expert, pod=x.pod, topic="raw", start=start, end=end, **kw)


def test_overlapping_bookings_of_one_expert_are_refused_by_the_database(org):
    x = experts_setup(org)
    start, end = slot_at(3, 10)
    _row(x, start, end).save()
    for s, e in [(start, end), (start + dt.timedelta(minutes=30), end + dt.timedelta(minutes=30)),
                 (start - dt.timedelta(minutes=30), start + dt.timedelta(minutes=1))]:
        with pytest.raises(IntegrityError) as exc, transaction.atomic():
            _row(x, s, e).save()
        assert "booking_no_overlap" in str(exc.value)
    # Half-open ranges: back to back is fine; a cancelled booking holds nothing; another expert is free.
    _row(x, end, end + dt.timedelta(hours=1)).save()
    _row(x, start, end, state=BookingState.CANCELLED).save()
    from resources.experts import services

    other = services.expert_profile_set(organization=org, actor=x.admin.user,
                                        person=PersonFactory(organization=org), hours_per_week=4)
    Booking(organization=org, expert=other, pod=x.pod, topic="raw", start=start, end=end).save()
    assert Booking.objects.for_org(org).filter(expert=x.expert, state="booked").count() == 2


def test_end_not_after_start_is_refused_by_the_database(org):
    x = experts_setup(org)
    start, _ = slot_at(3, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(x, start, start).save()


@pytest.mark.django_db(transaction=True)
def test_two_transactions_inserting_one_slot_at_once_make_one_booking(org):
    """The second insert waits for the first transaction and is refused once it commits: the
    constraint, not the service's check, decides (both bypass the service here)."""
    x = experts_setup(org)
    start, end = slot_at(3, 10)
    outcome: list[str] = []

    def second():
        try:
            with transaction.atomic():
                _row(x, start, end).save()
            outcome.append("saved")
        except IntegrityError as exc:
            outcome.append("refused" if "booking_no_overlap" in str(exc) else str(exc))

    finished_while_open = second_while_first_open(lambda: _row(x, start, end).save(), second, wait=2.0)
    assert not finished_while_open  # it waited for the first transaction
    assert outcome == ["refused"]
    assert Booking.objects.for_org(org).count() == 1
