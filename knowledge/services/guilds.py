"""Writes for guilds, lessons (with edit history), votes, comments and weekly digests."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from integrations.payloads import webhook_data
from integrations.services import event_emit
from knowledge.markdown import html_to_text, render_markdown
from knowledge.models import (
    Guild,
    GuildDigest,
    GuildMember,
    Lesson,
    LessonComment,
    LessonKind,
    LessonRevision,
    LessonStatus,
    LessonVote,
    SearchKind,
)
from knowledge.search import index_remove, index_upsert
from knowledge.services.common import clean_tags, org_url, same_org
from tenancy.audit import audit_record, snapshot
from tenancy.cache import KNOWLEDGE, LESSON_FEEDBACK
from tenancy.models import Organization, User
from tenancy.notifications import notify
from tenancy.writes import current_write, org_write

__all__ = [
    "guild_create", "guild_update", "guild_join", "guild_leave", "guild_set_steward",
    "lesson_create", "lesson_update", "lesson_delete", "lesson_vote_toggle",
    "lesson_comment_create", "lesson_comment_remove", "guilds_inform_of_pod_decision", "lesson_index", "guild_digest_send", "week_start_of",
]

GUILD_FIELDS = ("name", "topic", "description")
LESSON_FIELDS = ("title", "kind", "body", "tags", "pod", "incident", "presentation")


# --- Guilds ------------------------------------------------------------------------------------


def _check_guild_name(organization: Organization, name: str, exclude_pk: int | None) -> None:
    same = Guild.objects.for_org(organization).filter(name__iexact=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"name": f"A guild named “{name}” already exists."})


@org_write.service(KNOWLEDGE)
def guild_create(*, organization: Organization, actor: User, name: str, topic: str = "",
                 description: str = "") -> Guild:
    """Create a guild; its creator joins as its first steward."""
    guild = Guild(organization=organization, name=(name or "").strip(), topic=(topic or "").strip(),
                  description=(description or "").strip())
    guild.full_clean(validate_constraints=False)
    _check_guild_name(organization, guild.name, None)
    guild.save()
    GuildMember.objects.create(organization=organization, guild=guild, user=actor, is_steward=True)
    audit_record(organization=organization, actor=actor, action="guild.created", target=guild,
                 after=snapshot(guild))
    return guild


@org_write.service(KNOWLEDGE)
def guild_update(*, organization: Organization, actor: User, guild: Guild, **changes: Any) -> Guild:
    g = Guild.objects.for_org(organization).select_for_update().get(pk=guild.pk)
    before = snapshot(g, GUILD_FIELDS)
    for key, value in changes.items():
        if key not in GUILD_FIELDS:
            raise ValidationError({key: "This field cannot be changed here."})
        setattr(g, key, (value or "").strip())
    g.full_clean(validate_constraints=False)
    _check_guild_name(organization, g.name, g.pk)
    g.save()
    audit_record(organization=organization, actor=actor, action="guild.updated", target=g,
                 before=before, after=snapshot(g, GUILD_FIELDS))
    return g


@org_write.service()
def guild_join(*, organization: Organization, actor: User, guild: Guild) -> GuildMember:
    same_org(organization, "guild", guild)
    member, created = GuildMember.objects.get_or_create(
        organization=organization, guild=guild, user=actor)
    if created:
        current_write().touch(KNOWLEDGE)
        audit_record(organization=organization, actor=actor, action="guild.joined", target=guild)
    return member


@org_write.service(KNOWLEDGE)
def guild_leave(*, organization: Organization, actor: User, guild: Guild) -> None:
    same_org(organization, "guild", guild)
    rows = GuildMember.objects.for_org(organization).filter(guild=guild)
    mine = rows.filter(user=actor).first()
    if mine is None:
        return
    if mine.is_steward and not rows.filter(is_steward=True).exclude(pk=mine.pk).exists() \
            and rows.count() > 1:
        raise ValidationError("You are the guild's only steward: name another steward first.")
    mine.delete()
    audit_record(organization=organization, actor=actor, action="guild.left", target=guild)


@org_write.service(KNOWLEDGE)
def guild_set_steward(*, organization: Organization, actor: User, guild: Guild, user: User,
                      is_steward: bool) -> GuildMember:
    same_org(organization, "guild", guild)
    member = GuildMember.objects.for_org(organization).filter(guild=guild, user=user).first()
    if member is None:
        raise ValidationError({"user": "Only a member of the guild can be a steward."})
    member.is_steward = is_steward
    member.save(update_fields=["is_steward"])
    audit_record(organization=organization, actor=actor, action="guild.steward_changed",
                 target=guild, after={"user": user.email, "is_steward": is_steward})
    return member


def guilds_inform_of_pod_decision(*, organization: Organization, pod: Any, actor: User | None,
                                  title: str, body: str = "", url: str = "") -> int:
    """Notify the members of the guilds the pod's current members belong to (once each).

    Decision tier 2 reads "the pod decides and informs its guild": a pod's guilds are the
    communities its people practise in. Returns how many people were told.
    """
    from pods.selectors import pod_members

    users = [a.person.user_id for a in pod_members(organization=organization, pod=pod)
             if a.person.user_id]
    guild_ids = set(GuildMember.objects.for_org(organization).filter(user_id__in=users)
                    .values_list("guild_id", flat=True))
    audience = (GuildMember.objects.for_org(organization).filter(guild_id__in=guild_ids)
                .exclude(user=actor).select_related("user"))
    recipients = {m.user_id: m.user for m in audience}
    notify(organization=organization, users=recipients.values(), kind="knowledge.pod_decision",
           title=title, body=body, url=url)
    return len(recipients)


# --- Lessons -----------------------------------------------------------------------------------


def _check_links(organization: Organization, lesson: Lesson) -> None:
    same_org(organization, "guild", lesson.guild)
    same_org(organization, "pod", lesson.pod)
    same_org(organization, "incident", lesson.incident)
    same_org(organization, "presentation", lesson.presentation)
    if lesson.kind not in LessonKind.values:
        raise ValidationError({"kind": "Choose success, failure or how-to."})
    if not (lesson.body or "").strip():
        raise ValidationError({"body": "Write the lesson: what happened and what you learned."})


def lesson_index(lesson: Lesson) -> None:
    """Keep the lesson's search document current: published lessons only."""
    org = lesson.organization
    if lesson.status != LessonStatus.PUBLISHED:
        index_remove(organization=org, kind=SearchKind.LESSON, object_id=lesson.pk)
        return
    index_upsert(organization=org, kind=SearchKind.LESSON, object_id=lesson.pk,
                 title=lesson.title, body=html_to_text(lesson.body_html),
                 tags=lesson.tags + [lesson.kind],
                 pod_id=lesson.pod_id, guild_id=lesson.guild_id,
                 date=(lesson.published_at or timezone.now()).date(),
                 url=org_url(org, "lesson_detail", pk=lesson.pk))


