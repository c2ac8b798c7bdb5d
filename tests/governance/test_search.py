"""Escalations in the one search (the header's box and the search API), found only by who may
open them: leaders and admins, the pod's lead and the approvers it was routed to. Governance
contributes them through the registry; it never imports knowledge."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from governance.models import DecisionTier, Escalation
from knowledge.models import SearchDocument, SearchTerm
from knowledge.search import search_documents, search_terms_rebuild
from tests.api.helpers import client_for, url
from tests.factories import member, pod_lead
from tests.governance.helpers import file

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(gorg, lead):
    """An escalation routed to a named approver who is a plain member and leads no pod."""
    approver = member(gorg, "member")
    DecisionTier.objects.for_org(gorg).get(level=3).approvers.set([approver])
    esc = file(gorg, lead, title="Onboard Zanzibar labelling vendor",
               context="The quokka annotation backlog needs outside help.")
    assert list(esc.approvers.all()) == [approver]
    return approver, esc


def _found(org, viewer, q):
    return [h.url for h in search_documents(organization=org, q=q, viewer=viewer).hits]


def test_who_may_open_it_finds_it_and_nobody_else_does(gorg, lead, leader, admin, routed):
    approver, esc = routed
    link = f"/o/{gorg.slug}/governance/escalations/{esc.pk}/"
    plain, other_lead = member(gorg, "member"), pod_lead(gorg)[0]
    for viewer in (approver, lead[0], leader, admin):
        assert _found(gorg, viewer, "zanzibar") == [link], viewer.role
        assert _found(gorg, viewer, "quokka") == [link], viewer.role  # the context is searched too
    for viewer in (plain, other_lead, None):
        assert _found(gorg, viewer, "zanzibar") == [], getattr(viewer, "role", None)
        assert search_documents(organization=gorg, q="", viewer=viewer, kind="escalation").count == 0
    assert search_documents(organization=gorg, q="", viewer=approver, kind="escalation").count == 1


def test_the_header_search_page_and_the_api_apply_the_same_rule(client, gorg, routed):
    approver, esc = routed
    plain = member(gorg, "member")
    page = f"/o/{gorg.slug}/knowledge/search/"
    client.force_login(approver.user)
    body = client.get(page, {"q": "Zanzibar"}).content.decode()
    assert f"/o/{gorg.slug}/governance/escalations/{esc.pk}/" in body and "Escalation" in body
    client.force_login(plain.user)
    body = client.get(page, {"q": "Zanzibar"}).content.decode()
    assert f"/governance/escalations/{esc.pk}/" not in body and "labelling vendor" not in body
    hits = client_for(approver).get(url(gorg, "knowledge_api:knowledge-search-list"), {"q": "zanzibar"}).json()["results"]
    assert [h["kind"] for h in hits] == ["escalation"]
    assert client_for(plain).get(url(gorg, "knowledge_api:knowledge-search-list"), {"q": "zanzibar"}).json()["results"] == []


def test_a_hidden_escalation_never_spells_a_did_you_mean(gorg, routed):
    """The lexicon that corrects typos holds no word from documents some members may not see."""
    approver, _esc = routed
    plain = member(gorg, "member")
    search_terms_rebuild(organization=gorg)
    assert not SearchTerm.objects.for_org(gorg).filter(word__in=["zanzibar", "quokka"]).exists()
    assert search_documents(organization=gorg, q="zanzibat", viewer=plain).corrected == ""


def test_rows_written_in_bulk_are_indexed_by_the_command(gorg, lead, leader):
    esc = file(gorg, lead, title="Reserve GPUs for the narwhal retraining", type_key="select_model",
               risk="high")
    SearchDocument.objects.for_org(gorg).filter(kind="escalation").delete()
    assert _found(gorg, leader, "narwhal") == []
    call_command("search_index_directory", org=gorg.slug, stdout=open("/dev/null", "w"))
    assert _found(gorg, leader, "narwhal") == [f"/o/{gorg.slug}/governance/escalations/{esc.pk}/"]
    assert Escalation.objects.for_org(gorg).count() == SearchDocument.objects.for_org(gorg).filter(
        kind="escalation").count()
