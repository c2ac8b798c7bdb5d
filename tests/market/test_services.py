"""The marketplace's state machine and its money: holds on accept, post and provider credit on
delivery, voids on decline and cancel, the monthly capacity as a cap, SLA breaches flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from resources.budget_selectors import budget_figures, budget_for, quarter_of
from resources.market import services
from resources.market.models import RequestState
from resources.models import LedgerEntry, LedgerKind
from tenancy.models import AuditEvent
from tests.market.helpers import later, market_setup

pytestmark = pytest.mark.django_db


def _figures(m, pod):
    budget = budget_for(m.org, pod.pk, "services", quarter_of(timezone.localdate()))
    return budget_figures(budget) if budget else None


def test_the_happy_path_holds_posts_and_credits_the_provider(org):
    m = market_setup(org, price="50")
    r = m.ask(3)
    assert r.state == RequestState.REQUESTED and r.cost == Decimal("150.00") and r.hold is None
    r = m.move(r, "accept")
    assert r.state == RequestState.ACCEPTED and r.hold.kind == LedgerKind.HOLD and r.hold.amount == 150
    assert r.hold.budget_id == m.budget.pk and r.hold.reference == f"service:{r.pk}"
    assert _figures(m, m.requester)["committed"] == 150 and _figures(m, m.requester)["available"] == 850
    r = m.move(r, "deliver")
    req = _figures(m, m.requester)
    assert (req["committed"], req["spent"], req["available"]) == (0, 150, 850)
    # The provider is credited: an `earn` entry on its services budget (made at 0: it had none),
    # naming the requester's hold it came from. It is income; it does not settle that hold.
    earn = LedgerEntry.objects.for_org(org).get(kind=LedgerKind.EARN)
    assert earn.amount == 150 and earn.hold_id == r.hold_id and earn.budget.pod_id == m.provider.pk
    prov = _figures(m, m.provider)
    assert (prov["budget"], prov["earned"], prov["committed"], prov["spent"]) == (0, 150, 0, 0)
    r = m.move(r, "close")
    assert r.state == RequestState.CLOSED and r.ended_at is not None
    actions = list(AuditEvent.objects.for_org(org).filter(action__startswith="service_request.")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["service_request.created", "service_request.accepted", "service_request.delivered",
                       "service_request.closed"]
    assert AuditEvent.objects.for_org(org).filter(action="ledger.earn").count() == 1


def test_decline_and_cancel_void_the_hold(org):
    m = market_setup(org, price="100")
    declined = m.move(m.move(m.ask(2), "accept"), "decline", reason="No one free this month")
    cancelled = m.move(m.move(m.ask(1), "accept"), "cancel", reason="Not needed any more")
    unanswered = m.move(m.ask(1), "cancel")
    assert declined.state == RequestState.DECLINED and declined.reason == "No one free this month"
    assert cancelled.state == RequestState.CANCELLED and unanswered.hold is None
    f = _figures(m, m.requester)
    assert (f["committed"], f["spent"], f["available"]) == (0, 0, 1000)
    voids = LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.VOID)
    assert sorted(v.amount for v in voids) == [100, 200]
    assert not LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.EARN).exists()


def test_accepting_past_the_requesters_budget_is_refused_with_the_figures(org):
    m = market_setup(org, price="400", budget="1000")
    m.move(m.ask(2), "accept")  # 800 held
    r = m.ask(1)
    with pytest.raises(ValidationError) as exc:
        m.move(r, "accept")
    message = " ".join(exc.value.messages)
    assert "400.00 credits asked" in message and "200.00 of 1000.00 left" in message and "800.00 committed" in message
    r.refresh_from_db()
    assert r.state == RequestState.REQUESTED and r.hold is None  # nothing written
    # With overrun allowed by an admin, the same accept passes.
    from resources import services as budgets

    budgets.budget_set(organization=org, actor=m.admin.user, pod=m.requester, quarter=m.budget.quarter,
                       category="services", amount=1000, allow_overrun=True)
    assert m.move(r, "accept").state == RequestState.ACCEPTED
    assert _figures(m, m.requester)["available"] == -200


def test_a_requester_without_a_services_budget_cannot_be_accepted(org):
    m = market_setup(org)
    m.budget.delete()
    with pytest.raises(ValidationError) as exc:
        m.move(m.ask(1), "accept")
    assert "no services budget" in " ".join(exc.value.messages)


@pytest.mark.parametrize(("path", "action"), [
    ([], "deliver"), ([], "close"), (["accept"], "accept"), (["accept"], "close"),
    (["accept", "deliver"], "cancel"), (["accept", "deliver"], "decline"), (["decline"], "accept"),
    (["cancel"], "cancel"), (["accept", "deliver", "close"], "close"),
])
def test_illegal_transitions_are_conflicts_and_write_nothing(org, path, action):
    m = market_setup(org)
    r = m.ask(1)
    for step in path:
        r = m.move(r, step)
    events = AuditEvent.objects.for_org(org).count()
    entries = LedgerEntry.objects.for_org(org).count()
    with pytest.raises(services.IllegalTransition) as exc:
        m.move(r, action)
    assert "cannot be" in exc.value.messages[0]
    assert AuditEvent.objects.for_org(org).count() == events
    assert LedgerEntry.objects.for_org(org).count() == entries


def test_monthly_capacity_is_a_cap(org):
    m = market_setup(org, price="1", capacity=5)
    m.move(m.ask(3), "accept")
    with pytest.raises(services.CapacityFull) as exc:
        m.move(m.ask(3), "accept")
    assert "3 of 5 batch accepted, 3 more asked" in exc.value.messages[0]
    m.move(m.ask(2), "accept")  # exactly fills it
    # Another month has its own capacity; declined and cancelled units free theirs.
    next_month = (timezone.localdate().replace(day=28) + dt.timedelta(days=10))
    m.move(m.ask(5, needed_by=next_month), "accept")
    with pytest.raises(ValidationError):
        m.ask(6)  # more than a month's capacity can never fit


def test_requests_are_checked_before_anything_is_written(org):
    m = market_setup(org)
    cases = [
        ({"quantity": 0}, "quantity"), ({"needed_by": timezone.localdate() - dt.timedelta(days=1)}, "needed_by"),
        ({"pod": m.provider}, "pod"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.request_create(organization=org, actor=m.requester_lead.user, offering=m.offering,
                                    **{"pod": m.requester, "quantity": 1, "needed_by": later(), **kwargs})
        assert field in exc.value.message_dict
    services.offering_update(organization=org, actor=m.provider_lead.user, offering=m.offering, active=False)
    with pytest.raises(ValidationError) as exc:
        m.ask(1)
    assert "offering" in exc.value.message_dict
    assert not m.offering.requests.exists()


def test_offering_validation_and_its_price_change_does_not_reprice_requests(org):
    m = market_setup(org, price="50")
    r = m.ask(2)
    with pytest.raises(ValidationError) as exc:
        services.offering_create(organization=org, actor=m.provider_lead.user, provider=m.provider,
                                 name="data LABELLING", price=1, response_sla_hours=1, monthly_capacity=1)
    assert "name" in exc.value.message_dict
    for field, value in (("price", -1), ("monthly_capacity", 0), ("response_sla_hours", 0)):
        with pytest.raises(ValidationError) as exc:
            services.offering_update(organization=org, actor=m.provider_lead.user, offering=m.offering,
                                     **{field: value})
        assert field in exc.value.message_dict
    services.offering_update(organization=org, actor=m.provider_lead.user, offering=m.offering, price="80")
    assert m.move(r, "accept").hold.amount == 100
    assert AuditEvent.objects.for_org(org).filter(action="service_offering.updated").count() == 1


def test_the_periodic_task_flags_unanswered_requests_past_their_sla(org, django_capture_on_commit_callbacks):
    m = market_setup(org, sla_hours=4)
    late, answered, fresh = m.ask(1), m.ask(1), m.ask(1)
    m.move(answered, "accept")
    from resources.market.models import ServiceRequest

    ServiceRequest.objects.for_org(org).filter(pk__in=[late.pk, answered.pk]).update(
        sla_due_at=timezone.now() - dt.timedelta(hours=1))
    from resources.tasks import market_sla_all

    with django_capture_on_commit_callbacks(execute=True):
        market_sla_all()  # eager in tests: fans out to this organization on commit
    flagged = set(ServiceRequest.objects.for_org(org).filter(sla_breached_at__isnull=False)
                  .values_list("pk", flat=True))
    assert flagged == {late.pk}
    assert services.sla_flag(organization=org) == 0  # safe to run twice
    assert AuditEvent.objects.for_org(org).filter(action="service_request.sla_breached").count() == 1
    # Answered late: flagged at the answer too.
    ServiceRequest.objects.for_org(org).filter(pk=fresh.pk).update(sla_due_at=timezone.now() - dt.timedelta(hours=1))
    assert m.move(fresh, "decline").sla_breached
