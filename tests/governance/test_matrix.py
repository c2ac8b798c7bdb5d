from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from governance import defaults, selectors
from governance.models import DecisionRight, DecisionTier, MatrixVersion
from governance.services import matrix as services
from tenancy.models import AuditEvent
from tests.factories import OrganizationFactory, member
from tests.governance.helpers import dtype, rtier

pytestmark = pytest.mark.django_db


def tier(org, level):
    return DecisionTier.objects.for_org(org).get(level=level)


def route(org, type_key, risk, amount=None):
    return selectors.routing_for(organization=org, decision_type=dtype(org, type_key),
                                 risk_tier=rtier(org, risk), amount=amount)


def test_defaults_are_complete_published_and_idempotent(gorg):
    assert selectors.matrix_problems(organization=gorg) == []
    assert MatrixVersion.objects.for_org(gorg).count() == 1
    services.governance_seed_defaults(organization=gorg)
    assert MatrixVersion.objects.for_org(gorg).count() == 1
    assert DecisionRight.objects.for_org(gorg).count() == 4 * 6 + 3  # compute spend: 2 bands × 3 tiers


@pytest.mark.parametrize("risk", [r[0] for r in defaults.RISK_TIERS])
@pytest.mark.parametrize("type_key", [t[0] for t in defaults.DECISION_TYPES])
def test_routing_for_every_cell_and_band_edge(gorg, type_key, risk):
    expected = defaults.MATRIX[risk][type_key]
    if isinstance(expected, tuple):
        low, high = expected
        edge = defaults.SPEND_THRESHOLD
        for amount, level in [(Decimal(0), low), (edge - Decimal("0.01"), low), (edge, high),
                              (Decimal("999999999"), high)]:
            r = route(gorg, type_key, risk, amount)
            assert r.allowed and r.tier.level == level, (amount, r.message)
        assert not route(gorg, type_key, risk, None).allowed  # banded type needs an amount
    elif expected is None:
        r = route(gorg, type_key, risk, Decimal(5) if dtype(gorg, type_key).has_amount else None)
        assert not r.allowed and "Not allowed" in r.message
    else:
        r = route(gorg, type_key, risk)
        assert r.allowed and r.tier.level == expected and r.version.number == 1


def test_approvers_follow_role_or_named(gorg):
    leader = member(gorg, "leader")
    owner = member(gorg, "owner")
    r = route(gorg, "onboard_vendor", "high")
    assert [m.pk for m in r.approvers] == [leader.pk] and r.sla_hours == 72
    r4 = route(gorg, "personal_data_training", "high")
    assert [m.pk for m in r4.approvers] == [owner.pk]
    named = member(gorg, "member")
    tier(gorg, 3).approvers.add(named)
    assert [m.pk for m in route(gorg, "onboard_vendor", "high").approvers] == [named.pk]


def test_leader_tier_falls_back_to_admins(gorg):
    admin = member(gorg, "admin")
    assert [m.pk for m in route(gorg, "onboard_vendor", "high").approvers] == [admin.pk]


def test_overlapping_or_gapped_bands_are_refused(gorg):
    admin = member(gorg, "admin")
    spend, high = dtype(gorg, "compute_spend"), rtier(gorg, "high")
    t1, t3 = tier(gorg, 1), tier(gorg, 3)
    bad = [
        [(Decimal(0), Decimal(100), t1), (Decimal(50), None, t3)],      # overlap
        [(Decimal(0), Decimal(100), t1), (Decimal(200), None, t3)],     # gap
        [(Decimal(0), Decimal(100), t1)],                               # top open
        [(Decimal(0), None, t1), (Decimal(100), None, t3)],             # two open-ended
        [(Decimal(0), Decimal(100), t1), (Decimal(100), Decimal(100), t3)],  # empty band
        [],
    ]
    for bands in bad:
        with pytest.raises(ValidationError):
            services.matrix_cell_set(organization=gorg, actor=admin.user, decision_type=spend,
                                     risk_tier=high, bands=bands)
    with pytest.raises(ValidationError):  # a type without amounts takes one unbounded band
        services.matrix_cell_set(organization=gorg, actor=admin.user, decision_type=dtype(gorg, "select_model"),
                                 risk_tier=high, bands=[(Decimal(0), Decimal(5), t1), (Decimal(5), None, t3)])
    assert selectors.matrix_problems(organization=gorg) == []


def test_cell_change_is_audited_and_publish_versions(gorg):
    admin = member(gorg, "admin")
    spend, low = dtype(gorg, "compute_spend"), rtier(gorg, "low")
    services.matrix_cell_set(organization=gorg, actor=admin.user, decision_type=spend, risk_tier=low,
                             bands=[(Decimal(0), Decimal(500), tier(gorg, 1)),
                                    (Decimal(500), Decimal(50000), tier(gorg, 3)),
                                    (Decimal(50000), None, tier(gorg, 4))])
    history = list(selectors.cell_history(organization=gorg, decision_type=spend, risk_tier=low))
    assert len(history) == 1 and history[0].after["bands"][2]["tier"] == 4
    assert history[0].before["bands"][0]["to"] == "10000.00"
    # Not in force until published.
    assert route(gorg, "compute_spend", "low", Decimal(1000)).tier.level == 1
    v2 = services.matrix_publish(organization=gorg, actor=admin.user, note="tighter spend")
    assert v2.number == 2
    r = route(gorg, "compute_spend", "low", Decimal(1000))
    assert r.tier.level == 3 and r.version == v2
    assert route(gorg, "compute_spend", "low", Decimal(50000)).tier.level == 4
    assert AuditEvent.objects.for_org(gorg).filter(action="governance.matrix_published").count() == 2


def test_incomplete_matrix_cannot_be_published(gorg):
    admin = member(gorg, "admin")
    services.decision_type_create(organization=gorg, actor=admin.user, name="Open-source a model")
    problems = selectors.matrix_problems(organization=gorg)
    assert len(problems) == 4 and all("Open-source a model" in p for p in problems)
    with pytest.raises(ValidationError):
        services.matrix_publish(organization=gorg, actor=admin.user)
    services.risk_tier_create(organization=gorg, actor=admin.user, name="Minimal")
    assert len(selectors.matrix_problems(organization=gorg)) == 4 + 7
    # Routing keeps using the published version meanwhile.
    assert route(gorg, "select_model", "low").allowed


def test_review_overdue_after_90_days(gorg, time_machine):
    import datetime

    from django.utils import timezone

    admin = member(gorg, "admin")
    now = timezone.now()
    assert not selectors.review_overdue(organization=gorg, now=now)
    assert selectors.review_overdue(organization=gorg, now=now + datetime.timedelta(days=91))
    time_machine.move_to(now + datetime.timedelta(days=91))
    from governance.tasks import matrix_review_reminders
    assert matrix_review_reminders() >= 1
    services.matrix_review_record(organization=gorg, actor=admin.user, notes="ok")
    assert not selectors.review_overdue(organization=gorg)


def test_orgs_get_defaults_through_the_signal(db):
    from tenancy import services as tenancy_services
    from tests.factories import UserFactory

    org = tenancy_services.organization_create(name="Fresh", owner=UserFactory())
    assert MatrixVersion.objects.for_org(org).count() == 1


def test_backfill_covers_existing_orgs(db):
    org = OrganizationFactory()
    assert services.backfill_governance_defaults() >= 1
    assert selectors.matrix_problems(organization=org) == []