def _announce(organization: Organization, actor: User, lesson: Lesson) -> None:
    followers = [m.user for m in GuildMember.objects.for_org(organization)
                 .filter(guild_id=lesson.guild_id).exclude(user=actor).select_related("user")]
    notify(organization=organization, users=followers, kind="knowledge.lesson_posted",
           title=f"New lesson in {lesson.guild.name}: {lesson.title}",
           body=f"{actor} posted a {lesson.get_kind_display().lower()} lesson.",
           url=org_url(organization, "lesson_detail", pk=lesson.pk))


@org_write.service(KNOWLEDGE)
def lesson_create(*, organization: Organization, actor: User, guild: Guild, title: str,
                  body: str, kind: str = LessonKind.HOWTO, tags: Any = None,
                  pod: Any = None, incident: Any = None, presentation: Any = None,
                  publish: bool = True) -> Lesson:
    """Post a lesson (or save a draft). Publishing notifies the guild's members."""
    lesson = Lesson(organization=organization, guild=guild, author=actor,
                    title=(title or "").strip(), kind=kind, body=body or "",
                    tags=clean_tags(tags), pod=pod, incident=incident, presentation=presentation,
                    status=LessonStatus.PUBLISHED if publish else LessonStatus.DRAFT)
    _check_links(organization, lesson)
    lesson.full_clean(exclude=["guild", "pod", "incident", "presentation", "author"],
                      validate_constraints=False)
    lesson.body_html = render_markdown(lesson.body)
    if publish:
        lesson.published_at = timezone.now()
    lesson.save()
    audit_record(organization=organization, actor=actor,
                 action="lesson.published" if publish else "lesson.drafted", target=lesson,
                 after=snapshot(lesson, ("title", "kind", "status", "guild", "tags")))
    lesson_index(lesson)
    if publish:
        event_emit(organization=organization, type="lesson.published", data=webhook_data(lesson))
        _announce(organization, actor, lesson)
        _answer_rotation(organization, actor, lesson)
    return lesson


