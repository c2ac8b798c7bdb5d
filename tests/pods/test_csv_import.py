"""Pods and assignments import: round trips with the exports, per-row errors, all-or-nothing,
admins only, one organization's names only."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from pods.imports import assignments_import_csv, pods_import_csv
from pods.models import Assignment, Pod
from tenancy.imports import ImportRejected
from tests.factories import AssignmentFactory, OrganizationFactory, PersonFactory, PodFactory, member

pytestmark = pytest.mark.django_db


def _export(client, org, name) -> str:
    response = client.get(reverse(name, kwargs={"org_slug": org.slug}))
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_pods_round_trip_into_another_org(org, client):
    admin = member(org, "admin")
    PodFactory(organization=org, name="Churn", status="active", mission="Keep customers", sponsor=admin)
    PodFactory(organization=org, name="Fraud", status="paused", mission="")
    client.force_login(admin.user)
    text = _export(client, org, "pods:pods_export")
    target = OrganizationFactory()
    target_admin = member(target, "admin", user=admin.user)
    assert pods_import_csv(organization=target, actor=target_admin.user, data=text) == 2
    client.force_login(target_admin.user)
    assert _table(_export(client, target, "pods:pods_export")) == _table(text)


def test_assignments_round_trip(org, client):
    admin = member(org, "admin")
    for _ in range(3):
        AssignmentFactory(organization=org)
    client.force_login(admin.user)
    text = _export(client, org, "pods:assignments_export")
    rows = _table(text)
    # The same pods and people in a fresh org, then the assignments file.
    target = OrganizationFactory()
    member(target, "admin", user=admin.user)
    for r in rows:
        PodFactory(organization=target, name=r["pod"])
        PersonFactory(organization=target, email=r["person_email"], full_name=r["person_name"])
    assert assignments_import_csv(organization=target, actor=admin.user, data=text) == 3
    assert _table(_export(client, target, "pods:assignments_export")) == rows


def test_per_row_errors_and_nothing_written(org):
    admin = member(org, "admin")
    PodFactory(organization=org, name="Existing")
    data = ("name,status,sponsor_email\nNew one,active,\nExisting,active,\nThird,bogus,\n"
            "Fourth,active,nobody@example.com\n")
    with pytest.raises(ImportRejected) as exc:
        pods_import_csv(organization=org, actor=admin.user, data=data)
    got = {(e.row, e.field) for e in exc.value.errors}
    assert got == {(4, "status"), (5, "sponsor_email")}
    # With the pre-checks fixed, the service's own rule (unique name) is reported per row.
    with pytest.raises(ImportRejected) as exc:
        pods_import_csv(organization=org, actor=admin.user, data="name\nNew one\nExisting\n")
    assert [(e.row, e.field) for e in exc.value.errors] == [(3, "name")]
    assert list(Pod.objects.for_org(org).values_list("name", flat=True)) == ["Existing"]


def test_assignment_rows_name_only_this_orgs_pods_and_people(org):
    admin = member(org, "admin")
    other = OrganizationFactory()
    PodFactory(organization=other, name="Their pod")
    PersonFactory(organization=other, email="them@example.com")
    data = ("pod,person_email,role,allocation_percent,start_date\n"
            "Their pod,them@example.com,nope,150,2026-13-01\n")
    with pytest.raises(ImportRejected) as exc:
        assignments_import_csv(organization=org, actor=admin.user, data=data)
    assert {e.field for e in exc.value.errors} == {"pod", "person_email", "role", "allocation_percent",
                                                   "start_date"}
    assert not Assignment.objects.for_org(org).exists()


def test_a_clash_between_rows_of_the_file_rolls_back_every_row(org):
    admin = member(org, "admin")
    pod = PodFactory(organization=org, name="A")
    PersonFactory(organization=org, email="ada@example.com")
    data = ("pod,person_email,role,allocation_percent,start_date\n"
            f"{pod.name},ada@example.com,ml_engineer,60,2026-01-01\n"
            f"{pod.name},ada@example.com,domain_expert,20,2026-02-01\n")
    with pytest.raises(ImportRejected) as exc:
        assignments_import_csv(organization=org, actor=admin.user, data=data)
    assert [(e.row, e.field) for e in exc.value.errors] == [(3, "person")]
    assert not Assignment.objects.for_org(org).exists()


@pytest.mark.parametrize("role,status", [("admin", 200), ("leader", 403), ("member", 403)])
def test_import_pages_are_for_admins(org, client, role, status):
    client.force_login(member(org, role).user)
    for name in ("pods:pods_import", "pods:assignments_import"):
        assert client.get(reverse(name, kwargs={"org_slug": org.slug})).status_code == status


def test_import_page_lists_row_errors(org, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member(org, "admin").user)
    upload = SimpleUploadedFile("pods.csv", b"name,status\nOk,active\nBad,weird\n", content_type="text/csv")
    resp = client.post(reverse("pods:pods_import", kwargs={"org_slug": org.slug}), {"file": upload})
    assert resp.status_code == 400 and b"Nothing was imported" in resp.content and b"weird" in resp.content
    upload = SimpleUploadedFile("pods.csv", b"name,status\nOk,active\n", content_type="text/csv")
    resp = client.post(reverse("pods:pods_import", kwargs={"org_slug": org.slug}), {"file": upload})
    assert resp.status_code == 302 and Pod.objects.for_org(org).filter(name="Ok").exists()
