"""Writes elsewhere that change what matching reads (assignments, skills, people) ask for a
debounced recompute of the organization's suggestions; a change of an engagement's assignment
re-settles its budget hold in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bench.services.budget import engagement_resettle
from bench.services.recompute_trigger import bench_recompute_soon
from pods.models import Assignment, Pod
from pods.signals import assignment_changed
from tenancy.models import Person, PersonSkill


@receiver([post_save, post_delete], sender=Assignment)
@receiver([post_save, post_delete], sender=PersonSkill)
@receiver([post_save], sender=Person)
@receiver([post_save], sender=Pod)
def _staffing_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    bench_recompute_soon(instance.organization_id)


@receiver(assignment_changed)
def _engagement_changed(sender: Any, organization: Any, actor: Any, assignment: Assignment, removed: bool,
                        **kwargs: Any) -> None:
    """An engagement's assignment changed (dates, allocation, ended early, removed): its budget hold
    follows, inside the same transaction; a hold the budget cannot take refuses the change."""
    engagement_resettle(organization=organization, actor=actor, assignment_id=assignment.pk, removed=removed)
