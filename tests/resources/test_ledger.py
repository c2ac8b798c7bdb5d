"""Budgets and the two-phase ledger: holds on admission, postings, voids; balances derived; the
invariant; append-only at the database; the API bench and the marketplace will call."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from resources import services
from resources.budget_selectors import budget_figures
from resources.models import AllocationState, LedgerEntry
from tenancy.models import AuditEvent
from tests.factories import OrganizationFactory, PodFactory, member
from tests.resources.helpers import compute_setup, soon


@pytest.mark.django_db
def test_hold_post_void_and_derived_balances(org):
    admin = member(org, "admin").user
    pod = PodFactory(organization=org)
    budget = services.budget_set(organization=org, actor=admin, pod=pod, quarter="2026Q4", category="services",
                                 amount=1000)
    hold = services.budget_hold(organization=org, actor=admin, pod=pod, category="services", amount=600,
                                quarter="2026Q4", reference="bench:staffing:7")
    services.budget_post(organization=org, actor=admin, hold=hold, amount=Decimal("250.50"))
    assert budget_figures(budget) == {"budget": Decimal("1000.00"), "spent": Decimal("250.50"),
                                      "committed": Decimal("349.50"), "used": Decimal("600.00"),
                                      "available": Decimal("400.00"), "earned": Decimal("0")}
    with pytest.raises(ValidationError) as err:
        services.budget_post(organization=org, actor=admin, hold=hold, amount=400)
    assert "Only 349.50 credits remain" in str(err.value)
    void = services.budget_void(organization=org, actor=admin, hold=hold)
    assert void.amount == Decimal("349.50")
    assert services.budget_void(organization=org, actor=admin, hold=hold) is None  # safe twice
    assert budget_figures(budget)["available"] == Decimal("749.50")
    actions = list(AuditEvent.objects.for_org(org).filter(action__startswith="ledger.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["ledger.hold", "ledger.post", "ledger.void"]


@pytest.mark.django_db
def test_the_budget_invariant_refuses_with_figures_unless_overrun_is_allowed(org):
    admin = member(org, "admin").user
    pod = PodFactory(organization=org)
    services.budget_set(organization=org, actor=admin, pod=pod, quarter="2026Q4", category="apis", amount=100)
    services.budget_hold(organization=org, actor=admin, pod=pod, category="apis", amount=80, quarter="2026Q4")
    with pytest.raises(ValidationError) as err:
        services.budget_hold(organization=org, actor=admin, pod=pod, category="apis", amount=30, quarter="2026Q4")
    assert "30.00 credits asked, 20.00 of 100.00 left (80.00 committed, 0 spent)" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.budget_set(organization=org, actor=admin, pod=pod, quarter="2026Q4", category="apis", amount=50)
    assert "amount" in err.value.message_dict
    services.budget_set(organization=org, actor=admin, pod=pod, quarter="2026Q4", category="apis", amount=100,
                        allow_overrun=True)
    services.budget_hold(organization=org, actor=admin, pod=pod, category="apis", amount=30, quarter="2026Q4")
    with pytest.raises(ValidationError) as err:
        services.budget_hold(organization=org, actor=admin, pod=pod, category="tooling", amount=1,
                             quarter="2026Q4")
    assert "no tooling budget" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.budget_set(organization=org, actor=admin, pod=pod, quarter="26Q4", category="apis", amount=1)
    assert "quarter" in err.value.message_dict


@pytest.mark.django_db
def test_ledger_is_append_only_at_the_database(org):
    admin = member(org, "admin").user
    pod = PodFactory(organization=org)
    services.budget_set(organization=org, actor=admin, pod=pod, quarter="2026Q4", category="apis", amount=100)
    hold = services.budget_hold(organization=org, actor=admin, pod=pod, category="apis", amount=5,
                                quarter="2026Q4")
    for statement in ("UPDATE resources_ledgerentry SET amount = 1 WHERE id = %s",
                      "DELETE FROM resources_ledgerentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement, [hold.pk])
    assert LedgerEntry.objects.for_org(org).get(pk=hold.pk).amount == Decimal("5.00")


@pytest.mark.django_db
def test_admission_holds_release_posts_what_was_used_and_the_budget_gates_the_queue(org):
    c = compute_setup(org, unit_cost=Decimal("2"))
    quarter = services.quarter_of(soon())
    budget = services.budget_set(organization=org, actor=c.admin.user, pod=c.pod_a, quarter=quarter,
                                 category="compute", amount=40)
    first = c.ask(amount=2, start=0, end=4)  # 2 × 4 h × 2 = 16
    assert budget_figures(budget)["committed"] == Decimal("16.00")
    second = c.ask(amount=2, start=0, end=8)  # 32 more: over the budget, so it waits with the figures
    assert second.state == AllocationState.PENDING and "Waiting for budget" in second.reason
    assert "32.00 credits asked, 24.00 of 40.00 left" in second.reason
    services.allocation_cancel(organization=org, actor=c.lead_a.user, allocation=second)
    services.allocation_release(organization=org, actor=c.lead_a.user, allocation=first)
    figures = budget_figures(budget)
    assert figures["committed"] == 0 and figures["spent"] == 0  # released before it began: nothing used


@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_never_exceed_the_budget():
    org = OrganizationFactory()
    admin = member(org, "admin").user
    pod = PodFactory(organization=org)
    services.budget_set(organization=org, actor=admin, pod=pod, quarter="2026Q4", category="services", amount=50)
    barrier, errors = threading.Barrier(10), []

    def hold() -> None:
        try:
            barrier.wait(timeout=30)
            services.budget_hold(organization=org, actor=admin, pod=pod, category="services", amount=10,
                                 quarter="2026Q4")
        except ValidationError:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert LedgerEntry.objects.for_org(org).count() == 5


@pytest.mark.django_db
def test_a_user_with_ledger_entries_can_be_deleted_and_the_entries_keep_who_wrote_them(org):
    admin = member(org, "admin").user
    pod = PodFactory(organization=org)
    services.budget_set(organization=org, actor=admin, pod=pod, quarter="2026Q4", category="services", amount=100)
    hold = services.budget_hold(organization=org, actor=admin, pod=pod, category="services", amount=10,
                                quarter="2026Q4", reference="test:1")
    admin_id = admin.pk
    admin.delete()  # an UPDATE of the entry (SET_NULL) would be refused by the append-only trigger
    assert LedgerEntry.objects.for_org(org).get(pk=hold.pk).actor_id == admin_id
