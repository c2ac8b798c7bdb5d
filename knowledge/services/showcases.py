"""Writes for showcases and their presentations (and what cites them), talks and rotations."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knowledge.models import Citation, Presentation, Rotation, SearchKind, Showcase, Talk
from knowledge.search import index_upsert
from knowledge.services.common import clean_tags, entry_changes_apply, org_url, same_org
from tenancy.audit import audit_record, snapshot
from tenancy.cache import KNOWLEDGE
from tenancy.models import Organization, User
from tenancy.notifications import notify
from tenancy.writes import org_write

__all__ = ["showcase_create", "showcase_update", "presentation_create", "presentation_update",
           "presentation_cite", "talk_create", "talk_update", "rotation_create", "rotation_update",
           "rotations_request_lessons"]

SHOWCASE_FIELDS = ("title", "date", "recording_url")
PRESENTATION_FIELDS = ("title", "kind", "pod", "summary", "slides_url")
TALK_FIELDS = ("title", "kind", "speaker", "date", "guild", "summary", "recording_url",
               "paper_url", "tags")
ROTATION_FIELDS = ("person", "home_pod", "host_pod", "start_date", "end_date", "goals")


@org_write.service(KNOWLEDGE)
def showcase_create(*, organization: Organization, actor: User, title: str, date: datetime.date,
                    recording_url: str = "") -> Showcase:
    showcase = Showcase(organization=organization, title=(title or "").strip(), date=date,
                        recording_url=recording_url or "")
    showcase.full_clean(validate_constraints=False)
    showcase.save()
    audit_record(organization=organization, actor=actor, action="showcase.created",
                 target=showcase, after=snapshot(showcase))
    return showcase


@org_write.service(KNOWLEDGE)
def showcase_update(*, organization: Organization, actor: User, showcase: Showcase,
                    **changes: Any) -> Showcase:
    """Correct a showcase; its presentations' search documents carry its title and date."""
    obj = Showcase.objects.for_org(organization).select_for_update().get(pk=showcase.pk)
    before = snapshot(obj, SHOWCASE_FIELDS)
    entry_changes_apply(organization, obj, changes, SHOWCASE_FIELDS)
    obj.full_clean(validate_constraints=False)
    obj.save()
    after = snapshot(obj, SHOWCASE_FIELDS)
    audit_record(organization=organization, actor=actor, action="showcase.updated", target=obj,
                 before=before, after=after)
    if (before["title"], before["date"]) != (after["title"], after["date"]):
        for p in Presentation.objects.for_org(organization).filter(showcase=obj).order_by("pk"):
            _index_presentation(p, obj)
    return obj


def _index_presentation(p: Presentation, showcase: Showcase) -> None:
    org = showcase.organization
    index_upsert(organization=org, kind=SearchKind.PRESENTATION, object_id=p.pk, title=p.title,
                 body=f"{p.summary}\n\nPresented at {showcase.title}", tags=[p.kind],
                 pod_id=p.pod_id, date=showcase.date,
                 url=org_url(org, "showcase_detail", pk=showcase.pk) + f"#p{p.pk}")


@org_write.service(KNOWLEDGE)
def presentation_create(*, organization: Organization, actor: User, showcase: Showcase,
                        title: str, kind: str = "success", pod: Any = None, summary: str = "",
                        slides_url: str = "") -> Presentation:
    same_org(organization, "showcase", showcase)
    same_org(organization, "pod", pod)
    p = Presentation(organization=organization, showcase=showcase, pod=pod,
                     title=(title or "").strip(), kind=kind, summary=(summary or "").strip(),
                     slides_url=slides_url or "")
    p.full_clean(exclude=["showcase", "pod"], validate_constraints=False)
    p.save()
    audit_record(organization=organization, actor=actor, action="presentation.created", target=p,
                 after=snapshot(p))
    _index_presentation(p, showcase)
    return p


@org_write.service(KNOWLEDGE)
def presentation_update(*, organization: Organization, actor: User, presentation: Presentation,
                        **changes: Any) -> Presentation:
    """Correct a presentation (it stays in its showcase) and its search document."""
    p = (Presentation.objects.for_org(organization).select_for_update(of=("self",))
         .select_related("showcase").get(pk=presentation.pk))
    before = snapshot(p, PRESENTATION_FIELDS)
    entry_changes_apply(organization, p, changes, PRESENTATION_FIELDS)
    p.full_clean(exclude=["showcase", "pod"], validate_constraints=False)
    p.save()
    audit_record(organization=organization, actor=actor, action="presentation.updated", target=p,
                 before=before, after=snapshot(p, PRESENTATION_FIELDS))
    _index_presentation(p, p.showcase)
    return p


@org_write.service(KNOWLEDGE)
def presentation_cite(*, organization: Organization, actor: User, presentation: Presentation,
                      pod: Any = None, note: str = "") -> Citation:
    """Record that later work (a pod's project, an outcome named in the note) drew on it."""
    same_org(organization, "presentation", presentation)
    same_org(organization, "pod", pod)
    if pod is None and not (note or "").strip():
        raise ValidationError({"note": "Name the pod or describe the work that was influenced."})
    c = Citation(organization=organization, presentation=presentation, pod=pod,
                 note=(note or "").strip(), cited_by=actor)
    c.full_clean(exclude=["presentation", "pod", "cited_by"], validate_constraints=False)
    c.save()
    audit_record(organization=organization, actor=actor, action="presentation.cited",
                 target=presentation, after={"pod": getattr(pod, "pk", None), "note": c.note})
    return c


