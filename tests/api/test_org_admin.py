"""Organization administration through the API: settings, member roles and removal,
invitations, notifications; admins only where the pages say so, audited by the services."""

from __future__ import annotations

import pytest
from django.core import mail

from tenancy.models import AuditEvent, Invitation, Membership
from tenancy.notifications import notify
from tests.api.helpers import client_for, error_fields
from tests.factories import member

pytestmark = pytest.mark.django_db


def api(org, path):
    return f"/api/v1/o/{org.slug}/{path}"


def test_settings(org):
    assert client_for(member(org, "leader")).patch(api(org, "organization/"), {"pod_size_max": 9},
                                                   format="json").status_code == 403
    admin = client_for(member(org, "admin"))
    r = admin.patch(api(org, "organization/"), {"pod_size_max": 9}, format="json")
    assert r.status_code == 200 and r.json()["pod_size_max"] == 9
    bad = admin.patch(api(org, "organization/"), {"pod_size_min": 12}, format="json")
    assert bad.status_code == 400 and error_fields(bad) == {"pod_size_min"}


def test_roles_invitations_and_removal(org):
    owner = member(org, "owner")
    c = client_for(owner)
    someone = member(org)
    r = c.patch(api(org, f"members/{someone.pk}/"), {"role": "leader"}, format="json")
    assert r.status_code == 200 and r.json()["role"] == "leader"
    assert c.patch(api(org, f"members/{someone.pk}/"), {"role": "emperor"}, format="json").status_code == 400
    r = c.post(api(org, "invitations/"), {"email": "New.Person@example.com", "role": "member"}, format="json")
    assert r.status_code == 201, r.content
    assert "/invitations/" in r.json()["accept_url"] and len(mail.outbox) == 1
    assert "accept_url" not in c.get(api(org, "invitations/")).json()["results"][0]
    assert c.delete(api(org, f"invitations/{r.json()['id']}/")).status_code == 204
    assert Invitation.objects.for_org(org).get().status == "revoked"
    assert c.delete(api(org, f"members/{someone.pk}/")).status_code == 204
    assert not Membership.objects.for_org(org).filter(pk=someone.pk).exists()
    assert client_for(member(org)).post(api(org, "invitations/"), {"email": "x@example.com"},
                                        format="json").status_code == 403
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"membership.role_changed", "invitation.created", "invitation.revoked"} <= actions


def test_own_notifications_only(org):
    me, other = member(org), member(org)
    notify(organization=org, users=[me.user], kind="t", title="For me")
    notify(organization=org, users=[other.user], kind="t", title="Not for me")
    c = client_for(me)
    rows = c.get(api(org, "notifications/")).json()["results"]
    assert [n["title"] for n in rows] == ["For me"] and rows[0]["read_at"] is None
    assert c.post(api(org, "notifications/read/"), {}, format="json").json() == {"marked": 1}
    assert c.get(api(org, "notifications/")).json()["results"][0]["read_at"] is not None
