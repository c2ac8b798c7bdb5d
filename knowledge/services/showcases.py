"""Writes for showcases and their presentations (and what cites them), talks and rotations."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knowledge.models import Citation, Presentation, Rotation, SearchKind, Showcase, Talk
from knowledge.search import index_upsert
from knowledge.services.common import clean_tags, org_url, same_org
from tenancy.audit import audit_record, snapshot
from tenancy.cache import org_cache_bump
from tenancy.models import Organization, User
from tenancy.notifications import notify

__all__ = ["showcase_create", "presentation_create", "presentation_cite", "talk_create",
           "rotation_create", "rotations_request_lessons"]


@transaction.atomic
def showcase_create(*, organization: Organization, actor: User, title: str, date: datetime.date,
                    recording_url: str = "") -> Showcase:
    showcase = Showcase(organization=organization, title=(title or "").strip(), date=date,
                        recording_url=recording_url or "")
    showcase.full_clean(validate_constraints=False)
    showcase.save()
    audit_record(organization=organization, actor=actor, action="showcase.created",
                 target=showcase, after=snapshot(showcase))
    org_cache_bump(organization)
    return showcase


def _index_presentation(p: Presentation, showcase: Showcase) -> None:
    org = showcase.organization
    index_upsert(organization=org, kind=SearchKind.PRESENTATION, object_id=p.pk, title=p.title,
                 body=f"{p.summary}\n\nPresented at {showcase.title}", tags=[p.kind],
                 pod_id=p.pod_id, date=showcase.date,
                 url=org_url(org, "showcase_detail", pk=showcase.pk) + f"#p{p.pk}")


@transaction.atomic
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
    org_cache_bump(organization)
    return p


@transaction.atomic
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
    org_cache_bump(organization)
    return c


@transaction.atomic
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
    index_upsert(organization=organization, kind=SearchKind.TALK, object_id=talk.pk,
                 title=talk.title, body=f"{talk.summary}\n\nSpeaker: {talk.speaker}",
                 tags=talk.tags + [talk.kind], guild_id=talk.guild_id, date=talk.date,
                 url=org_url(organization, "talk_list") + f"#t{talk.pk}")
    org_cache_bump(organization)
    return talk


@transaction.atomic
def rotation_create(*, organization: Organization, actor: User, person: Any, host_pod: Any,
                    start_date: datetime.date, end_date: datetime.date, goals: str,
                    home_pod: Any = None) -> Rotation:
    same_org(organization, "person", person)
    same_org(organization, "host_pod", host_pod)
    same_org(organization, "home_pod", home_pod)
    if home_pod is not None and home_pod.pk == host_pod.pk:
        raise ValidationError({"host_pod": "A rotation goes to another pod than the home pod."})
    if end_date < start_date:
        raise ValidationError({"end_date": "The rotation cannot end before it starts."})
    r = Rotation(organization=organization, person=person, host_pod=host_pod, home_pod=home_pod,
                 start_date=start_date, end_date=end_date, goals=(goals or "").strip())
    r.full_clean(exclude=["person", "host_pod", "home_pod", "lesson"], validate_constraints=False)
    r.save()
    audit_record(organization=organization, actor=actor, action="rotation.created", target=r,
                 target_repr=f"{person} → {host_pod}", after=snapshot(r))
    org_cache_bump(organization)
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
