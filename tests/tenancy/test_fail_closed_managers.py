"""Scoping fails closed through every door Django builds from the default manager, not only `.objects`."""

import pytest
from django import forms
from django.shortcuts import get_object_or_404
from rest_framework import serializers

from pods.models import Assignment, Pod
from tenancy.models import Membership
from tenancy.scoping import UnscopedQueryError
from tests.factories import AssignmentFactory, PodFactory, UserFactory


def test_default_manager_is_the_scoped_one(db):
    assert Pod._default_manager is Pod.objects
    assert Pod._base_manager.name == "unscoped"


def test_get_object_or_404_on_the_model_refuses_to_skip_the_scope(org, other_org):
    theirs = PodFactory(organization=other_org)
    with pytest.raises(UnscopedQueryError):
        get_object_or_404(Pod, pk=theirs.pk)
    mine = PodFactory(organization=org)
    assert get_object_or_404(Pod.objects.for_org(org), pk=mine.pk) == mine


def test_auto_generated_form_choices_refuse_to_list_every_tenant(org, other_org):
    PodFactory(organization=other_org)

    class AssignmentForm(forms.ModelForm):
        class Meta:
            model = Assignment
            fields = ["pod"]

    with pytest.raises(UnscopedQueryError):
        list(AssignmentForm().fields["pod"].choices)


def test_auto_generated_serializer_field_refuses_a_foreign_id(org, other_org):
    theirs = PodFactory(organization=other_org)

    class AssignmentSerializer(serializers.ModelSerializer):
        class Meta:
            model = Assignment
            fields = ["pod"]

    with pytest.raises(UnscopedQueryError):
        AssignmentSerializer(data={"pod": theirs.pk}).is_valid()


def test_related_access_refresh_and_delete_still_work_from_a_scoped_row(org):
    assignment = AssignmentFactory(organization=org)
    pod = Pod.objects.for_org(org).get(pk=assignment.pod_id)
    assert list(pod.assignments.all()) == [assignment]
    assert [p.pk for p in Pod.objects.for_org(org).prefetch_related("assignments")] == [pod.pk]
    assert assignment.pod == pod
    assignment.refresh_from_db()
    assignment.delete()
    assert not pod.assignments.exists()


def test_scoped_get_or_create_and_update_or_create(org, other_org):
    user = UserFactory()
    with pytest.raises(UnscopedQueryError):
        Membership.objects.get_or_create(user=user, defaults={"role": "member"})
    m, created = Membership.objects.get_or_create(organization=org, user=user, defaults={"role": "member"})
    assert created
    again, created = Membership.objects.get_or_create(organization=org, user=user)
    assert (again, created) == (m, False)
    with pytest.raises(UnscopedQueryError):
        Membership.objects.update_or_create(user=user, defaults={"role": "admin"})
    m2, created = Membership.objects.update_or_create(organization=org, user=user, defaults={"role": "admin"})
    assert (m2.pk, m2.role, created) == (m.pk, "admin", False)
    assert not Membership.objects.for_org(other_org).filter(user=user).exists()


def test_admin_change_list_works_for_site_staff(client, org):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/tenancy/membership/").status_code == 200
    assert client.get("/admin/tenancy/auditevent/").status_code == 200
