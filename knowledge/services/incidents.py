"""Writes for the incident database: incidents, post-mortems, action items, reminders, and
turning a published post-mortem into a lesson."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from integrations.payloads import webhook_data
from integrations.services import event_emit
from knowledge.models import (
    INCIDENT_TAXONOMY,
    ActionItem,
    ActionStatus,
    Guild,
    Incident,
    Lesson,
    LessonKind,
    PostMortem,
    SearchKind,
)
from knowledge.search import index_upsert
from knowledge.services.common import org_url, same_org
from tenancy.audit import audit_record, snapshot
from tenancy.cache import KNOWLEDGE
from tenancy.models import Membership, Organization, User
from tenancy.notifications import notify
from tenancy.writes import org_write

__all__ = [
    "incident_create", "incident_update", "postmortem_save", "action_item_create",
    "action_item_set_status", "action_items_remind_overdue", "postmortem_to_lesson",
    "postmortem_index",
]

TAXONOMY = {key for key, _ in INCIDENT_TAXONOMY}
INCIDENT_FIELDS = ("title", "pod", "system", "severity", "status", "started_at", "detected_at",
                   "resolved_at", "impact", "tags")
POSTMORTEM_FIELDS = ("summary", "timeline", "contributing_factors", "root_cause", "went_well")


def _check_incident(organization: Organization, incident: Incident) -> None:
    same_org(organization, "pod", incident.pod)
    unknown = set(incident.tags) - TAXONOMY
    if unknown:
        raise ValidationError({"tags": f"Unknown categories: {', '.join(sorted(unknown))}."})
    if incident.started_at and incident.detected_at and incident.detected_at < incident.started_at:
        raise ValidationError({"detected_at": "An incident cannot be detected before it started."})
    if incident.resolved_at and incident.started_at and incident.resolved_at < incident.started_at:
        raise ValidationError({"resolved_at": "An incident cannot be resolved before it started."})
    if incident.status == "resolved" and not incident.resolved_at:
        raise ValidationError({"resolved_at": "Say when the incident was resolved."})


@org_write.service(KNOWLEDGE)
def incident_create(*, organization: Organization, actor: User | None, title: str, system: str,
                    started_at: datetime.datetime, detected_at: datetime.datetime,
                    severity: str = "sev3", status: str = "open", pod: Any = None,
                    resolved_at: datetime.datetime | None = None, impact: str = "",
                    tags: list[str] | None = None) -> Incident:
    incident = Incident(organization=organization, title=(title or "").strip(),
                        system=(system or "").strip(), severity=severity, status=status, pod=pod,
                        started_at=started_at, detected_at=detected_at, resolved_at=resolved_at,
                        impact=(impact or "").strip(), tags=list(tags or []), reported_by=actor)
    incident.full_clean(exclude=["pod", "reported_by"], validate_constraints=False)
    _check_incident(organization, incident)
    incident.save()
    audit_record(organization=organization, actor=actor, action="incident.reported",
                 target=incident, after=snapshot(incident, INCIDENT_FIELDS))
    event_emit(organization=organization, type="incident.opened", data=webhook_data(incident))
    return incident


@org_write.service(KNOWLEDGE)
def incident_update(*, organization: Organization, actor: User | None, incident: Incident,
                    **changes: Any) -> Incident:
    obj = Incident.objects.for_org(organization).select_for_update().get(pk=incident.pk)
    before = snapshot(obj, INCIDENT_FIELDS)
    for key, value in changes.items():
        if key not in INCIDENT_FIELDS:
            raise ValidationError({key: "This field cannot be changed here."})
        setattr(obj, key, value)
    obj.full_clean(exclude=["pod", "reported_by"], validate_constraints=False)
    _check_incident(organization, obj)
    obj.save()
    audit_record(organization=organization, actor=actor, action="incident.updated", target=obj,
                 before=before, after=snapshot(obj, INCIDENT_FIELDS))
    pm = PostMortem.objects.for_org(organization).filter(incident=obj).first()
    if pm is not None and pm.is_published:
        postmortem_index(pm, obj)
    return obj


def _clean_timeline(timeline: Any) -> list[dict[str, str]]:
    """Timeline entries as [{"at": ISO time, "entry": text}], sorted by time.

    Accepts the list, or text with one entry per line: `2025-03-01 10:15 | Alert fired`.
    """
    if isinstance(timeline, str):
        rows = []
        for n, line in enumerate(timeline.splitlines(), start=1):
            if not line.strip():
                continue
            at, sep, entry = line.partition("|")
            if not sep or not entry.strip():
                raise ValidationError({"timeline": f"Line {n}: write “time | what happened”."})
            rows.append({"at": at.strip(), "entry": entry.strip()})
        timeline = rows
    out = []
    for n, row in enumerate(timeline or [], start=1):
        if not isinstance(row, dict) or not str(row.get("entry", "")).strip():
            raise ValidationError({"timeline": f"Entry {n} needs a time and a text."})
        when = parse_datetime(str(row.get("at", "")).replace(" ", "T", 1))
        if when is None:
            raise ValidationError({"timeline": f"Entry {n}: “{row.get('at')}” is not a time "
                                   "(use YYYY-MM-DD HH:MM)."})
        out.append({"at": when.strftime("%Y-%m-%d %H:%M"), "entry": str(row["entry"]).strip()[:500]})
    return sorted(out, key=lambda r: r["at"])


def postmortem_index(pm: PostMortem, incident: Incident) -> None:
    org = incident.organization
    timeline = "\n".join(f"{r['at']} {r['entry']}" for r in pm.timeline)
    # dict.fromkeys: an impact that repeats the summary is indexed (and shown in snippets) once.
    body = "\n\n".join(dict.fromkeys(x for x in (incident.impact, pm.summary, pm.root_cause,
                                                pm.contributing_factors, pm.went_well, timeline)
                                     if x))
    index_upsert(organization=org, kind=SearchKind.POSTMORTEM, object_id=pm.pk,
                 title=f"Post-mortem: {incident.title}", body=body,
                 tags=list(incident.tags) + [incident.severity], pod_id=incident.pod_id,
                 date=incident.started_at.date(),
                 url=org_url(org, "incident_detail", pk=incident.pk))


@org_write.service(KNOWLEDGE)
def postmortem_save(*, organization: Organization, actor: User, incident: Incident,
                    publish: bool = False, **fields: Any) -> PostMortem:
    """Write the incident's post-mortem (creating it the first time); `publish` makes it
    searchable. A published post-mortem stays published."""
    same_org(organization, "incident", incident)
    pm = PostMortem.objects.for_org(organization).select_for_update().filter(incident=incident).first()
    created = pm is None
    if pm is None:
        pm = PostMortem(organization=organization, incident=incident, author=actor)
    before = None if created else snapshot(pm, POSTMORTEM_FIELDS)
    for key, value in fields.items():
        if key not in POSTMORTEM_FIELDS:
            raise ValidationError({key: "This field cannot be changed here."})
        setattr(pm, key, _clean_timeline(value) if key == "timeline" else (value or "").strip())
    if not pm.summary:
        raise ValidationError({"summary": "Summarise what happened, blamelessly."})
    pm.full_clean(exclude=["incident", "author"], validate_constraints=False)
    if publish and not pm.is_published:
        pm.is_published, pm.published_at = True, timezone.now()
    pm.save()
    audit_record(organization=organization, actor=actor,
                 action="postmortem.created" if created else "postmortem.updated", target=pm,
                 before=before, after=snapshot(pm, (*POSTMORTEM_FIELDS, "is_published")))
    if pm.is_published:
        postmortem_index(pm, incident)
    return pm


@org_write.service(KNOWLEDGE)
def action_item_create(*, organization: Organization, actor: User, postmortem: PostMortem,
                       title: str, due_date: datetime.date, owner: User | None = None) -> ActionItem:
    same_org(organization, "postmortem", postmortem)
    if owner is not None and not Membership.objects.for_org(organization).filter(user=owner).exists():
        raise ValidationError({"owner": "The owner must be a member of this organization."})
    item = ActionItem(organization=organization, postmortem=postmortem, title=(title or "").strip(),
                      owner=owner, due_date=due_date)
    item.full_clean(exclude=["postmortem", "owner"], validate_constraints=False)
    item.save()
    audit_record(organization=organization, actor=actor, action="action_item.created",
                 target=item, target_repr=item.title, after=snapshot(item))
    if owner is not None and owner.pk != actor.pk:
        notify(organization=organization, users=[owner], kind="knowledge.action_item",
               title=f"Action item for you: {item.title}", body=f"Due {due_date:%d %b %Y}.",
               url=org_url(organization, "incident_detail", pk=postmortem.incident_id))
    return item


@org_write.service(KNOWLEDGE)
def action_item_set_status(*, organization: Organization, actor: User, item: ActionItem,
                           status: str) -> ActionItem:
    same_org(organization, "item", item)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose open, done or dropped."})
    before = snapshot(item, ("status",))
    item.status = status
    item.save(update_fields=["status"])
    audit_record(organization=organization, actor=actor, action="action_item.status",
                 target=item, target_repr=item.title, before=before, after={"status": status})
    return item


def action_items_remind_overdue(*, organization: Organization,
                                today: datetime.date | None = None) -> int:
    """Remind each owner of their overdue open action items, at most once a day (idempotent)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        items = list(ActionItem.objects.for_org(organization)
                     .select_for_update(skip_locked=True)
                     .filter(status=ActionStatus.OPEN, due_date__lt=today, owner__isnull=False)
                     .exclude(last_reminded_on=today)
                     .select_related("owner", "postmortem").order_by("pk"))
        for item in items:
            notify(organization=organization, users=[item.owner], kind="knowledge.action_overdue",
                   title=f"Overdue action item: {item.title}",
                   body=f"It was due {item.due_date:%d %b %Y}.",
                   url=org_url(organization, "incident_detail", pk=item.postmortem.incident_id),
                   email=True)
        ActionItem.objects.for_org(organization).filter(pk__in=[i.pk for i in items]).update(
            last_reminded_on=today)
    return len(items)


