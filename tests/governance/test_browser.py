"""In a real browser: an admin edits a matrix cell inline (htmx), and a pod lead files an
escalation while the live preview says who decides."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from governance.models import DecisionRight, Escalation
from governance.services.matrix import governance_seed_defaults
from tests.browser.plugin import expect, sign_in
from tests.factories import OrganizationFactory, member, pod_lead
from tests.governance.helpers import dtype, rtier

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db: None) -> dict[str, Any]:
    org = OrganizationFactory(name="Acme AI", slug=f"acme-gov-{uuid.uuid4().hex[:8]}")
    governance_seed_defaults(organization=org)
    lead, _person, pod = pod_lead(org)
    leader = member(org, "leader")
    admin = member(org, "admin")
    return {"org": org, "lead": lead.user, "pod": pod, "leader": leader.user, "admin": admin.user}


def test_admin_edits_a_matrix_cell_inline(page: Any, tenant: dict[str, Any], screenshot: Any,
                                          js_errors: list[str]) -> None:
    org = tenant["org"]
    spend, low = dtype(org, "compute_spend"), rtier(org, "low")
    sign_in(page, tenant["admin"].email)
    page.goto(f"/o/{org.slug}/governance/")
    expect(page.get_by_role("heading", name="Decision-rights matrix")).to_be_visible()
    screenshot("matrix")
    publish = page.locator("#publish-card")
    expect(publish).to_contain_text("No changes since v1")
    expect(publish.get_by_role("button", name="Publish as v2")).to_be_disabled()
    cell = page.locator(f"#cell-{spend.pk}-{low.pk}")
    cell.get_by_role("button", name="Edit").click()
    form = cell.locator("form")
    expect(form.locator("select[name=tier_1]")).to_be_visible()
    # An invalid split first: a threshold with no tier after it.
    form.locator("select[name=tier_2]").select_option(value="")
    form.locator("input[name=threshold_1]").fill("5000")
    form.get_by_role("button", name="Save").click()
    expect(cell.locator(".error")).to_contain_text("Choose who decides from this amount")
    screenshot("cell-error")
    form = cell.locator("form")
    form.locator("select[name=tier_1]").select_option(value="1")
    form.locator("input[name=threshold_1]").fill("5000")
    form.locator("select[name=tier_2]").select_option(value="3")
    form.locator("input[name=threshold_2]").fill("100000")
    form.locator("select[name=tier_3]").select_option(value="4")
    form.get_by_role("button", name="Save").click()
    expect(cell.locator(".tier-4")).to_be_visible()
    expect(cell.locator("form")).to_have_count(0)
    # The Publish card follows the edit without a reload (issue 15, rough edge 1).
    expect(publish).not_to_contain_text("No changes since")
    expect(publish.get_by_role("button", name="Publish as v2")).to_be_enabled()
    screenshot("cell-saved")
    levels = list(DecisionRight.objects.for_org(org).filter(decision_type=spend, risk_tier=low)
                  .order_by("amount_min").values_list("tier__level", flat=True))
    assert levels == [1, 3, 4]
    cell.get_by_role("link", name="History").click()
    expect(page.get_by_text("T4")).to_be_visible()
    errors = [e for e in js_errors if "status of 400" not in e]  # form errors answer 400 on purpose
    assert not errors, errors


def test_lead_files_an_escalation_with_live_preview(page: Any, tenant: dict[str, Any], screenshot: Any,
                                                    js_errors: list[str]) -> None:
    org, pod = tenant["org"], tenant["pod"]
    sign_in(page, tenant["lead"].email)
    page.goto(f"/o/{org.slug}/pods/{pod.pk}/")
    panel = page.locator("#governance-panel")
    expect(panel).to_contain_text("No open escalations")
    panel.get_by_role("link", name="File escalation").click()
    expect(page.get_by_role("heading", name="File an escalation")).to_be_visible()
    preview = page.locator("#routing-preview")
    expect(preview).to_contain_text("Choose a decision type")
    page.select_option("#id_decision_type", label="Spend on compute")
    page.select_option("#id_risk_tier", label="Medium")
    page.fill("#id_amount", "25000")
    expect(preview).to_contain_text("Approval by a leader")
    expect(preview).to_contain_text("72 hours")
    expect(preview).to_contain_text(str(tenant["leader"]))
    screenshot("preview-leader")
    page.fill("#id_amount", "20")
    expect(preview).to_contain_text("Your pod decides")
    page.fill("#id_amount", "25000")
    expect(preview).to_contain_text("Approval by a leader")
    page.fill("#id_title", "GPU burst for retraining")
    page.fill("#id_context", "Quarterly retrain of the churn model.")
    page.get_by_role("button", name="File escalation").click()
    expect(page.get_by_role("heading", name="GPU burst for retraining")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Open")
    screenshot("filed")
    esc = Escalation.objects.for_org(org).get(title="GPU burst for retraining")
    assert esc.current_tier.level == 3 and esc.amount == 25000
    page.goto(f"/o/{org.slug}/pods/{pod.pk}/")
    expect(page.locator("#governance-panel")).to_contain_text("GPU burst for retraining")
    errors = [e for e in js_errors if "status of 400" not in e]  # form errors answer 400 on purpose
    assert not errors, errors


def test_leader_reads_the_cycle_time_dashboard(page: Any, tenant: dict[str, Any], screenshot: Any,
                                               js_errors: list[str]) -> None:
    import datetime

    from django.utils import timezone

    from governance.services.escalations import cycle_time_recompute, escalation_decide
    from tests.governance.helpers import file

    org = tenant["org"]
    lead = (tenant["lead"].memberships.get(), None, tenant["pod"])
    leader = tenant["leader"]
    # One decision in each of the 12 calendar months before this one (on the 10th, decided
    # within 4 days): "30 days apart" put two in one month on some dates and none in another.
    anchor = timezone.now().replace(day=10, hour=9, minute=0, second=0, microsecond=0)
    for i in range(12):
        esc = file(org, lead, title=f"History {i}")
        escalation_decide(organization=org, actor=leader, escalation=esc, outcome="approved")
        years, month = divmod(anchor.month - 2 - i, 12)
        filed = anchor.replace(year=anchor.year + years, month=month + 1)
        Escalation.objects.for_org(org).filter(pk=esc.pk).update(
            filed_at=filed, decided_at=filed + datetime.timedelta(hours=10 + 6 * i))
    cycle_time_recompute(organization=org)
    sign_in(page, leader.email)
    page.goto(f"/o/{org.slug}/governance/cycle-time/")
    expect(page.get_by_role("heading", name="Approval cycle time")).to_be_visible()
    expect(page.locator("svg.chart rect.bar")).to_have_count(12)
    screenshot("dashboard")
    assert not js_errors, js_errors