def _answer_rotation(organization: Organization, actor: User, lesson: Lesson) -> None:
    """The first lesson someone publishes after a finished rotation asked for one answers it."""
    from knowledge.models import Rotation

    Rotation.objects.for_org(organization).filter(
        person__user=actor, lesson__isnull=True, lesson_requested_at__isnull=False).update(
        lesson=lesson)


@org_write.service(KNOWLEDGE)
def lesson_update(*, organization: Organization, actor: User, lesson: Lesson,
                  publish: bool | None = None, **changes: Any) -> Lesson:
    """Edit a lesson: the previous text becomes a revision (the edit history); `publish=True`
    publishes a draft."""
    obj = (Lesson.objects.for_org(organization).select_for_update().select_related("guild")
           .get(pk=lesson.pk))
    before = snapshot(obj, ("title", "kind", "body", "tags", "status"))
    old = (obj.title, obj.body, list(obj.tags))
    for key, value in changes.items():
        if key not in LESSON_FIELDS:
            raise ValidationError({key: "This field cannot be changed here."})
        if key == "tags":
            value = clean_tags(value)
        elif key == "title":
            value = (value or "").strip()
        setattr(obj, key, value)
    _check_links(organization, obj)
    obj.full_clean(exclude=["guild", "pod", "incident", "presentation", "author"],
                   validate_constraints=False)
    text_changed = (obj.title, obj.body, list(obj.tags)) != old
    if text_changed:
        LessonRevision.objects.create(organization=organization, lesson=obj, version=obj.version,
                                      title=old[0], body=old[1], tags=old[2], editor=actor)
        obj.version += 1
        obj.body_html = render_markdown(obj.body)
    newly_published = bool(publish) and obj.status == LessonStatus.DRAFT
    if newly_published:
        obj.status = LessonStatus.PUBLISHED
        obj.published_at = timezone.now()
    obj.save()
    audit_record(organization=organization, actor=actor,
                 action="lesson.published" if newly_published else "lesson.updated", target=obj,
                 before=before, after=snapshot(obj, ("title", "kind", "body", "tags", "status")))
    lesson_index(obj)
    if newly_published:
        _announce(organization, actor, obj)
    return obj


@org_write.service(KNOWLEDGE)
def lesson_delete(*, organization: Organization, actor: User, lesson: Lesson) -> None:
    """Moderation: remove a lesson (stewards, admins) or a draft (its author)."""
    same_org(organization, "lesson", lesson)
    audit_record(organization=organization, actor=actor, action="lesson.deleted", target=lesson,
                 before=snapshot(lesson, ("title", "kind", "status", "guild", "author")))
    index_remove(organization=organization, kind=SearchKind.LESSON, object_id=lesson.pk)
    lesson.delete()


@org_write.service(LESSON_FEEDBACK)
def lesson_vote_toggle(*, organization: Organization, actor: User, lesson: Lesson) -> bool:
    """Mark the lesson helpful, or take the vote back; returns whether the actor now votes."""
    same_org(organization, "lesson", lesson)
    if lesson.status != LessonStatus.PUBLISHED:
        raise ValidationError("Only published lessons can be voted on.")
    existing = LessonVote.objects.for_org(organization).filter(lesson=lesson, user=actor)
    if existing.exists():
        existing.delete()
        delta, voted = -1, False
    else:
        try:
            with transaction.atomic():
                LessonVote.objects.create(organization=organization, lesson=lesson, user=actor)
        except IntegrityError:  # a double click raced us: the vote is there already
            return True
        delta, voted = 1, True
    Lesson.objects.for_org(organization).filter(pk=lesson.pk).update(
        helpful_count=F("helpful_count") + delta)
    audit_record(organization=organization, actor=actor,
                 action="lesson.voted" if voted else "lesson.unvoted", target=lesson)
    return voted


