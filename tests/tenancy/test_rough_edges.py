"""Issue 15's rough edges outside governance: human labels in the audit log, health copy that
does not contradict itself, and a seed that does not print its notification emails."""

from __future__ import annotations

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from pods.health import core_reasons
from tenancy.audit import audit_record, describe
from tenancy.models import AuditEvent
from tests.factories import member
from tests.knowledge.factories import incident

pytestmark = pytest.mark.django_db


def test_audit_page_shows_human_labels_for_objects_without_a_name(client, org):
    admin = member(org, "admin")
    from knowledge.services.incidents import postmortem_save

    inc = incident(org, admin, title="Drift in churn model")
    pm = postmortem_save(organization=org, actor=admin.user, incident=inc, summary="What happened.")
    assert describe(pm) == "Drift in churn model · post-mortem"
    # An event recorded before this fix kept Django's default text: shown as "#<id>".
    audit_record(
        organization=org,
        actor=admin.user,
        action="knowledge.postmortem_saved",
        target_type="postmortem",
        target_id=pm.pk,
        target_repr=f"PostMortem object ({pm.pk})",
    )
    client.force_login(admin.user)
    body = client.get(f"/o/{org.slug}/audit/").content.decode()
    assert "object (" not in body
    assert "Post-mortem: Drift in churn model · post-mortem" in body
    assert f"Post-mortem: #{pm.pk}" in body
    assert '<option value="postmortem"' in body and ">Post-mortem</option>" in body
    assert AuditEvent.objects.for_org(org).filter(target_type="postmortem").exists()


def test_health_copy_separates_the_threshold_from_the_target(org):
    org.protected_time_threshold, org.protected_share_target = 80, 50
    today = datetime.date.today()
    pod = SimpleNamespace(member_count=4, lead_count=1, protected_count=2, charter_review=today)
    text = next(r.message for r in core_reasons(pod, org, today) if r.check == "protected_time")
    assert "≥" not in text
    assert text == (
        "50% of members have protected time (an allocation of 80% or more); the target of 50% is met."
    )
    pod.protected_count = 1
    text = next(r.message for r in core_reasons(pod, org, today) if r.check == "protected_time")
    assert text.endswith("the target is 50%.") and text.startswith("25% of members")


def test_seed_demo_does_not_print_notification_emails(transactional_db, capsys, settings):
    # transactional_db: the seed's writes really commit, so their on-commit emails go out.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = StringIO()
    call_command("seed_demo", "--scale", "small", stdout=out)
    printed = out.getvalue() + capsys.readouterr().out
    assert "Subject:" not in printed and "Content-Type: text/plain" not in printed
    assert "notification emails of the seeded history were not sent" in printed
    assert "admin@demo.podium" in printed
