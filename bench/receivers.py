"""Writes elsewhere that change what matching reads (assignments, skills, people) ask for a
debounced recompute of the organization's suggestions."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bench.services.recompute_trigger import recompute_soon
from pods.models import Assignment, Pod
from tenancy.models import Person, PersonSkill


@receiver([post_save, post_delete], sender=Assignment)
@receiver([post_save, post_delete], sender=PersonSkill)
@receiver([post_save], sender=Person)
@receiver([post_save], sender=Pod)
def _staffing_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    recompute_soon(instance.organization_id)