@org_write.service(KNOWLEDGE)
def talk_create(*, organization: Organization, actor: User, title: str, speaker: str,
                date: datetime.date, kind: str = "talk", guild: Any = None, summary: str = "",
                recording_url: str = "", paper_url: str = "", tags: Any = None) -> Talk:
    same_org(organization, "guild", guild)
    talk = Talk(organization=organization, title=(title or "").strip(), speaker=(speaker or "").strip(),
                date=date, kind=kind, guild=guild, summary=(summary or "").strip(),
                recording_url=recording_url or "", paper_url=paper_url or "",
                tags=clean_tags(tags))
    talk.full_clean(exclude=["guild"], validate_constraints=False)
    talk.save()
    audit_record(organization=organization, actor=actor, action="talk.created", target=talk,
                 after=snapshot(talk))
    _index_talk(talk)
    return talk


def _index_talk(talk: Talk) -> None:
    org = talk.organization
    index_upsert(organization=org, kind=SearchKind.TALK, object_id=talk.pk,
                 title=talk.title, body=f"{talk.summary}\n\nSpeaker: {talk.speaker}",
                 tags=talk.tags + [talk.kind], guild_id=talk.guild_id, date=talk.date,
                 url=org_url(org, "talk_list") + f"#t{talk.pk}")


@org_write.service(KNOWLEDGE)
def talk_update(*, organization: Organization, actor: User, talk: Talk, **changes: Any) -> Talk:
    obj = Talk.objects.for_org(organization).select_for_update().get(pk=talk.pk)
    before = snapshot(obj, TALK_FIELDS)
    entry_changes_apply(organization, obj, changes, TALK_FIELDS)
    obj.full_clean(exclude=["guild"], validate_constraints=False)
    obj.save()
    audit_record(organization=organization, actor=actor, action="talk.updated", target=obj,
                 before=before, after=snapshot(obj, TALK_FIELDS))
    _index_talk(obj)
    return obj


@org_write.service(KNOWLEDGE)
def rotation_create(*, organization: Organization, actor: User, person: Any, host_pod: Any,
                    start_date: datetime.date, end_date: datetime.date, goals: str,
                    home_pod: Any = None) -> Rotation:
    same_org(organization, "person", person)
    same_org(organization, "host_pod", host_pod)
    same_org(organization, "home_pod", home_pod)
    r = Rotation(organization=organization, person=person, host_pod=host_pod, home_pod=home_pod,
                 start_date=start_date, end_date=end_date, goals=(goals or "").strip())
    _check_rotation(r)
    r.save()
    audit_record(organization=organization, actor=actor, action="rotation.created", target=r,
                 target_repr=f"{person} → {host_pod}", after=snapshot(r))
    return r


def _check_rotation(r: Rotation) -> None:
    """Another pod than home, an end not before the start; then the model's own checks."""
    if r.home_pod_id is not None and r.home_pod_id == r.host_pod_id:
        raise ValidationError({"host_pod": "A rotation goes to another pod than the home pod."})
    if r.start_date and r.end_date and r.end_date < r.start_date:
        raise ValidationError({"end_date": "The rotation cannot end before it starts."})
    r.full_clean(exclude=["person", "host_pod", "home_pod", "lesson"], validate_constraints=False)


@org_write.service(KNOWLEDGE)
def rotation_update(*, organization: Organization, actor: User, rotation: Rotation,
                    **changes: Any) -> Rotation:
    """Correct a rotation. Extended past today before its lesson came, it is asked for again
    when it really ends."""
    r = (Rotation.objects.for_org(organization).select_for_update(of=("self",))
         .select_related("person", "host_pod").get(pk=rotation.pk))
    before = snapshot(r, ROTATION_FIELDS)
    entry_changes_apply(organization, r, changes, ROTATION_FIELDS)
    _check_rotation(r)
    if (r.lesson_id is None and r.lesson_requested_at is not None
            and r.end_date > timezone.localdate()):
        r.lesson_requested_at = None
    r.save()
    audit_record(organization=organization, actor=actor, action="rotation.updated", target=r,
                 target_repr=f"{r.person} → {r.host_pod}", before=before,
                 after=snapshot(r, ROTATION_FIELDS))
    return r


def rotations_request_lessons(*, organization: Organization,
                              today: datetime.date | None = None) -> int:
    """Ask each person whose rotation has ended for a lesson, once (idempotent)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(Rotation.objects.for_org(organization).select_for_update(skip_locked=True)
                   .filter(end_date__lte=today, lesson_requested_at__isnull=True,
                           lesson__isnull=True, person__user__isnull=False)
                   .select_related("person__user", "host_pod").order_by("pk"))
        for r in due:
            notify(organization=organization, users=[r.person.user],
                   kind="knowledge.rotation_lesson",
                   title=f"Your rotation in {r.host_pod} has ended: share a lesson",
                   body="What did you learn that your home pod (and everyone) should know?",
                   url=org_url(organization, "lesson_create"), email=True)
        Rotation.objects.for_org(organization).filter(pk__in=[r.pk for r in due]).update(
            lesson_requested_at=timezone.now())
    return len(due)
