"""The one search: ranking (title above body), highlights, filters, typos, tenant scope."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.search import index_upsert, register_kind, search_documents
from tests.factories import PodFactory, member
from tests.knowledge.factories import guild, incident, lesson

pytestmark = pytest.mark.django_db


def titles(result):
    return [h.title_html for h in result.hits]


def test_title_match_ranks_above_body_match(org):
    g = guild(org)
    lesson(org, g, title="Notes on deployment", body="We mention vectorstore once here.")
    lesson(org, g, title="Vectorstore sizing", body="How we sized the index.")
    r = search_documents(organization=org, q="vectorstore")
    assert r.count == 2
    assert r.hits[0].title_html == "<mark>Vectorstore</mark> sizing"
    assert r.hits[0].rank > r.hits[1].rank


def test_snippet_highlights_matches_and_escapes_document_text(org):
    g = guild(org)
    lesson(org, g, title="Prompt injection",
           body="An attacker wrote <script>alert(1)</script> and the guardrail caught the injection.")
    r = search_documents(organization=org, q="guardrail")
    snippet = r.hits[0].snippet_html
    assert "<mark>guardrail</mark>" in snippet
    assert "<script" not in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_websearch_syntax_and_stemming(org):
    g = guild(org)
    lesson(org, g, title="Evaluating retrieval", body="recall at k")
    lesson(org, g, title="Evaluating summaries", body="rouge is not enough")
    assert len(search_documents(organization=org, q="evaluate").hits) == 2
    assert titles(search_documents(organization=org, q="evaluate -rouge")) == [
        "<mark>Evaluating</mark> retrieval"]
    assert search_documents(organization=org, q='"recall at k"').count == 1


def test_typo_falls_back_to_trigram_on_titles(org):
    lesson(org, guild(org), title="Kubernetes autoscaling for inference")
    r = search_documents(organization=org, q="kubernetis")
    assert r.fuzzy and r.count == 1 and "Kubernetes" in r.hits[0].title_html


def test_filters_by_kind_guild_pod_tag_and_date(org):
    g1, g2 = guild(org, name="One"), guild(org, name="Two")
    pod = PodFactory(organization=org)
    lesson(org, g1, title="Drift alarms", tags=["monitoring"], pod=pod)
    lesson(org, g2, title="Drift budgets", tags=["finance"])
    actor = member(org)
    inc = incident(org, actor, title="Drift incident")
    services.postmortem_save(organization=org, actor=actor.user, incident=inc,
                             summary="Drift went unnoticed", publish=True)
    assert search_documents(organization=org, q="drift").count == 3
    assert search_documents(organization=org, q="drift", kind="postmortem").count == 1
    assert search_documents(organization=org, q="drift", guild_id=g2.pk).count == 1
    assert search_documents(organization=org, q="drift", pod_id=pod.pk).count == 1
    assert search_documents(organization=org, q="drift", tag="finance").count == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert search_documents(organization=org, q="drift", since=tomorrow).count == 0


def test_results_are_scoped_to_the_organization(org, other_org):
    lesson(org, guild(org), title="Shared secret word zebra")
    lesson(other_org, guild(other_org), title="Other zebra")
    r = search_documents(organization=other_org, q="zebra")
    assert titles(r) == ["Other <mark>zebra</mark>"]
    assert search_documents(organization=other_org, q="zebr").hits[0].title_html == (
        "Other <mark>zebra</mark>")


def test_pagination(org):
    g = guild(org)
    for i in range(25):
        lesson(org, g, title=f"Caching lesson {i}")
    r = search_documents(organization=org, q="caching", per_page=10, page=3)
    assert r.count == 25 and r.num_pages == 3 and len(r.hits) == 5 and not r.has_next


def test_other_apps_can_register_a_kind(org):
    register_kind("catalog_model", "Catalog model")
    index_upsert(organization=org, kind="catalog_model", object_id=1, title="Llama guard",
                 body="A safety classifier", url="/x/")
    r = search_documents(organization=org, q="safety classifier")
    assert r.hits[0].kind_label == "Catalog model"
    with pytest.raises(ValueError):
        index_upsert(organization=org, kind="unknown", object_id=1, title="x")


def test_editing_a_lesson_updates_its_document(org):
    le = lesson(org, guild(org), title="Old words")
    services.lesson_update(organization=org, actor=le.author, lesson=le, title="Fresh words")
    assert search_documents(organization=org, q="fresh").count == 1
    assert search_documents(organization=org, q="old").count == 0


def test_partial_words_match_as_prefixes(org):
    lesson(org, guild(org), title="Calibrate the judge")
    r = search_documents(organization=org, q="calibrat")
    assert r.count == 1 and "<mark>Calibrate</mark>" in r.hits[0].title_html
    lesson(org, guild(org, name="G2"), title="Evaluation harness", body="x")
    r = search_documents(organization=org, q="evalu")  # a stem prefix: the FTS index answers
    assert not r.fuzzy and "<mark>Evaluation</mark> harness" in [h.title_html for h in r.hits]
