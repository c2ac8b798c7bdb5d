"""Guilds, lessons (history, votes, comments, drafts), digests, incidents and post-mortems."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from knowledge import services, tasks
from knowledge.models import (
    GuildDigest,
    Lesson,
    LessonRevision,
    LessonStatus,
    SearchDocument,
)
from tenancy.models import AuditEvent, Notification
from tests.factories import PodFactory, member
from tests.knowledge.factories import guild, incident, lesson

pytestmark = pytest.mark.django_db


def test_guild_create_makes_creator_steward_and_audits(org):
    g = guild(org, name="MLOps")
    m = g.members.get()
    assert m.is_steward
    assert AuditEvent.objects.for_org(org).filter(action="guild.created").exists()
    with pytest.raises(ValidationError):
        guild(org, name="mlops")


def test_publishing_notifies_members_renders_and_indexes(org):
    g = guild(org)
    follower = member(org)
    services.guild_join(organization=org, actor=follower.user, guild=g)
    le = lesson(org, g, body="Hello <script>x</script> **world**", tags="Eval, RAG, eval")
    assert le.tags == ["eval", "rag"]
    assert "<strong>world</strong>" in le.body_html and "<script" not in le.body_html
    assert Notification.objects.for_org(org).filter(user=follower.user,
                                                   kind="knowledge.lesson_posted").exists()
    doc = SearchDocument.objects.for_org(org).get(kind="lesson", object_id=le.pk)
    assert doc.guild_id_ref == g.pk and "eval" in doc.tags


def test_draft_is_not_indexed_until_published(org):
    g = guild(org)
    author = member(org)
    services.guild_join(organization=org, actor=author.user, guild=g)
    draft = lesson(org, g, author, publish=False)
    assert draft.status == LessonStatus.DRAFT and draft.published_at is None
    assert not SearchDocument.objects.for_org(org).filter(kind="lesson").exists()
    services.lesson_update(organization=org, actor=author.user, lesson=draft, publish=True)
    draft.refresh_from_db()
    assert draft.status == LessonStatus.PUBLISHED and draft.published_at
    assert SearchDocument.objects.for_org(org).filter(kind="lesson", object_id=draft.pk).exists()


def test_edit_keeps_history(org):
    g = guild(org)
    le = lesson(org, g, title="v1 title", body="first text")
    services.lesson_update(organization=org, actor=le.author, lesson=le, title="v2 title",
                           body="second text")
    le.refresh_from_db()
    assert le.version == 2 and le.body_html == "<p>second text</p>\n"
    rev = LessonRevision.objects.for_org(org).get(lesson=le)
    assert (rev.version, rev.title, rev.body) == (1, "v1 title", "first text")
    # Saving the same text writes no revision.
    services.lesson_update(organization=org, actor=le.author, lesson=le, title="v2 title")
    assert LessonRevision.objects.for_org(org).filter(lesson=le).count() == 1


def test_vote_is_one_per_person_and_toggles(org):
    le = lesson(org, guild(org))
    voter = member(org)
    assert services.lesson_vote_toggle(organization=org, actor=voter.user, lesson=le) is True
    le.refresh_from_db()
    assert le.helpful_count == 1
    assert services.lesson_vote_toggle(organization=org, actor=voter.user, lesson=le) is False
    le.refresh_from_db()
    assert le.helpful_count == 0


def test_threaded_comments_flatten_to_one_level_and_notify_author(org):
    le = lesson(org, guild(org))
    a, b = member(org), member(org)
    top = services.lesson_comment_create(organization=org, actor=a.user, lesson=le, body="Nice")
    reply = services.lesson_comment_create(organization=org, actor=b.user, lesson=le,
                                           body="Agree", parent=top)
    nested = services.lesson_comment_create(organization=org, actor=a.user, lesson=le,
                                            body="Thanks", parent=reply)
    assert reply.parent_id == top.pk and nested.parent_id == top.pk
    le.refresh_from_db()
    assert le.comment_count == 3
    assert Notification.objects.for_org(org).filter(user=le.author, kind="knowledge.comment").count() == 3
    with pytest.raises(ValidationError):
        services.lesson_comment_create(organization=org, actor=a.user, lesson=le, body="  ")


def test_cross_org_links_are_refused(org, other_org):
    g = guild(org)
    foreign_pod = PodFactory(organization=other_org)
    with pytest.raises(ValidationError) as exc:
        lesson(org, g, pod=foreign_pod)
    assert "pod" in exc.value.message_dict


def test_invalid_lesson_names_the_field(org):
    with pytest.raises(ValidationError) as exc:
        lesson(org, guild(org), body="   ")
    assert "body" in exc.value.message_dict


def test_digest_sent_once_per_guild_and_week(org, django_capture_on_commit_callbacks):
    g = guild(org)
    reader = member(org)
    services.guild_join(organization=org, actor=reader.user, guild=g)
    le = lesson(org, g)
    week_start = services.week_start_of(timezone.localdate()) + datetime.timedelta(days=7)
    Lesson.objects.for_org(org).filter(pk=le.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # fanned out once committed
        tasks.send_guild_digests(week_start.isoformat())
    sent = len(mail.outbox)
    assert sent == 3  # steward, reader, author
    assert "Pin your eval set" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_guild_digests(week_start.isoformat())  # a retried beat
    assert len(mail.outbox) == sent
    assert GuildDigest.objects.for_org(org).filter(guild=g, week_start=week_start).count() == 1


def test_digest_with_nothing_new_sends_nothing(org):
    g = guild(org)
    mail.outbox.clear()
    d = services.guild_digest_send(organization=org, guild=g,
                                   week_start=services.week_start_of(timezone.localdate()))
    assert d is not None and d.lesson_count == 0 and mail.outbox == []


def test_incident_times_are_checked_and_taxonomy_enforced(org):
    actor = member(org)
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        incident(org, actor, started_at=now, detected_at=now - datetime.timedelta(hours=1))
    assert "detected_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        incident(org, actor, tags=["blame-bob"])
    assert "tags" in exc.value.message_dict


def test_postmortem_publish_indexes_and_turns_into_lesson(org):
    actor = member(org)
    inc = incident(org, actor)
    pm = services.postmortem_save(organization=org, actor=actor.user, incident=inc,
                                  summary="Feature pipeline silently dropped a column.",
                                  timeline="2025-03-01 10:15 | Alert fired\n2025-03-01 09:00 | Deploy",
                                  root_cause="No schema check.")
    assert [r["entry"] for r in pm.timeline] == ["Deploy", "Alert fired"]
    assert not SearchDocument.objects.for_org(org).filter(kind="postmortem").exists()
    g = guild(org, steward=actor)
    with pytest.raises(ValidationError):
        services.postmortem_to_lesson(organization=org, actor=actor.user, postmortem=pm, guild=g)
    pm = services.postmortem_save(organization=org, actor=actor.user, incident=inc, publish=True)
    assert SearchDocument.objects.for_org(org).filter(kind="postmortem", object_id=pm.pk).exists()
    services.action_item_create(organization=org, actor=actor.user, postmortem=pm,
                                title="Add schema check", due_date=timezone.localdate())
    le = services.postmortem_to_lesson(organization=org, actor=actor.user, postmortem=pm, guild=g)
    assert le.kind == "failure" and le.incident_id == inc.pk and le.status == "draft"
    assert "No schema check." in le.body and "Add schema check" in le.body


def test_bad_timeline_line_is_a_field_error(org):
    actor = member(org)
    with pytest.raises(ValidationError) as exc:
        services.postmortem_save(organization=org, actor=actor.user, incident=incident(org, actor),
                                 summary="x", timeline="yesterday morning the alert")
    assert "timeline" in exc.value.message_dict


def test_overdue_action_items_remind_owner_once_a_day(org):
    actor, owner = member(org), member(org)
    inc = incident(org, actor)
    pm = services.postmortem_save(organization=org, actor=actor.user, incident=inc, summary="s")
    services.action_item_create(organization=org, actor=actor.user, postmortem=pm, title="Fix it",
                                owner=owner.user,
                                due_date=timezone.localdate() - datetime.timedelta(days=2))
    assert tasks.remind_overdue_action_items() == 1
    assert tasks.remind_overdue_action_items() == 0
    assert Notification.objects.for_org(org).filter(user=owner.user,
                                                   kind="knowledge.action_overdue").count() == 1


def test_rotation_end_asks_for_a_lesson_once(org):
    from tests.factories import PersonFactory

    admin = member(org, "admin")
    person = PersonFactory(organization=org, user=member(org).user)
    host = PodFactory(organization=org)
    today = timezone.localdate()
    services.rotation_create(organization=org, actor=admin.user, person=person, host_pod=host,
                             start_date=today - datetime.timedelta(days=30),
                             end_date=today - datetime.timedelta(days=1), goals="Learn serving")
    assert tasks.request_rotation_lessons() == 1
    assert tasks.request_rotation_lessons() == 0
    g = guild(org)
    services.guild_join(organization=org, actor=person.user, guild=g)
    le = services.lesson_create(organization=org, actor=person.user, guild=g,
                                title="What serving taught me", body="Batch your requests.")
    from knowledge.models import Rotation

    assert Rotation.objects.for_org(org).get().lesson_id == le.pk


def test_showcase_influence_is_counted(org):
    from knowledge.selectors import showcase_get

    admin = member(org, "admin")
    sc = services.showcase_create(organization=org, actor=admin.user, title="March showcase",
                                  date=timezone.localdate())
    p = services.presentation_create(organization=org, actor=admin.user, showcase=sc,
                                     title="RAG that failed", kind="failure")
    services.presentation_cite(organization=org, actor=admin.user, presentation=p,
                               pod=PodFactory(organization=org))
    lesson(org, guild(org), presentation=p)
    sc = showcase_get(organization=org, pk=sc.pk)
    assert (sc.presentation_count, sc.citation_count, sc.lesson_count) == (1, 1, 1)
    assert SearchDocument.objects.for_org(org).filter(kind="presentation").exists()
