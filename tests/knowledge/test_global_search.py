"""The header's search box searches the one index: pods and people are found there with the
lessons (knowledge indexes them on their save signals; pods and tenancy do not import it)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from knowledge.models import SearchDocument
from knowledge.search import search_documents
from tests.factories import OrganizationFactory, PersonFactory, PodFactory, member

pytestmark = pytest.mark.django_db


def test_pods_and_people_are_found_by_the_one_search(client, org):
    pod = PodFactory(organization=org, name="Churn Radar", mission="Spot customers about to leave.")
    ada = PersonFactory(organization=org, full_name="Ada Lovelace", title="Analyst")
    result = search_documents(organization=org, q="churn")
    assert [(h.kind, h.url) for h in result.hits] == [("pod", f"/o/{org.slug}/pods/{pod.pk}/")]
    result = search_documents(organization=org, q="lovelace")
    assert [(h.kind, h.url) for h in result.hits] == [("person", f"/o/{org.slug}/people/{ada.pk}/")]
    client.force_login(member(org).user)
    body = client.get(f"/o/{org.slug}/knowledge/search/", {"q": "Ada"}).content.decode()
    assert "<mark>Ada</mark> Lovelace" in body and f"/o/{org.slug}/people/{ada.pk}/" in body
    # A rename follows; another organization never sees them.
    pod.name = "Retention Radar"
    pod.save()
    assert search_documents(organization=org, q="retention").count == 1
    assert search_documents(organization=OrganizationFactory(), q="radar").count == 0


def test_search_index_directory_command_indexes_bulk_rows(org):
    PodFactory(organization=org, name="Fraud Signals")
    SearchDocument.objects.for_org(org).delete()
    call_command("search_index_directory", "--org", org.slug, stdout=__import__("io").StringIO())
    assert search_documents(organization=org, q="fraud").count == 1
