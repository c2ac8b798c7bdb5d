"""Pods and people in the one search (the header's search box finds them with lessons and the
rest). Knowledge may read the lower apps, so it indexes their rows itself, on their save
signals: pods and tenancy never import knowledge. Every member can see both directories, so
these documents need no per-viewer filter.

Rows written in bulk (the enterprise seed) send no signal: `index_directory` indexes an
organization's pods and people at once (`manage.py search_index_directory`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from knowledge.search import SearchIndexKeeper, index_remove, index_upsert
from pods.models import Pod
from tenancy.models import Organization, Person
from tenancy.registry import SearchKind, registry

POD, PERSON = "pod", "person"
registry.search_kinds.register(SearchKind(kind=POD, label="Pod"))
registry.search_kinds.register(SearchKind(kind=PERSON, label="Person"))


def index_pod(pod: Pod) -> None:
    index_upsert(
        organization=pod.organization,
        kind=POD,
        object_id=pod.pk,
        title=pod.name,
        body=f"{pod.mission}\n{pod.get_status_display()}",
        pod_id=pod.pk,
        url=reverse("pods:pod_detail", args=[pod.organization.slug, pod.pk]),
    )


def index_person(person: Person) -> None:
    body = " · ".join(x for x in (person.title, person.email) if x)
    index_upsert(
        organization=person.organization,
        kind=PERSON,
        object_id=person.pk,
        title=person.full_name,
        body=body,
        url=reverse("pods:person_detail", args=[person.organization.slug, person.pk]),
    )


def index_directory(*, organization: Organization) -> int:
    """(Re)index every pod and person of the organization; returns how many."""
    pods = Pod.objects.for_org(organization).select_related("organization")
    people = Person.objects.for_org(organization).select_related("organization")
    n = 0
    for pod in pods.iterator():
        index_pod(pod)
        n += 1
    for person in people.iterator():
        index_person(person)
        n += 1
    return n


def index_registered(*, organization: Organization, kind: SearchKind) -> int:
    """(Re)index every document of a kind another app registered with a `documents` source."""
    n = 0
    for entry in kind.documents(organization) if kind.documents is not None else ():
        SearchIndexKeeper().upsert(entry)
        n += 1
    return n


@receiver(post_save, sender=Pod, dispatch_uid="knowledge.index_pod")
def _pod_saved(sender: Any, instance: Pod, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_pod(instance)


@receiver(post_save, sender=Person, dispatch_uid="knowledge.index_person")
def _person_saved(sender: Any, instance: Person, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_person(instance)


@receiver(post_delete, sender=Pod, dispatch_uid="knowledge.unindex_pod")
def _pod_deleted(sender: Any, instance: Pod, **kwargs: Any) -> None:
    index_remove(organization=instance.organization, kind=POD, object_id=instance.pk)


@receiver(post_delete, sender=Person, dispatch_uid="knowledge.unindex_person")
def _person_deleted(sender: Any, instance: Person, **kwargs: Any) -> None:
    index_remove(organization=instance.organization, kind=PERSON, object_id=instance.pk)
