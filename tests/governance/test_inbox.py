"""The approver's inbox: a count badge, actions on each row, and what waits on the pod kept
apart from what waits on me."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import EscalationStatus
from governance.services import escalations as services
from tests.governance.helpers import file

pytestmark = pytest.mark.django_db


def u(org, name, **kw):
    return reverse(f"governance:{name}", kwargs={"org_slug": org.slug, **kw})


def test_inbox_separates_waiting_on_me_from_waiting_on_the_pod(client, gorg, lead, leader):
    mine = file(gorg, lead, title="Pick a vendor")
    asked = file(gorg, lead, title="Onboard Acme")
    services.escalation_decide(
        organization=gorg, actor=leader.user, escalation=asked, outcome="needs_info", note="Which contract?"
    )
    client.force_login(leader.user)
    body = client.get(u(gorg, "inbox")).content.decode()
    me, pod = body.split('id="inbox-me"')[1].split('id="inbox-pod"')
    assert "Pick a vendor" in me and "Onboard Acme" not in me
    assert "Onboard Acme" in pod and "Pick a vendor" not in pod
    assert '<span class="count-badge">1</span>' in me
    # The badge in the governance sub-navigation counts what waits on my decision.
    nav = body.split('aria-label="Governance"')[1].split("</nav>")[0]
    assert 'My inbox <span class="count-badge" aria-label="1 waiting on you">1</span>' in nav
    assert mine.status == EscalationStatus.OPEN


def test_approve_from_an_inbox_row_returns_to_the_inbox(client, gorg, lead, leader):
    esc = file(gorg, lead, title="Pick a vendor")
    client.force_login(leader.user)
    body = client.get(u(gorg, "inbox")).content.decode()
    assert "<!--podium:csrf-->" not in body
    assert f'action="{u(gorg, "escalation_action", pk=esc.pk)}"' in body
    assert 'aria-label="Approve Pick a vendor"' in body
    r = client.post(
        u(gorg, "escalation_action", pk=esc.pk), {"action": "decide", "outcome": "approved", "next": "inbox"}
    )
    assert r.status_code == 302 and r.url == u(gorg, "inbox")
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.DECIDED and esc.outcome == "approved"
    body = client.get(u(gorg, "inbox")).content.decode()
    assert "Pick a vendor" not in body.split('id="inbox-me"')[1].split('id="inbox-pod"')[0]


def test_cached_inbox_rows_get_each_sessions_csrf_token(gorg, lead, leader):
    from django.test import Client

    esc = file(gorg, lead, title="Pick a vendor")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for c in (first, second):
        c.force_login(leader.user)
    first.get(u(gorg, "inbox"))  # fills the fragment cache from the first session
    body = second.get(u(gorg, "inbox")).content.decode()
    token = body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token
    # The second session's row form works: its token, not the first session's, is in it.
    r = second.post(
        u(gorg, "escalation_action", pk=esc.pk),
        {"csrfmiddlewaretoken": token, "action": "decide", "outcome": "approved", "next": "inbox"},
    )
    assert r.status_code == 302
