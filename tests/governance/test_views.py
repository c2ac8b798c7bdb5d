from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import DecisionRight, Escalation, EscalationStatus
from governance.services.escalations import cycle_time_recompute, escalation_decide
from tests.factories import member, pod_lead
from tests.governance.helpers import dtype, file, rtier

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def u(org, name, **kw):
    return reverse(f"governance:{name}", kwargs={"org_slug": org.slug, **kw})


def login(client, m):
    client.force_login(m.user)
    return client


def test_matrix_page_read_only_for_leaders_editable_for_admins(client, gorg, leader, admin):
    body = login(client, leader).get(u(gorg, "home")).content.decode()
    assert "Decision-rights matrix" in body and "Select a model" in body and "?edit=1" not in body
    assert "Publish as" not in body
    body = login(client, admin).get(u(gorg, "matrix")).content.decode()
    assert "?edit=1" in body and "Publish as v2" in body


def test_inline_cell_edit_validates_and_audits(client, gorg, admin, leader):
    spend, low = dtype(gorg, "compute_spend"), rtier(gorg, "low")
    cell = u(gorg, "matrix_cell", type_pk=spend.pk, tier_pk=low.pk)
    assert login(client, leader).get(cell + "?edit=1", **HX).status_code == 403
    assert client.post(cell, {"tier_1": "1"}, **HX).status_code == 403
    login(client, admin)
    r = client.get(cell + "?edit=1", **HX)
    assert r.status_code == 200 and 'name="threshold_1"' in r.content.decode()
    r = client.post(cell, {"tier_1": "1", "threshold_1": "5000", "tier_2": "", "tier_3": ""}, **HX)
    assert r.status_code == 400 and "Choose who decides from this amount" in r.content.decode()
    r = client.post(cell, {"tier_1": "1", "threshold_1": "5000", "tier_2": "3", "threshold_2": "100000",
                           "tier_3": "4"}, **HX)
    assert r.status_code == 200 and r["HX-Trigger"] == "matrixChanged"
    assert "T4" in r.content.decode()
    bands = list(DecisionRight.objects.for_org(gorg).filter(decision_type=spend, risk_tier=low)
                 .order_by("amount_min").values_list("amount_max", "tier__level"))
    assert bands == [(Decimal(5000), 1), (Decimal(100000), 3), (None, 4)]
    history = client.get(u(gorg, "cell_history", type_pk=spend.pk, tier_pk=low.pk)).content.decode()
    assert "T4" in history and admin.user.email in history
    assert "Unpublished changes" in client.get(u(gorg, "matrix")).content.decode()
    r = client.post(u(gorg, "matrix_publish"), {"note": "spend"})
    assert r.status_code == 302


def test_adding_a_row_blocks_publishing_until_filled(client, gorg, admin):
    login(client, admin)
    r = client.post(u(gorg, "decision_type_create"), {"type-name": "Open-source a model"})
    assert r.status_code == 302
    body = client.get(u(gorg, "matrix")).content.decode()
    assert "Open-source a model" in body and "cannot be published" in body
    assert client.post(u(gorg, "matrix_publish")).status_code == 400
    r = client.post(u(gorg, "decision_type_create"), {"type-name": ""})
    assert r.status_code == 400


def test_review_banner(client, gorg, admin, time_machine):
    import datetime

    from django.utils import timezone

    time_machine.move_to(timezone.now() + datetime.timedelta(days=100))
    login(client, admin)
    assert "review of this matrix is overdue" in client.get(u(gorg, "matrix")).content.decode()
    client.post(u(gorg, "matrix_review"), {"notes": "Q3 review"})
    assert "overdue" not in client.get(u(gorg, "matrix")).content.decode()


def test_live_preview(client, gorg, lead, leader):
    login(client, lead[0])
    spend, med = dtype(gorg, "compute_spend"), rtier(gorg, "medium")
    r = client.post(u(gorg, "escalation_preview"), {"decision_type": spend.pk, "risk_tier": med.pk,
                                                      "amount": "20000"}, **HX)
    body = r.content.decode()
    assert "Approval by a leader" in body and "72 hours" in body and str(leader.user) in body
    r = client.post(u(gorg, "escalation_preview"), {"decision_type": spend.pk, "risk_tier": med.pk,
                                                      "amount": "20"}, **HX)
    assert "Your pod decides" in r.content.decode()
    r = client.post(u(gorg, "escalation_preview"), {"decision_type": spend.pk,
                                                      "risk_tier": rtier(gorg, "unacceptable").pk, "amount": "1"})
    assert "Not allowed" in r.content.decode()


