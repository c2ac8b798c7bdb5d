"""CSV exports: the list's filters applied, streamed, hostile cells neutralised, one org only,
and a people export imports back as the same rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tenancy.csv_export import safe_cell
from tenancy.imports import people_import_csv
from tenancy.models import Person
from tests.factories import AssignmentFactory, OrganizationFactory, PersonFactory, PodFactory, member

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict[str, str]]:
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("raw,out", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("plain", "plain"),
    (None, ""), (5, "5"),
])
def test_formula_cells_are_neutralised(raw, out):
    assert safe_cell(raw) == out


def test_pods_export_keeps_filters_and_neutralises_hostile_names(org, client):
    m = member(org)
    PodFactory(organization=org, name="=cmd|' /C calc'!A0", status="active")
    PodFactory(organization=org, name="Paused pod", status="paused")
    PodFactory(organization=OrganizationFactory(), name="Other org pod", status="active")
    client.force_login(m.user)
    base = reverse("pods:pods_export", kwargs={"org_slug": org.slug})
    rows = _rows(client.get(base + "?status=active"))
    assert [r["name"] for r in rows] == ["'=cmd|' /C calc'!A0"]
    assert {r["name"] for r in _rows(client.get(base))} == {"'=cmd|' /C calc'!A0", "Paused pod"}


def test_list_pages_link_the_export_with_their_querystring(org, client):
    m = member(org)
    PodFactory(organization=org, name="Alpha", status="active")
    PersonFactory(organization=org, full_name="Ada")
    client.force_login(m.user)
    page = client.get(reverse("pods:org_home", kwargs={"org_slug": org.slug}) + "?status=active")
    assert f'/o/{org.slug}/pods/export.csv?status=active' in page.content.decode()
    page = client.get(reverse("pods:people", kwargs={"org_slug": org.slug}) + "?q=Ada")
    assert f'/o/{org.slug}/people/export.csv?q=Ada' in page.content.decode()


def test_people_export_round_trips_through_the_people_import(org, client):
    m = member(org)
    PersonFactory(organization=org, full_name="Ada Lovelace", email="ada@example.com", title="-Engineer",
                  kind="employee", weekly_capacity_hours=32)
    PersonFactory(organization=org, full_name="Grace Hopper", email="grace@example.com", title="Admiral",
                  kind="contractor", weekly_capacity_hours=40)
    client.force_login(m.user)
    response = client.get(reverse("pods:people_export", kwargs={"org_slug": org.slug}))
    rows = _rows(response)
    assert rows[0]["title"] == "'-Engineer"  # neutralised on export
    out = io.StringIO()
    columns = ["full_name", "email", "title", "kind", "weekly_capacity_hours", "skills"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    target = OrganizationFactory()
    people_import_csv(organization=target, actor=None, data=out.getvalue())
    got = sorted(Person.objects.for_org(target).values_list("full_name", "email", "kind",
                                                           "weekly_capacity_hours"))
    want = sorted(Person.objects.for_org(org).filter(email__in=["ada@example.com", "grace@example.com"])
                  .values_list("full_name", "email", "kind", "weekly_capacity_hours"))
    assert got == want


def test_assignments_export_is_one_orgs_and_filters_by_pod(org, client, django_assert_max_num_queries):
    m = member(org)
    a = AssignmentFactory(organization=org, allocation_percent=40)
    for _ in range(5):
        AssignmentFactory(organization=org)
    AssignmentFactory(organization=OrganizationFactory(), pod__name="zz other org pod")
    client.force_login(m.user)
    base = reverse("pods:assignments_export", kwargs={"org_slug": org.slug})
    with django_assert_max_num_queries(8):
        rows = _rows(client.get(base))
    assert len(rows) == 6 and all(r["pod"] != "zz other org pod" for r in rows)
    rows = _rows(client.get(base + f"?pod={a.pod_id}"))
    assert [(r["person_email"], r["allocation_percent"]) for r in rows] == [(a.person.email, "40")]


def test_exports_are_members_only(org, client):
    outsider = member(OrganizationFactory())
    client.force_login(outsider.user)
    for name in ("pods:pods_export", "pods:people_export", "pods:assignments_export"):
        assert client.get(reverse(name, kwargs={"org_slug": org.slug})).status_code == 404

