"""Knowledge's answers to signals from lower apps."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from pods.signals import pod_decision_recorded


@receiver(pod_decision_recorded)
def inform_guilds_of_pod_decision(sender: Any, organization: Any, pod: Any, actor: Any,
                                  title: str, body: str = "", url: str = "", **kwargs: Any) -> None:
    """Tell the members of every guild that one of the pod's current members belongs to."""
    from knowledge.services.guilds import guilds_inform_of_pod_decision

    guilds_inform_of_pod_decision(organization=organization, pod=pod, actor=actor, title=title,
                                  body=body, url=url)