@org_write.service(LESSON_FEEDBACK)
def lesson_comment_create(*, organization: Organization, actor: User, lesson: Lesson, body: str,
                          parent: LessonComment | None = None) -> LessonComment:
    same_org(organization, "lesson", lesson)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment."})
    if parent is not None:
        if parent.lesson_id != lesson.pk:
            raise ValidationError({"parent": "That comment is on another lesson."})
        parent = parent.parent or parent  # threads are one level deep
    comment = LessonComment(organization=organization, lesson=lesson, parent=parent,
                            author=actor, body=body)
    comment.full_clean(exclude=["lesson", "parent", "author"], validate_constraints=False)
    comment.body_html = render_markdown(body)
    comment.save()
    Lesson.objects.for_org(organization).filter(pk=lesson.pk).update(
        comment_count=F("comment_count") + 1)
    audit_record(organization=organization, actor=actor, action="lesson.commented", target=lesson,
                 after={"comment": comment.pk})
    if lesson.author_id and lesson.author_id != actor.pk:
        notify(organization=organization, users=[lesson.author], kind="knowledge.comment",
               title=f"New comment on “{lesson.title}”", body=body[:300],
               url=org_url(organization, "lesson_detail", pk=lesson.pk) + f"#c{comment.pk}")
    return comment


REMOVED_COMMENT = "*This comment was removed.*"


@org_write.service(LESSON_FEEDBACK)
def lesson_comment_remove(*, organization: Organization, actor: User,
                          comment: LessonComment) -> LessonComment:
    """Moderate a comment: its text goes, its place in the thread (and the replies) stay."""
    same_org(organization, "comment", comment)
    c = LessonComment.objects.for_org(organization).select_for_update().get(pk=comment.pk)
    if c.body == REMOVED_COMMENT:
        return c
    before = {"body": c.body, "author": c.author_id}
    c.body = REMOVED_COMMENT
    c.body_html = render_markdown(REMOVED_COMMENT)
    c.save(update_fields=["body", "body_html"])
    audit_record(organization=organization, actor=actor, action="lesson.comment_removed",
                 target=c, target_repr=f"comment on lesson {c.lesson_id}", before=before,
                 after={"body": c.body})
    return c


# --- Weekly digest -----------------------------------------------------------------------------


def week_start_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def guild_digest_send(*, organization: Organization, guild: Guild,
                      week_start: datetime.date) -> GuildDigest | None:
    """Email the guild's members the lessons published in the week before `week_start`.

    The (guild, week) row is claimed first, in its own transaction; a second run (a retried
    task, a second beat) finds it and sends nothing. Returns the digest, or None when it was
    already claimed.
    """
    same_org(organization, "guild", guild)
    since = datetime.datetime.combine(week_start - datetime.timedelta(days=7), datetime.time.min,
                                      tzinfo=datetime.UTC)
    until = datetime.datetime.combine(week_start, datetime.time.min, tzinfo=datetime.UTC)
    lessons = list(Lesson.objects.for_org(organization)
                   .filter(guild=guild, status=LessonStatus.PUBLISHED,
                           published_at__gte=since, published_at__lt=until)
                   .select_related("author").order_by("-helpful_count", "-published_at")[:20])
    members = list(GuildMember.objects.for_org(organization).filter(guild=guild)
                   .select_related("user"))
    try:
        with transaction.atomic():
            digest = GuildDigest.objects.create(
                organization=organization, guild=guild, week_start=week_start,
                lesson_count=len(lessons), recipient_count=len(members) if lessons else 0)
    except IntegrityError:
        return None
    if lessons and members:
        lines = [f"- {lesson.title} ({lesson.get_kind_display()}, by {lesson.author or 'someone'})"
                 for lesson in lessons]
        message = (f"New in {guild.name} for the week before {week_start:%d %b %Y}:\n\n"
                   + "\n".join(lines) + "\n\n" + org_url(organization, "guild_detail", pk=guild.pk))
        for m in members:
            send_mail(subject=f"[{organization.name}] {guild.name}: {len(lessons)} new lesson"
                      f"{'s' if len(lessons) != 1 else ''}", message=message, from_email=None,
                      recipient_list=[m.user.email], fail_silently=True)
    return digest
