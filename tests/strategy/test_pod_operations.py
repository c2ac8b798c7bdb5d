"""Stability (churn, tenure, exposure) from a hand-built assignment history, and time to value
with and without a deployment that passed the gate."""

from __future__ import annotations

import datetime

import pytest

from governance.services.guardrails import deployment_submit
from governance.services.matrix import governance_seed_defaults
from pods.services import pod_create, pod_update
from strategy import selectors
from strategy.quarters import quarter_of
from tests.factories import AssignmentFactory, PersonFactory, PodFactory, member
from tests.governance.helpers import rtier

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 30)  # the last day of Q2 for a January year


def stay(org, pod, person, start, end=None):
    return AssignmentFactory(organization=org, pod=pod, person=person, start_date=start, end_date=end)


@pytest.fixture
def history(org):
    """A pod founded on 1 Jan by A, B, C; in Q2 (Apr–Jun, 91 days) D joins on 1 May, B leaves on
    31 May (last day), and A's second assignment follows the first back to back (one stay)."""
    org.quarter_start_month = 1
    pod = PodFactory(organization=org, name="Churn")
    a, b, c, d = (PersonFactory(organization=org) for _ in range(4))
    stay(org, pod, a, D(2026, 1, 1), D(2026, 3, 31))
    stay(org, pod, a, D(2026, 4, 1))
    stay(org, pod, b, D(2026, 1, 1), D(2026, 5, 31))
    stay(org, pod, c, D(2026, 1, 1))
    stay(org, pod, d, D(2026, 5, 1))
    return pod


def test_churn_tenure_and_exposure_of_a_quarter(org, history):
    q2 = quarter_of(D(2026, 5, 1), 1)
    [row] = selectors.pod_stability(organization=org, quarter=q2, today=TODAY)
    assert (row.joins, row.leaves) == (1, 1)  # A's back-to-back assignments are no leave and join
    # Person-days: A 91 + B 61 + C 91 + D 61 = 304 over 91 days.
    assert row.mean_size == round(304 / 91, 2)
    assert row.churn == round(2 / (304 / 91), 3)
    # On 30 June: A and C since 1 Jan (181 days), D since 1 May (61 days).
    assert row.median_tenure_days == 181 and row.size_at_end == 3
    assert (row.people_in_quarter, row.exposure, row.exposure_per_seat) == (4, 4, round(4 / 3, 2))


def test_founding_members_are_no_churn_and_the_org_sums_pods(org, history):
    q1 = quarter_of(D(2026, 1, 1), 1)
    [row] = selectors.pod_stability(organization=org, quarter=q1, today=TODAY)
    assert (row.joins, row.leaves, row.churn, row.exposure) == (0, 0, 0.0, 3)
    other = PodFactory(organization=org)
    stay(org, other, PersonFactory(organization=org), D(2026, 6, 1))
    q2, q1_org = selectors.org_stability(organization=org, quarters=2, today=TODAY)
    assert (q2.pods, q2.joins, q2.leaves, q2.exposure) == (2, 1, 1, 5)
    assert q2.median_tenure_days == (181 + 61) / 2  # A, C 181; D 61; the other pod's 30: over people, not pods
    assert (q1_org.pods, q1_org.churn) == (1, 0.0)
    history_rows = selectors.pod_stability_history(organization=org, pod_id=history.pk, quarters=3, today=TODAY)
    assert [r.quarter.key for r in history_rows] == ["2026-04", "2026-01"]  # empty Q4 2025 left out


def test_a_running_quarter_counts_up_to_today_and_a_leave_only_once_it_happened(org, history):
    [row] = selectors.pod_stability(organization=org, quarter=quarter_of(D(2026, 5, 1), 1),
                                    today=D(2026, 5, 31))
    assert row.leaves == 0  # B's last day is today: still in the pod
    assert row.mean_size == round((61 + 61 + 61 + 31) / 61, 2)


def test_other_orgs_assignments_do_not_count(org, other_org, history):
    stay(other_org, PodFactory(organization=other_org), PersonFactory(organization=other_org), D(2026, 5, 1))
    assert [r.pod_id for r in selectors.pod_stability(organization=org, today=TODAY)] == [history.pk]


def test_stability_queries_do_not_grow_with_pods(org, django_assert_max_num_queries):
    for _ in range(5):
        pod = PodFactory(organization=org)
        for _ in range(3):
            stay(org, pod, PersonFactory(organization=org), D(2026, 1, 1))
    with django_assert_max_num_queries(2):
        assert len(selectors.pod_stability(organization=org, today=TODAY)) == 5
    with django_assert_max_num_queries(2):
        selectors.org_stability(organization=org, quarters=8, today=TODAY)