@transaction.atomic
def postmortem_to_lesson(*, organization: Organization, actor: User, postmortem: PostMortem,
                         guild: Guild, publish: bool = False) -> Lesson:
    """One step from a published post-mortem to a failure lesson (a draft by default)."""
    from knowledge.services.guilds import lesson_create

    same_org(organization, "postmortem", postmortem)
    if not postmortem.is_published:
        raise ValidationError("Publish the post-mortem before turning it into a lesson.")
    incident = postmortem.incident
    parts = [f"## What happened\n\n{postmortem.summary}"]
    if postmortem.root_cause:
        parts.append(f"## Root cause\n\n{postmortem.root_cause}")
    if postmortem.contributing_factors:
        parts.append(f"## Contributing factors\n\n{postmortem.contributing_factors}")
    if postmortem.went_well:
        parts.append(f"## What went well\n\n{postmortem.went_well}")
    items = list(postmortem.action_items.all())
    if items:
        parts.append("## What we changed\n\n" + "\n".join(f"- {i.title}" for i in items))
    return lesson_create(organization=organization, actor=actor, guild=guild,
                         title=f"Lessons from: {incident.title}"[:200], kind=LessonKind.FAILURE,
                         body="\n\n".join(parts), tags=list(incident.tags)[:10], pod=incident.pod,
                         incident=incident, publish=publish)