def test_lead_files_on_the_page_and_approver_decides(client, gorg, lead, leader):
    m, _p, pod = lead
    login(client, m)
    assert client.get(u(gorg, "escalation_create") + f"?pod={pod.pk}").status_code == 200
    data = {"pod": pod.pk, "decision_type": dtype(gorg, "onboard_vendor").pk,
            "risk_tier": rtier(gorg, "high").pk, "title": "Onboard LabelCo", "context": "Need labels"}
    r = client.post(u(gorg, "escalation_create"), {**data, "title": ""})
    assert r.status_code == 400 and "This field is required" in r.content.decode()
    r = client.post(u(gorg, "escalation_create"), data)
    esc = Escalation.objects.for_org(gorg).get(title="Onboard LabelCo")
    assert r.status_code == 302 and r["Location"] == u(gorg, "escalation_detail", pk=esc.pk)
    body = client.get(r["Location"]).content.decode()
    assert "Record decision" not in body
    login(client, leader)
    assert "Onboard LabelCo" in client.get(u(gorg, "inbox")).content.decode()
    r = client.post(u(gorg, "escalation_action", pk=esc.pk), {"action": "decide", "outcome": "needs_info"})
    assert r.status_code == 400  # needs a note
    r = client.post(u(gorg, "escalation_action", pk=esc.pk), {"action": "decide", "outcome": "approved",
                                                               "note": "Fine"})
    assert r.status_code == 302
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.DECIDED and esc.decided_by == leader.user


def test_members_cannot_file_or_see_others(client, gorg, lead):
    plain = member(gorg, "member")
    login(client, plain)
    assert client.get(u(gorg, "escalation_create")).status_code == 403
    esc = file(gorg, lead)
    assert client.get(u(gorg, "escalation_detail", pk=esc.pk)).status_code == 404  # hidden answers as missing
    assert client.get(u(gorg, "dashboard")).status_code == 403
    assert esc.title not in client.get(u(gorg, "escalation_list")).content.decode()
    # A lead cannot file for someone else's pod by posting its id.
    _o, _p, other_pod = pod_lead(gorg)
    login(client, lead[0])
    r = client.post(u(gorg, "escalation_create"), {"pod": other_pod.pk, "decision_type": dtype(gorg, "onboard_vendor").pk,
                                                    "risk_tier": rtier(gorg, "high").pk, "title": "x"})
    assert r.status_code == 400 and not Escalation.objects.for_org(gorg).filter(title="x").exists()


def test_pod_panel(client, gorg, lead, leader, django_assert_max_num_queries):
    m, _p, pod = lead
    login(client, m)
    r = client.get(u(gorg, "pod_panel", pk=pod.pk), **HX)
    assert "No open escalations" in r.content.decode() and "File escalation" in r.content.decode()
    for i in range(3):
        file(gorg, lead, title=f"panel {i}")
    with django_assert_max_num_queries(12):
        body = client.get(u(gorg, "pod_panel", pk=pod.pk), **HX).content.decode()
    assert "panel 2" in body
    for i in range(12):
        file(gorg, lead, title=f"more {i}")
    with django_assert_max_num_queries(12):
        client.get(u(gorg, "pod_panel", pk=pod.pk), **HX)
    login(client, leader)
    assert "File escalation" not in client.get(u(gorg, "pod_panel", pk=pod.pk)).content.decode()


def _sized(gorg, lead, leader, n):
    for i in range(n):
        esc = file(gorg, lead, title=f"sized {i}")
        if i % 2:
            escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="approved")
    cycle_time_recompute(organization=gorg)


@pytest.mark.parametrize("page", ["matrix", "inbox", "dashboard", "escalation_list", "guardrails", "exceptions"])
def test_pages_keep_constant_queries(client, gorg, lead, leader, django_assert_max_num_queries, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, leader)
    counts = []
    for n in (3, 30):
        _sized(gorg, lead, leader, n)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(u(gorg, page))
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(16):
        client.get(u(gorg, page))


def test_dashboard_shows_chart_and_breaches(client, gorg, lead, leader):
    _sized(gorg, lead, leader, 6)
    login(client, leader)
    body = client.get(u(gorg, "dashboard")).content.decode()
    assert "<svg" in body and "SLA breaches" in body and "By approver" in body


