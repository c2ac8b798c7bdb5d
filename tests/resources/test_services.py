"""Compute services: locked, audited, tenant-safe admission through the database."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from resources import services
from resources.models import Allocation, AllocationState
from tenancy.models import AuditEvent
from tests.factories import OrganizationFactory, PodFactory, member

# In the future: a window that has passed is refused, and one begun is asked from now.
T0 = (timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


@pytest.fixture
def setup(org):
    admin = member(org, "admin").user
    a, b = PodFactory(organization=org), PodFactory(organization=org)
    pool = services.pool_create(organization=org, actor=admin, name="H100", capacity=8)
    services.quota_set(organization=org, actor=admin, pool=pool, pod=a, nominal=4, reclaim="any")
    services.quota_set(organization=org, actor=admin, pool=pool, pod=b, nominal=4)
    return org, admin, pool, a, b


def request(org, admin, pool, pod, amount, start=0, end=4, **kw):
    return services.allocation_request(
        organization=org,
        actor=admin,
        pod=pod,
        pool=pool,
        amount=amount,
        start=at(start),
        end=at(end),
        **kw,
    )


@pytest.mark.django_db
def test_admit_borrow_pending_and_audit(setup):
    org, admin, pool, a, b = setup
    first = request(org, admin, pool, a, 6)
    assert (first.state, first.borrowed) == (AllocationState.ADMITTED, 2)
    waiting = request(org, admin, pool, b, 3)
    assert waiting.state == AllocationState.PENDING and "of capacity 8" in waiting.reason
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"pool.created", "quota.set", "allocation.admitted", "allocation.pending"} <= actions


@pytest.mark.django_db
def test_reclaim_preempts_the_borrower_and_release_lets_the_worker_admit(setup):
    org, admin, pool, a, b = setup
    # Windows that have begun (start clipped to now): A's reclaim preempts at once.
    own = request(org, admin, pool, b, 4, start=-48)
    borrowed = request(org, admin, pool, b, 4, start=-48)  # B borrows all of A's nominal
    assert borrowed.borrowed == 4
    mine = request(org, admin, pool, a, 2, start=-48)  # A reclaims
    assert mine.state == AllocationState.ADMITTED
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.PREEMPTED and borrowed.preempted_by_id == mine.pk
    own.refresh_from_db()
    assert own.state == AllocationState.ADMITTED
    services.allocation_release(organization=org, actor=admin, allocation=mine)
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.ADMITTED  # the worker pass admitted it again


@pytest.mark.django_db
def test_never_fits_and_bad_input_write_nothing(setup):
    org, admin, pool, a, _b = setup
    with pytest.raises(ValidationError) as err:
        request(org, admin, pool, a, 9)
    assert "capacity 8" in str(err.value)
    with pytest.raises(ValidationError):
        request(org, admin, pool, a, 1, start=4, end=4)
    with pytest.raises(ValidationError) as err:
        services.quota_set(organization=org, actor=admin, pool=pool, pod=a, nominal=5)
    assert "nominal" in err.value.message_dict
    assert not Allocation.objects.for_org(org).exists()


@pytest.mark.django_db
def test_cross_tenant_pod_or_pool_is_refused(setup):
    org, admin, pool, _a, _b = setup
    other = OrganizationFactory()
    stranger = PodFactory(organization=other)
    with pytest.raises(ValidationError) as err:
        request(org, admin, pool, stranger, 1)
    assert "pod" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.allocation_request(
            organization=other, actor=None, pod=stranger, pool=pool, amount=1, start=at(0), end=at(1)
        )


@pytest.mark.django_db
def test_retried_idempotency_key_returns_the_first_answer(setup):
    org, admin, pool, a, _b = setup
    first = request(org, admin, pool, a, 2, idempotency_key="k1")
    again = request(org, admin, pool, a, 2, idempotency_key="k1")
    assert again.pk == first.pk
    assert Allocation.objects.for_org(org).count() == 1


@pytest.mark.django_db
def test_cancel_pending_and_worker_admits_when_capacity_frees(setup):
    org, admin, pool, a, b = setup
    hog = request(org, admin, pool, b, 8, 0, 2)
    late = request(org, admin, pool, a, 4, 1, 3)
    assert late.state == AllocationState.PENDING
    services.allocation_release(organization=org, actor=admin, allocation=hog)
    late.refresh_from_db()
    assert late.state == AllocationState.ADMITTED
    queued = request(org, admin, pool, b, 8, 2, 3)
    services.allocation_cancel(organization=org, actor=admin, allocation=queued)
    queued.refresh_from_db()
    assert queued.state == AllocationState.CANCELLED
    assert services.pending_admit(organization=org, pool=pool) == []


@pytest.mark.django_db(transaction=True)
def test_burst_of_twenty_threads_on_an_eight_unit_pool_admits_exactly_eight():
    org = OrganizationFactory()
    admin = member(org, "admin").user
    pods = [PodFactory(organization=org) for _ in range(2)]
    pool = services.pool_create(organization=org, actor=admin, name="A100", capacity=8)
    for pod in pods:
        services.quota_set(organization=org, actor=admin, pool=pool, pod=pod, nominal=4)
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def ask(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            request(org, admin, pool, pods[i % 2], 1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    states = list(Allocation.objects.for_org(org).values_list("state", flat=True))
    assert len(states) == 20
    assert states.count(AllocationState.ADMITTED) == 8
    assert states.count(AllocationState.PENDING) == 12


@pytest.mark.django_db
def test_quota_change_and_reopened_pool_admit_the_queue(setup):
    org, admin, pool, a, b = setup
    request(org, admin, pool, b, 4)
    services.pool_update(organization=org, actor=admin, pool=pool, status="hold")
    with pytest.raises(ValidationError):
        request(org, admin, pool, a, 1)
    services.pool_update(organization=org, actor=admin, pool=pool, status="open")
    services.quota_set(organization=org, actor=admin, pool=pool, pod=b, nominal=4, lending_limit=0)
    waiting = request(org, admin, pool, a, 5)
    assert waiting.state == AllocationState.PENDING
    services.quota_set(organization=org, actor=admin, pool=pool, pod=b, nominal=4)
    waiting.refresh_from_db()
    assert waiting.state == AllocationState.PENDING  # B uses its whole nominal: nothing to lend
    services.pool_update(organization=org, actor=admin, pool=pool, capacity=9)
    waiting.refresh_from_db()
    assert (waiting.state, waiting.borrowed) == (AllocationState.ADMITTED, 1)
