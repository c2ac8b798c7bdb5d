from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tenancy.signals import organization_created


@receiver(organization_created)
def seed_governance(sender: Any, organization: Any, actor: Any = None, **kwargs: Any) -> None:
    from governance.services.matrix import governance_seed_defaults

    governance_seed_defaults(organization=organization, actor=actor)
