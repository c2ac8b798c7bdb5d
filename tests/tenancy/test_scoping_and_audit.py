import pytest
from django.db import DatabaseError, transaction

from pods.models import Pod
from tenancy.audit import audit_record
from tenancy.models import AuditEvent
from tenancy.scoping import UnscopedQueryError
from tests.factories import PodFactory, member


def test_scoped_manager_refuses_queries_without_an_organization(org):
    PodFactory(organization=org)
    with pytest.raises(UnscopedQueryError):
        list(Pod.objects.all())
    with pytest.raises(UnscopedQueryError):
        Pod.objects.filter(name="x")
    with pytest.raises(UnscopedQueryError):
        Pod.objects.for_org(None)


def test_for_org_returns_only_that_orgs_rows(org, other_org):
    mine = PodFactory(organization=org)
    PodFactory(organization=other_org)
    assert list(Pod.objects.for_org(org)) == [mine]


def test_create_without_organization_is_refused(db):
    with pytest.raises(UnscopedQueryError):
        Pod.objects.create(name="orphan")


def test_audit_events_cannot_be_changed_or_deleted(org):
    actor = member(org, "admin").user
    event = audit_record(organization=org, actor=actor, action="test.done", target_type="thing")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.for_org(org).filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.for_org(org).filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "test.done"
