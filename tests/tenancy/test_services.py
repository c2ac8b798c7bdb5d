import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pods.models import PodRole
from tenancy import services
from tenancy.models import AuditEvent, Invitation, Membership, Role, User
from tests.factories import UserFactory, member


def test_organization_create_makes_the_owner_seeds_roles_and_audits(db):
    user = UserFactory()
    org = services.organization_create(name="Acme AI", owner=user)
    assert org.slug == "acme-ai"
    assert Membership.objects.for_org(org).get(user=user).role == Role.OWNER
    assert PodRole.objects.for_org(org).count() == 6
    assert PodRole.objects.for_org(org).filter(is_lead=True).count() == 1
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"organization.created", "membership.created"} <= actions


@pytest.mark.parametrize("slug", ["new", "api"])
def test_reserved_or_taken_slugs_are_refused(db, slug):
    with pytest.raises(ValidationError) as exc:
        services.organization_create(name="X", slug=slug, owner=UserFactory())
    assert "slug" in exc.value.message_dict


def test_duplicate_slug_is_a_field_error(db):
    services.organization_create(name="Dup", owner=UserFactory())
    with pytest.raises(ValidationError) as exc:
        services.organization_create(name="Dup", owner=UserFactory())
    assert "slug" in exc.value.message_dict


def test_invitation_accept_creates_account_and_membership(org):
    admin = member(org, "admin").user
    invitation, raw = services.invitation_create(organization=org, actor=admin, email="New@Example.test",
                                                 role=Role.LEADER)
    membership = services.invitation_accept(token=raw, password="long-enough-pw", full_name="New Person")
    assert membership.role == Role.LEADER
    assert membership.user.email == "new@example.test"
    assert membership.user.check_password("long-enough-pw")
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    with pytest.raises(ValidationError):
        services.invitation_accept(token=raw, password="long-enough-pw")


def test_invitation_for_existing_user_needs_matching_login(org):
    admin = member(org, "admin").user
    existing = UserFactory(email="known@example.test")
    _, raw = services.invitation_create(organization=org, actor=admin, email="known@example.test")
    with pytest.raises(ValidationError):
        services.invitation_accept(token=raw, user=UserFactory(email="other@example.test"))
    membership = services.invitation_accept(token=raw, user=existing)
    assert membership.organization == org


def test_expired_or_revoked_invitation_is_refused(org):
    admin = member(org, "admin").user
    inv, raw = services.invitation_create(organization=org, actor=admin, email="late@example.test")
    Invitation.objects.for_org(org).filter(pk=inv.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.invitation_accept(token=raw, password="long-enough-pw")
    inv2, raw2 = services.invitation_create(organization=org, actor=admin, email="gone@example.test")
    services.invitation_revoke(organization=org, actor=admin, invitation=inv2)
    assert services.invitation_by_token(token=raw2) is None
    assert not User.objects.filter(email__in=["late@example.test", "gone@example.test"]).exists()


def test_only_owner_grants_owner_and_last_owner_stays(org):
    owner = member(org, "owner")
    admin = member(org, "admin")
    target = member(org, "member")
    with pytest.raises(ValidationError):
        services.membership_change_role(organization=org, actor=admin.user, membership=target, role="owner")
    with pytest.raises(ValidationError):
        services.membership_change_role(organization=org, actor=owner.user, membership=owner, role="admin")
    with pytest.raises(ValidationError):
        services.membership_remove(organization=org, actor=owner.user, membership=owner)
    services.membership_change_role(organization=org, actor=owner.user, membership=target, role="owner")
    assert Membership.objects.for_org(org).filter(role="owner").count() == 2


def test_api_token_is_stored_hashed_and_revocable(org):
    m = member(org)
    token, raw = services.api_token_create(organization=org, actor=m.user, name="ci")
    assert raw.startswith("pod_") and raw not in (token.key_hash, token.prefix)
    assert services.api_token_authenticate(raw=raw).pk == token.pk
    services.api_token_revoke(organization=org, actor=m.user, token=token)
    assert services.api_token_authenticate(raw=raw) is None
    assert services.api_token_authenticate(raw="pod_nonsense") is None


def test_person_validation_and_cross_org_user(org, other_org):
    admin = member(org, "admin").user
    outsider = member(other_org).user
    with pytest.raises(ValidationError) as exc:
        services.person_create(organization=org, actor=admin, full_name="x" * 151)
    assert "full_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.person_create(organization=org, actor=admin, full_name="Eve", user=outsider)
    assert "user" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.person_create(organization=org, actor=admin, full_name="Cap", weekly_capacity_hours=99)
    assert "weekly_capacity_hours" in exc.value.message_dict
    services.person_create(organization=org, actor=admin, full_name="Ann", email="ann@x.test")
    with pytest.raises(ValidationError) as exc:
        services.person_create(organization=org, actor=admin, full_name="Ann 2", email="ANN@x.test")
    assert "email" in exc.value.message_dict
