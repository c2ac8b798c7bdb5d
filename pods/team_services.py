"""Writes for the Team API's interactions between pods (the pod's own Team API fields — type,
contact, services, working hours — are pod fields, written by `pods.services.pod_update`).

Each write is one audited `org_write` that touches both pods' cache scopes."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError

from pods.models import InteractionMode, Pod, PodInteraction
from tenancy.audit import snapshot
from tenancy.cache import PODS, pod_scope
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write, same_org

INTERACTION_FIELDS = ("pod", "partner", "mode", "purpose", "start_date", "end_date")
INTERACTION_CHANGEABLE = ("purpose", "end_date")


def _check(organization: Organization, i: PodInteraction) -> None:
    same_org(organization, "pod", i.pod)
    same_org(organization, "partner", i.partner)
    if i.pod_id == i.partner_id:
        raise ValidationError({"partner": "A pod cannot interact with itself; choose another pod."})
    if i.mode not in InteractionMode.values:
        raise ValidationError({"mode": f"Unknown mode; one of {', '.join(InteractionMode.values)}."})
    if i.end_date is not None and i.end_date < i.start_date:
        raise ValidationError({"end_date": "The end date is before the start date."})
    i.purpose = (i.purpose or "").strip()
    i.full_clean(exclude=["pod", "partner"], validate_constraints=False)
    # The same two pods in the same mode over overlapping periods is one interaction, not two.
    clash = PodInteraction.objects.for_org(organization).filter(mode=i.mode).filter(
        pod_id__in=(i.pod_id, i.partner_id), partner_id__in=(i.pod_id, i.partner_id),
    ).exclude(end_date__lt=i.start_date)
    if i.end_date is not None:
        clash = clash.filter(start_date__lte=i.end_date)
    if i.pk is not None:
        clash = clash.exclude(pk=i.pk)
    if clash.exists():
        raise ValidationError({"partner": "These two pods already have this interaction over these dates."})


def _touch(i: PodInteraction) -> None:
    current_write().touch(pod_scope(i.pod_id), pod_scope(i.partner_id))


@org_write.service(PODS)
def interaction_create(*, organization: Organization, actor: User, pod: Pod, partner: Pod, mode: str,
                       purpose: str, start_date: datetime.date,
                       end_date: datetime.date | None = None) -> PodInteraction:
    # Lock both pods in id order so two creates for the same pair cannot both pass the clash check.
    list(Pod.objects.for_org(organization).filter(pk__in=(pod.pk, partner.pk))
         .order_by("pk").select_for_update().values_list("pk", flat=True))
    i = PodInteraction(organization=organization, pod=pod, partner=partner, mode=mode, purpose=purpose,
                       start_date=start_date, end_date=end_date)
    _check(organization, i)
    i.save()
    current_write().audit("pod_interaction.created", target=i, after=_snapshot(i))
    _touch(i)
    return i


@org_write.service(PODS)
def interaction_update(*, organization: Organization, actor: User, interaction: PodInteraction,
                       **changes: Any) -> PodInteraction:
    """Change the purpose or end date (ending an interaction is setting its end date)."""
    list(Pod.objects.for_org(organization).filter(pk__in=(interaction.pod_id, interaction.partner_id))
         .order_by("pk").select_for_update().values_list("pk", flat=True))
    i = PodInteraction.objects.for_org(organization).select_related("pod", "partner").get(pk=interaction.pk)
    before = _snapshot(i)
    for key, value in changes.items():
        if key not in INTERACTION_CHANGEABLE:
            raise ValidationError({key: "This field cannot be changed; end this interaction and start another."})
        setattr(i, key, value)
    _check(organization, i)
    i.save()
    current_write().audit("pod_interaction.updated", target=i, before=before, after=_snapshot(i))
    _touch(i)
    return i


@org_write.service(PODS)
def interaction_delete(*, organization: Organization, actor: User, interaction: PodInteraction) -> None:
    """Remove an interaction entered by mistake (one that happened is ended, not deleted)."""
    i = PodInteraction.objects.for_org(organization).select_for_update().get(pk=interaction.pk)
    current_write().audit("pod_interaction.deleted", target=i, before=_snapshot(i))
    _touch(i)
    i.delete()


def _snapshot(i: PodInteraction) -> dict[str, Any]:
    return snapshot(i, INTERACTION_FIELDS)
