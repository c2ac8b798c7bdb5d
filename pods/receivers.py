from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tenancy.signals import organization_created


@receiver(organization_created)
def seed_pod_roles(sender: Any, organization: Any, actor: Any = None, **kwargs: Any) -> None:
    from pods.services import pod_roles_seed_defaults

    pod_roles_seed_defaults(organization=organization)