def test_exceptions_resolved_by_admin(client, gorg, lead, admin, leader):
    from governance.services.guardrails import deployment_metrics_push, deployment_submit

    m, _p, pod = lead
    review = deployment_submit(organization=gorg, actor=m.user, pod=pod, model_name="m", version="1",
                               risk_tier=rtier(gorg, "low"), results={"performance": 0.9, "security": 0.9})
    exc = deployment_metrics_push(organization=gorg, actor=m.user, review=review, metrics={"security": 0.1})[0]
    login(client, leader)
    body = client.get(u(gorg, "exceptions")).content.decode()
    assert "Security" in body and "Resolve</button>" not in body
    assert client.post(u(gorg, "exception_resolve", pk=exc.pk), {"note": "x"}).status_code == 403
    login(client, admin)
    client.post(u(gorg, "exception_resolve", pk=exc.pk), {"note": "Rolled back"})
    exc.refresh_from_db()
    assert exc.resolved_at is not None and exc.resolution_note == "Rolled back"


def test_policy_edit_admin_only(client, gorg, admin, leader):
    tier = rtier(gorg, "low")
    data = {"risk_tier": tier.pk, "check_kind": "privacy", "required": "on", "direction": "min", "threshold": "0.5"}
    assert login(client, leader).post(u(gorg, "guardrails"), data).status_code == 403
    assert login(client, admin).post(u(gorg, "guardrails"), data).status_code == 302
    assert "Privacy: at least 0.5" in client.get(u(gorg, "guardrails")).content.decode()


def test_decision_tier_named_approvers(client, gorg, admin, leader, lead):
    from governance.models import DecisionTier

    tier = DecisionTier.objects.for_org(gorg).get(level=3)
    named = member(gorg, "member")
    path = u(gorg, "decision_tier_edit", pk=tier.pk)
    assert login(client, leader).get(path).status_code == 403
    login(client, admin)
    assert client.get(path).status_code == 200
    r = client.post(path, {"name": "Approval by the AI lead", "approver_role": "leader", "sla_hours": "24",
                           "approvers": [named.pk]})
    assert r.status_code == 302
    esc = file(gorg, lead)
    assert list(esc.approvers.all()) == [named]
    assert (esc.due_at - esc.filed_at).total_seconds() == 24 * 3600
    r = client.post(path, {"name": "x", "approver_role": "pod", "sla_hours": "24", "approvers": [named.pk]})
    assert r.status_code == 400


def test_rename_row_and_column(client, gorg, admin, leader):
    dt, rt = dtype(gorg, "onboard_vendor"), rtier(gorg, "high")
    assert login(client, leader).get(u(gorg, "decision_type_edit", pk=dt.pk)).status_code == 403
    login(client, admin)
    assert client.post(u(gorg, "decision_type_edit", pk=dt.pk), {"name": "Onboard a supplier"}).status_code == 302
    assert client.post(u(gorg, "risk_tier_edit", pk=rt.pk), {"name": ""}).status_code == 400
    assert client.post(u(gorg, "risk_tier_edit", pk=rt.pk), {"name": "High (Annex III)"}).status_code == 302
    body = client.get(u(gorg, "matrix")).content.decode()
    assert "Onboard a supplier" in body and "High (Annex III)" in body


def test_escalation_detail_constant_queries(client, gorg, lead, leader, django_assert_max_num_queries):
    from governance.services.escalations import escalation_comment

    esc = file(gorg, lead)
    login(client, leader)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 20):
        for i in range(n):
            escalation_comment(organization=gorg, actor=leader.user, escalation=esc, body=f"c{i}")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(u(gorg, "escalation_detail", pk=esc.pk)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] and counts[1] <= 12, counts


def test_cached_matrix_page_carries_each_sessions_own_csrf_token(gorg, admin):
    """The page body is one fragment shared by every admin: the forms' tokens are put in per
    request, so a POST from the second admin's copy is accepted."""
    import re

    from django.test import Client

    from tests.factories import member

    other = member(gorg, "admin")
    review = u(gorg, "matrix_review")
    sessions = []
    for m in (admin, other):  # the first renders and caches the body, the second reads it
        client = Client(enforce_csrf_checks=True)
        client.force_login(m.user)
        body = client.get(u(gorg, "matrix")).content.decode()
        assert "podium:csrf" not in body
        token = re.search(rf'action="{review}"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
                          body).group(1)
        sessions.append((client, token))
    for client, token in reversed(sessions):
        assert client.post(review, {"notes": "Q3", "csrfmiddlewaretoken": token}).status_code == 302
