import re

from django.core import mail

from tenancy.models import ApiToken, Membership, Organization
from tests.factories import UserFactory, member


def test_login_with_email_and_land_in_the_only_org(client, org):
    m = member(org)
    response = client.post("/accounts/login/", {"username": m.user.email, "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get("/").url == f"/o/{org.slug}/"


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_unknown_org_slug_is_404(client, org):
    client.force_login(member(org).user)
    assert client.get("/o/no-such-org/").status_code == 404


def test_create_and_switch_organizations(client, org):
    user = member(org).user
    client.force_login(user)
    response = client.post("/orgs/new/", {"name": "Second Co"})
    new = Organization.objects.get(slug="second-co")
    assert response.url == f"/o/{new.slug}/"
    assert Membership.objects.for_org(new).get(user=user).role == "owner"
    assert client.get("/").url == "/orgs/"
    body = client.get("/orgs/").content.decode()
    assert org.name in body and "Second Co" in body
    response = client.post("/orgs/new/", {"name": ""})
    assert response.status_code == 400


def test_invite_accept_flow(client, org):
    admin = member(org, "admin").user
    client.force_login(admin)
    response = client.post(f"/o/{org.slug}/members/", {"email": "newbie@example.test", "role": "leader"})
    assert response.status_code == 302
    link = re.search(r"http://127.0.0.1:8000(/invitations/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    assert "Join" in client.get(link).content.decode()
    response = client.post(link, {"full_name": "New Bie", "password": "short"})
    assert response.status_code == 400
    response = client.post(link, {"full_name": "New Bie", "password": "a-long-password"})
    assert response.url == f"/o/{org.slug}/"
    assert Membership.objects.for_org(org).get(user__email="newbie@example.test").role == "leader"
    assert client.get(link).status_code == 404


def test_admin_changes_role_and_cannot_remove_last_owner(client, org):
    owner = member(org, "owner")
    target = member(org, "member")
    client.force_login(owner.user)
    client.post(f"/o/{org.slug}/members/{target.pk}/", {"role": "leader"})
    target.refresh_from_db()
    assert target.role == "leader"
    response = client.post(f"/o/{org.slug}/members/{owner.pk}/", {"action": "remove"}, follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.for_org(org).filter(pk=owner.pk).exists()


def test_tokens_page_shows_raw_token_once_and_members_revoke_only_their_own(client, org):
    m = member(org)
    other = member(org)
    client.force_login(m.user)
    response = client.post(f"/o/{org.slug}/tokens/", {"name": "laptop"})
    assert response.status_code == 201
    raw = re.search(r'id="new-token">(pod_[^<]+)<', response.content.decode()).group(1)
    assert raw not in client.get(f"/o/{org.slug}/tokens/").content.decode()
    client.force_login(other.user)
    token = ApiToken.objects.for_org(org).get(name="laptop")
    assert client.post(f"/o/{org.slug}/tokens/{token.pk}/revoke/").status_code == 403
    client.force_login(m.user)
    client.post(f"/o/{org.slug}/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_audit_page_filters(client, org):
    admin = member(org, "admin").user
    client.force_login(admin)
    client.post(f"/o/{org.slug}/pods/new/", {"name": "Audited pod", "status": "forming"})
    client.post(f"/o/{org.slug}/skills/", {"name": "Rust"}, follow=True)
    body = client.get(f"/o/{org.slug}/audit/?target_type=pod").content.decode()
    assert "Audited pod" in body and "Rust" not in body
    partial = client.get(f"/o/{org.slug}/audit/?action=skill.", HTTP_HX_REQUEST="true").content.decode()
    assert "Rust" in partial and "<html" not in partial
    assert client.get(f"/o/{org.slug}/audit/?since=not-a-date").status_code == 400


def test_settings_validation(client, org):
    client.force_login(member(org, "admin").user)
    url = f"/o/{org.slug}/settings/"
    data = {"name": org.name, "pod_size_min": 8, "pod_size_max": 4, "protected_time_threshold": 80,
            "protected_share_target": 50, "charter_review_days": 90, "quarter_start_month": 1,
            "default_sla_hours": 72}
    response = client.post(url, data)
    assert response.status_code == 400 and "must not exceed" in response.content.decode()
    org.refresh_from_db()
    assert (org.pod_size_min, org.pod_size_max) == (3, 7)
    assert client.post(url, data | {"pod_size_min": 2}).status_code == 302
    org.refresh_from_db()
    assert (org.pod_size_min, org.pod_size_max) == (2, 4)


def test_profile_and_password_change(client, org):
    user = UserFactory()
    client.force_login(user)
    client.post("/accounts/profile/", {"full_name": "Renamed"})
    user.refresh_from_db()
    assert user.full_name == "Renamed"
    response = client.post("/accounts/password/change/", {
        "old_password": "pw-for-tests", "new_password1": "Another-long-pw-9",
        "new_password2": "Another-long-pw-9"})
    assert response.status_code == 302


def test_a_password_change_signs_other_sessions_out(client, org, django_assert_max_num_queries):
    m = member(org)
    client.force_login(m.user)
    client.get(f"/o/{org.slug}/")
    with django_assert_max_num_queries(3):  # member, org, user and unread count in one query
        assert client.get(f"/o/{org.slug}/").status_code == 200
    m.user.set_password("a-brand-new-password")
    m.user.save()
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_inactive_user_is_not_let_in(client, org):
    m = member(org)
    client.force_login(m.user)
    type(m.user).objects.filter(pk=m.user.pk).update(is_active=False)
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302


def test_a_refused_delete_says_the_record_is_still_in_use_not_that_it_raced(org, client):
    """A page delete refused by a protected reference is a 409 titled "Still in use"; the race
    title ("Changed at the same moment") stays for real races."""
    from tests.factories import member
    from tests.strategy.factories import theme

    admin, owner = member(org, "admin"), member(org, "leader")
    theme(org, owner)  # Theme.owner protects the membership
    client.force_login(admin.user)
    r = client.post(f"/o/{org.slug}/members/{owner.pk}/", {"action": "remove"})
    assert r.status_code == 409
    body = r.content.decode()
    assert "Still in use" in body and "1 theme" in body and "Reassign" in body
    assert "Changed at the same moment" not in body


def test_a_real_race_keeps_the_race_title():
    from django.db import IntegrityError

    from tenancy.db_errors import conflict_title

    assert conflict_title(IntegrityError("duplicate key")) == "Changed at the same moment"
