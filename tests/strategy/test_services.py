"""Strategy services: validation naming the field, audit, measurements (late, idempotent),
check-ins apart from progress, quarter rollover."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strategy import selectors, services
from strategy.models import Measurement, Outcome, Theme, ThemeStatus
from tenancy.models import AuditEvent
from tests.factories import PodFactory, member
from tests.strategy.factories import outcome, theme

pytestmark = pytest.mark.django_db


def _field(exc: ValidationError) -> str:
    return next(iter(exc.message_dict))


def test_theme_is_owned_by_a_leader_and_audited(org):
    with pytest.raises(ValidationError) as exc:
        theme(org, owner=member(org, "member"))
    assert _field(exc.value) == "owner"
    t = theme(org)
    assert AuditEvent.objects.for_org(org).filter(action="theme.created").count() == 1
    assert t.quarter_start == selectors.current_quarter(organization=org).start


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"baseline": 50.0, "target": 50.0}, "target"),  # target equal to baseline
    ({"direction": "sideways"}, "direction"),
    ({"direction": "increase", "baseline": 80.0, "target": 70.0}, "target"),
    ({"direction": "within_range", "target": 40.0}, "target_max"),
    ({"direction": "within_range", "target": 40.0, "target_max": 30.0}, "target_max"),
    ({"baseline": float("nan")}, "baseline"),
    ({"weight": 0}, "weight"),
    ({"cadence_days": 5}, "cadence_days"),
    ({"metric": "  "}, "metric"),
])
def test_bad_outcomes_are_refused_naming_the_field(org, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        outcome(org, **kwargs)
    assert _field(exc.value) == field
    assert not Outcome.objects.for_org(org).exists()


def test_an_outcome_for_another_orgs_pod_is_refused(org, other_org):
    with pytest.raises(ValidationError) as exc:
        outcome(org, pod=PodFactory(organization=other_org))
    assert _field(exc.value) == "pod"


def test_late_measurement_is_placed_in_time(org):
    o = outcome(org, baseline=0.0, target=100.0)
    now = timezone.now()
    services.measurement_record(organization=org, actor=None, outcome=o, value=40, measured_at=now)
    services.measurement_record(organization=org, actor=None, outcome=o, value=10,
                                measured_at=now - datetime.timedelta(days=10))
    o.refresh_from_db()
    assert o.current_value == 40  # the late (older) reading does not become "now"
    history = list(selectors.measurement_list(organization=org, outcome=o).values_list("value", flat=True))
    assert history == [40, 10]  # newest first, the late one in its place


def test_same_key_twice_stores_one(org):
    o = outcome(org)
    m1, created1 = services.measurement_record(organization=org, actor=None, outcome=o, value=75,
                                               idempotency_key="run-1")
    m2, created2 = services.measurement_record(organization=org, actor=None, outcome=o, value=75,
                                               idempotency_key="run-1")
    assert (created1, created2) == (True, False) and m1.pk == m2.pk
    assert Measurement.objects.for_org(org).count() == 1
    with pytest.raises(services.IdempotencyConflict):
        services.measurement_record(organization=org, actor=None, outcome=o, value=76, idempotency_key="run-1")
    # The same key on another outcome is another reading.
    other = outcome(org, the_theme=o.theme, pod=o.pod, metric="NPS")
    services.measurement_record(organization=org, actor=None, outcome=other, value=75, idempotency_key="run-1")
    assert Measurement.objects.for_org(org).count() == 2


def test_future_measurement_is_refused(org):
    o = outcome(org)
    with pytest.raises(ValidationError) as exc:
        services.measurement_record(organization=org, actor=None, outcome=o, value=1,
                                    measured_at=timezone.now() + datetime.timedelta(days=1))
    assert _field(exc.value) == "measured_at"


def test_check_ins_are_kept_apart_from_progress(org):
    o = outcome(org, baseline=0.0, target=100.0)
    services.measurement_record(organization=org, actor=None, outcome=o, value=50)
    services.check_in_record(organization=org, actor=None, outcome=o, confidence="low", note="Vendor late")
    o = selectors.outcome_get(organization=org, pk=o.pk)
    [o] = selectors.outcome_state_attach([o])
    assert o.confidence == "low" and o.state.progress == pytest.approx(0.5)
    with pytest.raises(ValidationError):
        services.check_in_record(organization=org, actor=None, outcome=o, confidence="sure")


def test_close_records_the_final_score(org):
    o = outcome(org, baseline=0.0, target=10.0)
    services.measurement_record(organization=org, actor=None, outcome=o, value=8)
    t = services.theme_close(organization=org, actor=None, theme=o.theme)
    assert t.status == ThemeStatus.CLOSED and t.final_score == pytest.approx(0.8)
    with pytest.raises(ValidationError):
        services.theme_close(organization=org, actor=None, theme=t)
    with pytest.raises(ValidationError) as exc:
        outcome(org, the_theme=t)
    assert _field(exc.value) == "theme"


def test_carry_over_moves_unfinished_outcomes_into_the_next_quarter(org):
    t = theme(org)
    done = outcome(org, t, baseline=0.0, target=10.0, metric="Done")
    open_ = outcome(org, t, pod=done.pod, baseline=0.0, target=10.0, metric="Open")
    services.measurement_record(organization=org, actor=None, outcome=done, value=10)
    services.measurement_record(organization=org, actor=None, outcome=open_, value=2)
    new = services.theme_carry_over(organization=org, actor=None, theme=t)
    t.refresh_from_db()
    assert t.status == ThemeStatus.CARRIED_OVER and new.carried_from_id == t.pk
    nxt = selectors.current_quarter(organization=org).next(org.quarter_start_month)
    assert new.quarter_start == nxt.start
    assert set(Outcome.objects.for_org(org).filter(theme=new).values_list("metric", flat=True)) == {"Open"}
    assert Outcome.objects.for_org(org).get(pk=open_.pk).due_date == nxt.end
    assert Measurement.objects.for_org(org).filter(outcome=open_).count() == 1  # history kept
    assert Theme.objects.for_org(org).count() == 2