def test_time_to_value_from_active_to_first_passed_gate(org, time_machine):
    governance_seed_defaults(organization=org)
    org.quarter_start_month = 1
    actor = member(org, "admin").user
    time_machine.move_to(datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC))
    shipped = pod_create(organization=org, actor=actor, name="Shipped")  # forming: not counted yet
    pod_create(organization=org, actor=actor, name="Waiting", status="active")
    pod_create(organization=org, actor=actor, name="Never")
    time_machine.move_to(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC))
    pod_update(organization=org, actor=actor, pod=shipped, status="active")
    time_machine.move_to(datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC))
    failed = deployment_submit(organization=org, actor=actor, pod=shipped, model_name="m", version="1",
                               risk_tier=rtier(org, "low"), results={"performance": 0.1, "security": 0.1})
    assert failed.gate == "fail"
    time_machine.move_to(datetime.datetime(2026, 2, 14, 12, tzinfo=datetime.UTC))
    passed = deployment_submit(organization=org, actor=actor, pod=shipped, model_name="m", version="2",
                               risk_tier=rtier(org, "low"), results={"performance": 0.9, "security": 0.9})
    assert passed.gate == "pass"
    rows = {r.pod_name: r for r in selectors.pod_time_to_value(organization=org, today=D(2026, 3, 1))}
    assert (rows["Shipped"].active_on, rows["Shipped"].first_value_on) == (D(2026, 1, 10), D(2026, 2, 14))
    assert (rows["Shipped"].days, rows["Shipped"].waiting_days) == (35, None)
    assert (rows["Waiting"].days, rows["Waiting"].waiting_days) == (None, 55)  # active since 5 Jan
    assert (rows["Never"].active_on, rows["Never"].days, rows["Never"].cohort) == (None, None, None)
    [cohort] = selectors.time_to_value_by_cohort(organization=org, today=D(2026, 3, 1))
    assert (cohort.quarter.key, cohort.pods, cohort.shipped, cohort.median_days) == ("2026-01", 2, 1, 35.0)
    assert (cohort.waiting, cohort.longest_wait_days) == (1, 55)


def test_time_to_value_queries_are_constant(org, django_assert_max_num_queries):
    for _ in range(6):
        PodFactory(organization=org)
    with django_assert_max_num_queries(3):
        assert len(selectors.pod_time_to_value(organization=org)) == 6


def test_operations_page_shows_pods_and_keeps_its_queries(client, org, history, django_assert_max_num_queries):
    from django.urls import reverse

    page_url = reverse("strategy:operations", kwargs={"org_slug": org.slug})
    client.force_login(member(org).user)
    r = client.get(page_url + "?quarter=2026-04")
    assert r.status_code == 200 and b"Churn" in r.content and b"Pod stability and time to value" in r.content
    assert r.context["page"].object_list[0].stability.joins == 1
    client.get(page_url)
    with django_assert_max_num_queries(30) as few:
        client.get(page_url)
    for _ in range(6):
        pod = PodFactory(organization=org)
        stay(org, pod, PersonFactory(organization=org), D(2026, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page_url)


def test_operations_page_empty_state(client, org):
    from django.urls import reverse

    client.force_login(member(org).user)
    r = client.get(reverse("strategy:operations", kwargs={"org_slug": org.slug}))
    assert r.status_code == 200 and b"No pods yet." in r.content and b"No pod has become active yet." in r.content


def test_operations_api(org, history, django_assert_max_num_queries):
    from tests.api.helpers import client_for, error_fields, url

    api = client_for(member(org))
    r = api.get(url(org, "strategy_api:pod-operations-list") + "?quarter=2026-05")
    assert r.status_code == 200, r.json()
    [row] = r.json()["results"]
    assert (row["pod"], row["quarter"], row["stability"]["joins"], row["stability"]["exposure"]) == (
        history.pk, "2026-04", 1, 4)
    assert row["time_to_value"]["first_value_on"] is None
    bad = api.get(url(org, "strategy_api:pod-operations-list") + "?quarter=Q2")
    assert bad.status_code == 400 and error_fields(bad) == {"quarter"}
    summary = api.get(url(org, "strategy_api:pod-operations-summary")).json()
    assert len(summary["stability"]) == 8 and summary["time_to_value"][0]["pods"] == 1
