"""Knowledge pages: every page renders, permissions decide buttons and POSTs alike, errors are
400 with field messages, htmx partials, and constant query counts at two data sizes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge import services
from knowledge.models import Lesson, LessonStatus
from tests.factories import PersonFactory, PodFactory, member
from tests.knowledge.factories import guild, incident, lesson

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def u(org, name, *args):
    return reverse(f"knowledge:{name}", args=[org.slug, *args])


@pytest.fixture
def world(org):
    admin = member(org, "admin")
    g = guild(org, name="Evaluation", steward=admin)
    le = lesson(org, g, title="Freeze the eval set", body="**Always** freeze it.",
                pod=PodFactory(organization=org))
    services.lesson_comment_create(organization=org, actor=admin.user, lesson=le, body="Yes")
    inc = incident(org, admin, pod=le.pod)
    pm = services.postmortem_save(organization=org, actor=admin.user, incident=inc,
                                  summary="Schema drift", publish=True)
    item = services.action_item_create(organization=org, actor=admin.user, postmortem=pm,
                                       title="Add check", due_date=timezone.localdate())
    sc = services.showcase_create(organization=org, actor=admin.user, title="March",
                                  date=timezone.localdate())
    services.presentation_create(organization=org, actor=admin.user, showcase=sc, title="RAG")
    services.talk_create(organization=org, actor=admin.user, title="Attention", speaker="A",
                         date=timezone.localdate() + datetime.timedelta(days=3), guild=g)
    return {"admin": admin, "guild": g, "lesson": le, "incident": inc, "item": item, "showcase": sc}


def test_every_page_renders_for_a_plain_member(client, org, world):
    client.force_login(member(org).user)
    le, g, inc, sc = world["lesson"], world["guild"], world["incident"], world["showcase"]
    pages = [u(org, "home"), u(org, "search") + "?q=eval", u(org, "search"),
             u(org, "guild_detail", g.pk), u(org, "lesson_list"), u(org, "lesson_drafts"),
             u(org, "lesson_create"), u(org, "lesson_detail", le.pk),
             u(org, "lesson_history", le.pk), u(org, "incident_list"),
             u(org, "incident_create"), u(org, "incident_detail", inc.pk),
             u(org, "showcase_list"), u(org, "showcase_detail", sc.pk), u(org, "talk_list"),
             u(org, "rotation_list"), u(org, "pod_panel", le.pod_id)]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
    home = client.get(u(org, "home")).content.decode()
    assert "Evaluation" in home and "Freeze the eval set" in home


def test_only_guild_members_post(client, org, world):
    g = world["guild"]
    outsider = member(org)
    client.force_login(outsider.user)
    data = {"guild": g.pk, "title": "T", "kind": "howto", "body": "B", "action": "publish"}
    response = client.post(u(org, "lesson_create"), data)
    assert response.status_code == 400  # the guild is not among their choices
    assert "guild" in response.context["form"].errors
    assert "Join a guild" in client.get(u(org, "lesson_create")).content.decode()
    client.post(u(org, "guild_membership", g.pk), {"action": "join"})
    response = client.post(u(org, "lesson_create"), data)
    assert response.status_code == 302
    assert Lesson.objects.for_org(org).filter(title="T", author=outsider.user).exists()


def test_invalid_lesson_is_400_with_field_messages(client, org, world):
    client.force_login(world["admin"].user)
    response = client.post(u(org, "lesson_create"),
                           {"guild": world["guild"].pk, "title": "", "kind": "nope", "body": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "kind", "body"} <= set(errors)
    assert 'class="error"' in response.content.decode()


def test_showcase_create_page_redirects_with_a_message_or_answers_400(client, org, world):
    from knowledge.models import Showcase

    client.force_login(world["admin"].user)
    assert client.post(u(org, "showcase_create"), {"title": "", "date": "not-a-date"}).status_code == 400
    response = client.post(u(org, "showcase_create"), {"title": "April", "date": "2026-04-02"}, follow=True)
    sc = Showcase.objects.for_org(org).get(title="April")
    assert response.redirect_chain[-1][0] == u(org, "showcase_detail", sc.pk)
    assert "Showcase “April” created." in response.content.decode()


def test_draft_then_publish_and_drafts_are_private(client, org, world):
    author = member(org)
    services.guild_join(organization=org, actor=author.user, guild=world["guild"])
    client.force_login(author.user)
    client.post(u(org, "lesson_create"), {"guild": world["guild"].pk, "title": "Half done",
                                          "kind": "howto", "body": "wip", "action": "draft"})
    draft = Lesson.objects.for_org(org).get(title="Half done")
    assert draft.status == LessonStatus.DRAFT
    assert "Half done" in client.get(u(org, "lesson_drafts")).content.decode()
    client.force_login(member(org).user)
    assert client.get(u(org, "lesson_detail", draft.pk)).status_code == 404
    assert "Half done" not in client.get(u(org, "lesson_list")).content.decode()
    client.force_login(author.user)
    client.post(u(org, "lesson_edit", draft.pk), {"title": "Done", "kind": "howto",
                                                  "body": "finished", "action": "publish"})
    draft.refresh_from_db()
    assert draft.status == LessonStatus.PUBLISHED and draft.version == 2


def test_authors_edit_their_own_stewards_moderate(client, org, world):
    le = world["lesson"]
    client.force_login(member(org).user)
    assert client.get(u(org, "lesson_edit", le.pk)).status_code == 403
    assert "Edit</a>" not in client.get(u(org, "lesson_detail", le.pk)).content.decode()
    client.force_login(le.author)
    assert client.get(u(org, "lesson_edit", le.pk)).status_code == 200
    response = client.post(u(org, "lesson_edit", le.pk), {"title": "Freeze it", "kind": "howto",
                                                          "body": "New body", "action": "save"})
    assert response.status_code == 302
    history = client.get(u(org, "lesson_history", le.pk)).content.decode()
    assert "Version 2" in history and "Freeze the eval set" in history
    client.force_login(le.author)
    assert client.post(u(org, "lesson_edit", le.pk), {"action": "delete"}).status_code == 403
    client.force_login(world["admin"].user)  # the guild's steward
    assert client.post(u(org, "lesson_edit", le.pk), {"action": "delete"}).status_code == 302
    assert not Lesson.objects.for_org(org).filter(pk=le.pk).exists()


def test_live_preview_is_sanitised(client, org, world):
    client.force_login(member(org).user)
    response = client.post(u(org, "lesson_preview"),
                           {"body": "# Hi\n<script>alert(1)</script>[x](javascript:alert(1))"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>Hi</h1>" in html
    assert "<script" not in html and 'href="javascript' not in html


def test_vote_and_comment_through_htmx(client, org, world):
    le = world["lesson"]
    client.force_login(member(org).user)
    response = client.post(u(org, "lesson_vote", le.pk), **HX)
    assert response.status_code == 200 and "Helpful · 1" in response.content.decode()
    response = client.post(u(org, "lesson_comment", le.pk), {"body": ""}, **HX)
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(u(org, "lesson_comment", le.pk), {"body": "Great *tip*"}, **HX)
    assert response.status_code == 200 and "<em>tip</em>" in response.content.decode()


def test_search_page_and_partial(client, org, world):
    client.force_login(member(org).user)
    response = client.get(u(org, "search"), {"q": "freeze"})
    assert "<mark>Freeze</mark>" in response.content.decode()
    partial = client.get(u(org, "search"), {"q": "freeze"}, **HX).content.decode()
    assert partial.startswith('<div id="search-results"') or 'id="search-results"' in partial[:200]
    assert "<html" not in partial
    empty = client.get(u(org, "search"), {"q": "nothingmatcheszzz"}).content.decode()
    assert "Nothing found" in empty
    typo = client.get(u(org, "search"), {"q": "freezze", "kind": "lesson"}).content.decode()
    assert "No results for “freezze”" in typo and "<mark>Freeze</mark>" in typo
    assert '<a href="?q=freeze&amp;kind=lesson">freeze</a>' in typo  # the correction, filters kept
    g = world["guild"]
    page = client.get(u(org, "search"), {"q": "x", "kind": "lesson", "guild": g.pk}).content.decode()
    assert '<option value="lesson" selected>' in page and f'<option value="{g.pk}" selected>' in page
    assert page.count(" selected>") == 2  # pods: none chosen, none marked


def test_incident_pages_and_postmortem_to_lesson(client, org, world):
    admin, inc = world["admin"], world["incident"]
    client.force_login(admin.user)
    response = client.post(u(org, "incident_create"), {"title": "", "system": "x"})
    assert response.status_code == 400 and "title" in response.context["form"].errors
    response = client.post(u(org, "postmortem_to_lesson", inc.pk), {"guild": world["guild"].pk})
    assert response.status_code == 302 and "/edit/" in response["Location"]
    assert Lesson.objects.for_org(org).filter(incident=inc, status="draft").exists()
    client.post(u(org, "action_item_status", inc.pk, world["item"].pk), {"status": "done"})
    world["item"].refresh_from_db()
    assert world["item"].status == "done"
    client.force_login(member(org).user)
    assert client.get(u(org, "incident_edit", inc.pk)).status_code == 403
    assert client.post(u(org, "postmortem_edit", inc.pk), {"summary": "x"}).status_code == 403


def test_rotation_and_talk_need_leaders(client, org, world):
    client.force_login(member(org).user)
    assert client.post(u(org, "talk_list"), {"title": "x"}).status_code == 403
    assert client.post(u(org, "rotation_list"), {}).status_code == 403
    client.force_login(world["admin"].user)
    pod_a, pod_b = PodFactory(organization=org), PodFactory(organization=org)
    person = PersonFactory(organization=org)
    today = timezone.localdate()
    response = client.post(u(org, "rotation_list"), {
        "person": person.pk, "home_pod": pod_a.pk, "host_pod": pod_b.pk,
        "start_date": today, "end_date": today - datetime.timedelta(days=1), "goals": "g"})
    assert response.status_code == 400


def test_pod_page_shows_knowledge_panel(client, org, world):
    client.force_login(member(org).user)
    pod_id = world["lesson"].pod_id
    page = client.get(reverse("pods:pod_detail", args=[org.slug, pod_id])).content.decode()
    assert u(org, "pod_panel", pod_id) in page
    panel = client.get(u(org, "pod_panel", pod_id), **HX).content.decode()
    assert "Freeze the eval set" in panel and "Drift in churn model" in panel


# --- Query counts ---------------------------------------------------------------------------------


def _grow(org, g, n):
    author = member(org)
    services.guild_join(organization=org, actor=author.user, guild=g)
    pods = [PodFactory(organization=org) for _ in range(2)]
    for i in range(n):
        le = lesson(org, g, author, title=f"Batch lesson {i} about caching", tags=[f"t{i % 3}"],
                    pod=pods[i % 2])
        services.lesson_comment_create(organization=org, actor=author.user, lesson=le, body="c")
        services.guild_join(organization=org, actor=member(org).user, guild=g)


@pytest.mark.parametrize("page", ["guild", "lessons", "search", "search_typo", "home", "pod_panel",
                                  "incidents", "showcase"])
def test_query_counts_do_not_grow(client, org, world, django_assert_max_num_queries, page):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    g = world["guild"]
    viewer = member(org)
    client.force_login(viewer.user)
    path = {"guild": u(org, "guild_detail", g.pk), "lessons": u(org, "lesson_list"),
            "search": u(org, "search") + "?q=caching", "home": u(org, "home"),
            "search_typo": u(org, "search") + "?q=cachng",
            "pod_panel": u(org, "pod_panel", world["lesson"].pod_id),
            "incidents": u(org, "incident_list"),
            "showcase": u(org, "showcase_detail", world["showcase"].pk)}[page]
    counts = []
    for n in (2, 25):
        _grow(org, g, n)
        for _ in range(2):
            inc = incident(org, world["admin"], pod=world["lesson"].pod)
            services.postmortem_save(organization=org, actor=world["admin"].user, incident=inc,
                                     summary="caching broke", publish=True)
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts.append(len(ctx.captured_queries))
        cache.clear()
        with django_assert_max_num_queries(14):
            client.get(path)
    print(f"queries {page}: {counts}")
    assert counts[0] == counts[1], f"{page}: {counts}"


def test_guild_page_member_actions_carry_the_sessions_own_csrf_token(org):
    import re

    from django.test import Client

    from knowledge import services
    from knowledge.models import GuildMember
    from tests.factories import member

    steward, joiner = member(org, "leader"), member(org)
    guild = services.guild_create(organization=org, actor=steward.user, name="CSRF Guild")
    services.guild_join(organization=org, actor=joiner.user, guild=guild)
    c = Client(enforce_csrf_checks=True)
    c.force_login(steward.user)
    body = c.get(f"/o/{org.slug}/knowledge/guilds/{guild.pk}/").content.decode()
    assert "<!--podium:csrf-->" not in body
    form = body[body.index('name="action" value="steward"') - 600:]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = c.post(f"/o/{org.slug}/knowledge/guilds/{guild.pk}/membership/",
                      {"csrfmiddlewaretoken": token, "user": joiner.user_id, "action": "steward"})
    assert response.status_code == 302
    assert GuildMember.objects.for_org(org).get(guild=guild, user=joiner.user).is_steward


def test_comment_removal_by_author_steward_or_admin_only(client, org):
    from knowledge import services
    from knowledge.models import LessonComment
    from tenancy.models import AuditEvent
    from tests.factories import member

    steward, writer, commenter, stranger = (member(org, "leader"), member(org), member(org),
                                            member(org))
    guild = services.guild_create(organization=org, actor=steward.user, name="Moderated")
    services.guild_join(organization=org, actor=writer.user, guild=guild)
    lesson = services.lesson_create(organization=org, actor=writer.user, guild=guild,
                                    title="A lesson", body="Body")
    comment = services.lesson_comment_create(organization=org, actor=commenter.user,
                                             lesson=lesson, body="Rude words")
    url = f"/o/{org.slug}/knowledge/lessons/{lesson.pk}/comments/{comment.pk}/remove/"
    client.force_login(stranger.user)
    assert client.post(url).status_code == 403
    client.force_login(steward.user)
    page = client.get(f"/o/{org.slug}/knowledge/lessons/{lesson.pk}/").content.decode()
    assert url in page
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 200
    comment = LessonComment.objects.for_org(org).get(pk=comment.pk)
    assert "Rude words" not in comment.body and "removed" in comment.body_html
    event = AuditEvent.objects.for_org(org).get(action="lesson.comment_removed")
    assert event.before["body"] == "Rude words"


def test_search_page_numbers_out_of_range_are_not_errors(client, org, world):
    client.force_login(member(org).user)
    for page in ["100000000000000000000", "-3", "x", "0"]:
        for q in ["freeze", "", "freezze"]:
            response = client.get(u(org, "search"), {"q": q, "page": page})
            assert response.status_code == 200, (q, page)
