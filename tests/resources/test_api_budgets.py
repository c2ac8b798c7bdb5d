"""Setting budgets through the API: admins only, upsert by pod/quarter/category, 400s naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from resources import services
from resources.models import Budget
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields, url
from tests.factories import OrganizationFactory, PodFactory, member, pod_lead

pytestmark = pytest.mark.django_db


def put_budget(m, org, **data):
    return client_for(m).post(url(org, "resources_api:budget-list"), data, format="json")


def test_admin_sets_then_changes_a_budget_and_each_write_is_audited(org):
    admin = member(org, "admin")
    pod = PodFactory(organization=org)
    r = put_budget(admin, org, pod=pod.pk, quarter="2026Q4", category="compute", amount="1500.50")
    assert r.status_code == 201, r.content
    first = r.json()
    assert (first["amount"], first["committed"], first["available"]) == ("1500.50", "0.00", "1500.50")
    r = put_budget(admin, org, pod=pod.pk, quarter="2026Q4", category="compute", amount=2000, allow_overrun=True)
    assert r.status_code == 200 and r.json()["id"] == first["id"] and r.json()["allow_overrun"] is True
    assert Budget.objects.for_org(org).count() == 1
    assert list(AuditEvent.objects.for_org(org).filter(action__startswith="budget.")
                .order_by("pk").values_list("action", flat=True)) == ["budget.created", "budget.updated"]


@pytest.mark.parametrize("change,field", [
    ({"amount": -1}, "amount"), ({"amount": "abc"}, "amount"), ({"amount": 10**13}, "amount"),
    ({"quarter": "2026Q5"}, "quarter"), ({"quarter": "Q4"}, "quarter"), ({"category": "snacks"}, "category"),
    ({"pod": 999999}, "pod"), ({"pod": "x"}, "pod"), ({"allow_overrun": "perhaps"}, "allow_overrun"),
])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(org, change, field):
    admin = member(org, "admin")
    pod = PodFactory(organization=org)
    r = put_budget(admin, org, **{"pod": pod.pk, "quarter": "2026Q4", "category": "compute", "amount": 10,
                                  **change})
    assert r.status_code == 400, r.content
    assert field in error_fields(r)
    assert not Budget.objects.for_org(org).exists()


def test_a_budget_cannot_go_below_what_is_committed(org):
    admin = member(org, "admin")
    pod = PodFactory(organization=org)
    services.budget_set(organization=org, actor=admin.user, pod=pod, quarter="2026Q4", category="services",
                        amount=100)
    services.budget_hold(organization=org, actor=admin.user, pod=pod, category="services", amount=60,
                         quarter="2026Q4")
    r = put_budget(admin, org, pod=pod.pk, quarter="2026Q4", category="services", amount=50)
    assert r.status_code == 400 and error_fields(r) == {"amount"}
    assert "60.00 credits are already committed" in r.json()["errors"][0]["message"]
    assert Budget.objects.for_org(org).get().amount == Decimal(100)


def test_only_admins_set_budgets_and_other_tenants_pods_are_unknown(org):
    lead, _person, pod = pod_lead(org)
    leader = member(org, "leader")
    data = {"pod": pod.pk, "quarter": "2026Q4", "category": "compute", "amount": 10}
    assert put_budget(lead, org, **data).status_code == 403
    assert put_budget(leader, org, **data).status_code == 403
    other = PodFactory(organization=OrganizationFactory())
    r = put_budget(member(org, "admin"), org, **{**data, "pod": other.pk})
    assert r.status_code == 400 and error_fields(r) == {"pod"}
    assert not Budget.objects.for_org(org).exists() and not Budget.objects.for_org(other.organization).exists()
