"""The one search: ranking (title above body), highlights, filters, typo correction against
the organization's own lexicon, paging, tenant scope."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.models import SearchTerm
from knowledge.search import (
    corrected_query,
    index_upsert,
    search_documents,
    search_terms_rebuild,
)
from tenancy.registry import SearchKind, registry
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


def test_typo_is_corrected_against_the_lexicon(org):
    lesson(org, guild(org), title="Kubernetes autoscaling for inference")
    r = search_documents(organization=org, q="kubernetis")
    assert r.fuzzy and r.corrected == "kubernetes" and r.count == 1
    assert r.hits[0].title_html == "<mark>Kubernetes</mark> autoscaling for inference"


def test_typo_in_a_word_only_the_body_has_is_corrected_too(org):
    g = guild(org)
    lesson(org, g, title="Pinning dependencies", body="Upgrade the tokenizer with the model.")
    lesson(org, g, title="Unrelated", body="Nothing to see.")
    r = search_documents(organization=org, q="tokenzier")
    assert (r.corrected, r.count) == ("tokenizer", 1)
    assert "<mark>tokenizer</mark>" in r.hits[0].snippet_html


def test_correction_keeps_known_words_and_the_search_syntax(org):
    g = guild(org)
    lesson(org, g, title="Shadow deployment of rankers", body="Compare before switching.")
    lesson(org, g, title="Shadow deployment costs", body="Double the compute.")
    r = search_documents(organization=org, q='"shadow deploymnet" -costs')
    assert r.corrected == '"shadow deployment" -costs'
    assert titles(r) == ["<mark>Shadow</mark> <mark>deployment</mark> of rankers"]
    assert search_documents(organization=org, q="Shadow DEPLOYMNET").corrected == "Shadow deployment"


def test_known_words_are_not_corrected_when_filters_exclude_them(org):
    g1, g2 = guild(org, name="One"), guild(org, name="Two")
    lesson(org, g1, title="Drift alarms")
    lesson(org, g2, title="Budget reviews")
    r = search_documents(organization=org, q="drift", guild_id=g2.pk)
    assert (r.count, r.corrected, r.hits) == (0, "", [])


def test_nothing_close_enough_finds_nothing(org):
    lesson(org, guild(org), title="Caching embeddings")
    r = search_documents(organization=org, q="qqxxzz")
    assert (r.count, r.corrected, r.fuzzy) == (0, "", False)
    assert search_documents(organization=org, q="ab").count == 0  # too short to correct


def test_the_lexicon_is_the_organizations_own(org, other_org):
    """Another tenant's words never become a suggestion: that would tell one what the other wrote."""
    lesson(other_org, guild(other_org), title="Zeppelin migration")
    lesson(org, guild(org), title="Caching embeddings")
    assert corrected_query(organization=org, q="zepelin") == ""
    assert search_documents(organization=org, q="zepelin").count == 0
    assert corrected_query(organization=other_org, q="zepelin") == "zeppelin"
    assert "zeppelin" not in set(SearchTerm.objects.for_org(org).values_list("word", flat=True))


def test_lexicon_grows_with_indexing_and_the_rebuild_drops_removed_words(org):
    le = lesson(org, guild(org), title="Quantization notes", body="Use int8 with calibration.")
    words = set(SearchTerm.objects.for_org(org).values_list("word", flat=True))
    assert {"quantization", "notes", "int8", "calibration", "use", "with"} <= words
    assert not any(len(w) < 3 for w in words)
    services.lesson_update(organization=org, actor=le.author, lesson=le, title="Pruning notes",
                           body="Drop heads.")
    assert corrected_query(organization=org, q="quantizaton") == "quantization"  # until rebuilt
    assert search_terms_rebuild(organization=org) == SearchTerm.objects.for_org(org).count()
    words = set(SearchTerm.objects.for_org(org).values_list("word", flat=True))
    assert "quantization" not in words and {"pruning", "heads"} <= words
    assert corrected_query(organization=org, q="quantizaton") == ""


def test_rebuild_task_covers_every_organization_once_more_safely(org, other_org,
                                                                django_capture_on_commit_callbacks):
    from knowledge.tasks import rebuild_search_terms

    lesson(org, guild(org), title="Alpha rollout")
    lesson(other_org, guild(other_org), title="Beta rollout")
    SearchTerm.objects.for_org(org).delete()
    with django_capture_on_commit_callbacks(execute=True):  # fanned out once committed
        assert rebuild_search_terms.delay().get() == 2
        rebuild_search_terms.delay().get()  # twice is harmless
    assert corrected_query(organization=org, q="alpah") == "alpha"
    assert corrected_query(organization=other_org, q="alpah") == ""


def test_page_past_the_end_still_says_how_many_there_are(org):
    g = guild(org)
    for i in range(3):
        lesson(org, g, title=f"Retries lesson {i}")
    r = search_documents(organization=org, q="retries", per_page=2, page=5)
    assert (r.count, r.hits, r.num_pages) == (3, [], 2)
    r = search_documents(organization=org, q="retires", per_page=2, page=2)
    assert (r.count, len(r.hits), r.corrected) == (3, 1, "retries")


def test_no_query_lists_the_newest_documents(org):
    g = guild(org)
    for i in range(3):
        lesson(org, g, title=f"Lesson <{i}>")
    r = search_documents(organization=org, q="", per_page=2)
    assert r.count == 3 and len(r.hits) == 2 and r.hits[0].title_html.startswith("Lesson &lt;")
    assert search_documents(organization=org, q="", per_page=2, page=9).count == 3


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
    # A kind no app registers, so unregistering it afterwards cannot take a real app's kind away.
    registry.search_kinds.register(SearchKind(kind="test_widget", label="Test widget"))
    try:
        index_upsert(organization=org, kind="test_widget", object_id=1, title="Llama guard",
                     body="A safety classifier", url="/x/")
        r = search_documents(organization=org, q="safety classifier")
        assert r.hits[0].kind_label == "Test widget"
        with pytest.raises(ValueError):
            index_upsert(organization=org, kind="unknown", object_id=1, title="x")
    finally:
        registry.search_kinds.unregister("test_widget")


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


@pytest.mark.parametrize("q", ["'", ":*", "a & | !b", "(x", "\\", "ü½ café", "😀 emoji", "x" * 300,
                               "-", '"', 'or or', "tokenzier:*", "%s %(org)s {where}"])
def test_any_text_is_a_query_never_an_error(org, q):
    lesson(org, guild(org), title="Café tokenizer notes")
    r = search_documents(organization=org, q=q)
    assert r.count >= 0 and all("<" not in h.title_html.replace("<mark>", "").replace("</mark>", "")
                                for h in r.hits)
