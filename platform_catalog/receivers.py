from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from governance.signals import escalation_decided


@receiver(escalation_decided)
def apply_model_approval(sender: Any, organization: Any, escalation: Any, actor: Any = None, **kwargs: Any) -> None:
    from platform_catalog.services.library import approval_decided

    approval_decided(organization=organization, escalation=escalation, actor=actor)
