"""Issue 15's rough edges in governance: human durations, the decision form (no default, a
reason to reject or ask for information), the pod preselected for a one-pod lead, absolute
links in emails, breadcrumbs and the governance sub-navigation on every matrix page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from governance.models import EscalationStatus
from governance.services import escalations as services
from tenancy.templatetags.podium import human_duration
from tests.factories import pod_lead
from tests.governance.helpers import dtype, file, rtier

pytestmark = pytest.mark.django_db


def u(org, name, **kw):
    return reverse(f"governance:{name}", kwargs={"org_slug": org.slug, **kw})


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0 s"),
        (45, "45 s"),
        (61, "1 min"),
        (3600, "1 h"),
        (38955, "10 h 49 min"),
        (86400 * 3 + 3600 * 4 + 59, "3 d 4 h"),
        (86400, "1 d"),
    ],
)
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


def test_escalation_page_shows_the_pod_wait_as_a_human_duration(client, gorg, lead, leader):
    esc = file(gorg, lead)
    services.escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="approved")
    esc.refresh_from_db()
    esc.pod_wait_seconds = 38955
    esc.save(update_fields=["pod_wait_seconds"])
    client.force_login(leader.user)
    body = client.get(u(gorg, "escalation_detail", pk=esc.pk)).content.decode()
    assert "waiting on the pod: 10 h 49 min" in body
    assert "38955" not in body


def test_decision_form_has_no_default_and_needs_a_reason_to_reject(client, gorg, lead, leader):
    esc = file(gorg, lead)
    client.force_login(leader.user)
    url = u(gorg, "escalation_detail", pk=esc.pk)
    body = client.get(url).content.decode()
    assert 'type="radio" name="outcome"' in body and "checked" not in body.split('id="decide"')[1]
    action = u(gorg, "escalation_action", pk=esc.pk)
    # No choice made: refused, nothing decided.
    r = client.post(action, {"action": "decide", "note": "fine"})
    assert r.status_code == 400 and "Choose approve, reject or ask" in r.content.decode()
    # Reject without a reason: refused.
    r = client.post(action, {"action": "decide", "outcome": "rejected", "note": "  "})
    assert r.status_code == 400 and "Give the reason for rejecting." in r.content.decode()
    r = client.post(action, {"action": "decide", "outcome": "needs_info", "note": ""})
    assert r.status_code == 400 and "Say what information is needed." in r.content.decode()
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.OPEN and esc.outcome in ("", None)
    r = client.post(action, {"action": "decide", "outcome": "rejected", "note": "Too costly."})
    assert r.status_code == 302
    esc.refresh_from_db()
    assert esc.outcome == "rejected" and esc.decision_note == "Too costly."


def test_service_and_api_refuse_a_rejection_without_reason(client, gorg, lead, leader):
    esc = file(gorg, lead)
    with pytest.raises(ValidationError) as exc:
        services.escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="rejected")
    assert "note" in exc.value.message_dict
    client.force_login(leader.user)
    r = client.post(
        f"/api/v1/o/{gorg.slug}/escalations/{esc.pk}/decide/",
        {"outcome": "rejected"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "Give the reason for rejecting." in r.content.decode()


def test_escalation_form_preselects_the_only_pod_the_lead_leads(client, gorg, lead):
    membership, _person, pod = lead
    client.force_login(membership.user)
    body = client.get(u(gorg, "escalation_create")).content.decode()
    assert f'<option value="{pod.pk}" selected>' in body
    # Leading two pods: no guess.
    pod_lead(gorg)  # someone else
    from tests.factories import AssignmentFactory, role

    AssignmentFactory(organization=gorg, person=_person, role=role(gorg, "pod_lead"))
    body = client.get(u(gorg, "escalation_create")).content.decode()
    assert not re.search(r'<option value="\d+" selected>', body.split('name="pod"')[1].split("</select>")[0])


@override_settings(PODIUM_SITE_URL="https://podium.example.com")
def test_notification_emails_carry_absolute_links(gorg, lead, leader, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        esc = file(gorg, lead)
    sent = [m for m in mail.outbox if leader.user.email in m.to]
    assert sent, "the approver got no email"
    link = f"https://podium.example.com/o/{gorg.slug}/governance/escalations/{esc.pk}/"
    assert link in sent[0].body
    assert f"\n/o/{gorg.slug}/" not in sent[0].body


def test_matrix_subpages_keep_the_governance_subnav_and_crumbs_do_not_dangle(client, gorg, admin):
    client.force_login(admin.user)
    spend, low = dtype(gorg, "compute_spend"), rtier(gorg, "low")
    body = client.get(u(gorg, "cell_history", type_pk=spend.pk, tier_pk=low.pk)).content.decode()
    assert 'aria-label="Governance"' in body
    assert 'aria-current="page">Decision rights' in body
    crumbs = body.split('class="crumbs"')[1].split("</nav>")[0]
    assert not crumbs.rstrip().endswith("/") and "</a> /" not in crumbs


def test_sla_due_uses_words_not_seconds(client, gorg, lead, leader):
    esc = file(gorg, lead)
    esc.due_at = esc.filed_at + datetime.timedelta(hours=72)
    client.force_login(leader.user)
    body = client.get(u(gorg, "escalation_list")).content.decode()
    assert " s)" not in body
