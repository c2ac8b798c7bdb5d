"""Knowledge API: lessons list/create/read, search, guilds, incidents; scoping and errors."""

from __future__ import annotations

import pytest

from knowledge import services
from tests.api.helpers import assert_constant_queries, client_for, error_fields, ids, url
from tests.factories import PodFactory, member
from tests.knowledge.factories import guild, incident, lesson

pytestmark = pytest.mark.django_db


def test_lesson_list_is_scoped_and_filtered(org, other_org):
    g = guild(org)
    a = lesson(org, g, title="A", kind="success")
    lesson(org, g, title="B", kind="failure")
    lesson(other_org, guild(other_org), title="Other")
    client = client_for(member(org))
    assert set(ids(client.get(url(org, "knowledge_api:lesson-list")))) == {a.pk, a.pk + 1}
    response = client.get(url(org, "knowledge_api:lesson-list"), {"kind": "success"})
    assert ids(response) == [a.pk]
    response = client.get(url(org, "knowledge_api:lesson-list"), {"kind": "bogus"})
    assert response.status_code == 400 and error_fields(response) == {"kind"}


def test_lesson_create_by_guild_member_and_errors(org, other_org):
    g = guild(org)
    m = member(org)
    client = client_for(m)
    body = {"guild": g.pk, "title": "Via API", "body": "# Hi <script>x</script>", "tags": ["api"]}
    assert client.post(url(org, "knowledge_api:lesson-list"), body, format="json").status_code == 403
    services.guild_join(organization=org, actor=m.user, guild=g)
    response = client.post(url(org, "knowledge_api:lesson-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["body_html"].startswith("<h1>Hi") and "<script" not in data["body_html"]
    foreign = guild(other_org, name="Foreign")
    response = client.post(url(org, "knowledge_api:lesson-list"),
                           {**body, "guild": foreign.pk, "pod": PodFactory(organization=other_org).pk},
                           format="json")
    assert response.status_code == 400 and error_fields(response) == {"guild", "pod"}
    response = client.post(url(org, "knowledge_api:lesson-list"), {"guild": g.pk}, format="json")
    assert response.status_code == 400 and {"title", "body"} <= error_fields(response)


def test_lesson_retrieve_and_drafts_hidden(org, other_org):
    g = guild(org)
    le = lesson(org, g)
    draft = lesson(org, g, title="Draft", publish=False)
    client = client_for(member(org))
    assert client.get(url(org, "knowledge_api:lesson-detail", pk=le.pk)).json()["title"] == le.title
    assert client.get(url(org, "knowledge_api:lesson-detail", pk=draft.pk)).status_code == 404
    assert client.get(url(other_org, "knowledge_api:lesson-detail", pk=le.pk)).status_code == 404


def test_search_endpoint(org):
    g = guild(org)
    lesson(org, g, title="Retrieval evaluation", body="Use recall at k.")
    actor = member(org)
    services.postmortem_save(organization=org, actor=actor.user,
                             incident=incident(org, actor, title="Retrieval outage"),
                             summary="Index was stale", publish=True)
    client = client_for(actor)
    body = client.get(url(org, "knowledge_api:knowledge-search-list"), {"q": "retrieval"}).json()
    assert body["count"] == 2
    assert {r["kind"] for r in body["results"]} == {"lesson", "postmortem"}
    assert all("<mark>" in r["title_html"] for r in body["results"])
    body = client.get(url(org, "knowledge_api:knowledge-search-list"),
                      {"q": "retrieval", "kind": "postmortem"}).json()
    assert body["count"] == 1
    assert body["corrected"] == "" and body["fuzzy"] is False
    body = client.get(url(org, "knowledge_api:knowledge-search-list"), {"q": "retreival"}).json()
    assert (body["corrected"], body["fuzzy"], body["count"]) == ("retrieval", True, 2)
    response = client.get(url(org, "knowledge_api:knowledge-search-list"), {"kind": "nope"})
    assert response.status_code == 400 and error_fields(response) == {"kind"}


def test_guilds_and_incidents(org):
    g = guild(org)
    lesson(org, g)
    actor = member(org)
    inc = incident(org, actor)
    client = client_for(actor)
    row = client.get(url(org, "knowledge_api:guild-list")).json()["results"][0]
    assert row["member_count"] == 2 and row["lesson_count"] == 1
    assert ids(client.get(url(org, "knowledge_api:incident-list"))) == [inc.pk]
    assert client.get(url(org, "knowledge_api:incident-detail", pk=inc.pk)).json()["tags"] == [
        "model-failure"]


def test_lesson_list_queries_are_constant(org, django_assert_max_num_queries):
    g = guild(org)
    author = member(org)
    services.guild_join(organization=org, actor=author.user, guild=g)
    client = client_for(member(org))

    def grow(n):
        for i in range(n):
            lesson(org, g, author, title=f"L{i}", pod=PodFactory(organization=org))

    assert_constant_queries(django_assert_max_num_queries,
                            lambda: client.get(url(org, "knowledge_api:lesson-list")), grow, bound=6)
