"""Typed relations between catalog entries, adoptions by pods, and leaders' duplicate decisions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from platform_catalog.models import Adoption, DuplicateDecision, DuplicatePair, Relation, RelationKind
from platform_catalog.selectors import entity_get
from pods.models import Pod
from tenancy.cache import CATALOG
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write


@org_write.service(CATALOG)
def relation_create(*, organization: Organization, actor: User | None, source_kind: str, source_id: Any,
                    kind: str, target_kind: str, target_id: Any) -> Relation:
    """`source kind target` (e.g. component depends_on data product); the target reads it back
    as its inverse (dependency_of)."""
    w = current_write()
    if kind not in RelationKind.values:
        raise ValidationError({"kind": f"Unknown relation “{kind}”: use one of {', '.join(RelationKind.values)}."})
    source = entity_get(organization, source_kind, source_id, field="source")
    target = entity_get(organization, target_kind, target_id, field="target")
    if (source_kind, source.pk) == (target_kind, target.pk):
        raise ValidationError({"target_id": "An entry cannot relate to itself."})
    rel, created = Relation.objects.get_or_create(
        organization=organization, source_kind=source_kind, source_id=source.pk, kind=kind,
        target_kind=target_kind, target_id=target.pk, defaults={"created_by": actor})
    if not created:
        raise ValidationError({"target_id": "This relation already exists."})
    w.audit("catalog.relation_created", target=source, target_repr=f"{source} {kind} {target}",
            after={"kind": kind, "target_kind": target_kind, "target_id": target.pk})
    return rel


@org_write.service(CATALOG)
def relation_delete(*, organization: Organization, actor: User | None, relation: Relation) -> None:
    w = current_write()
    w.same_org("relation", relation)
    after = {"source": f"{relation.source_kind}:{relation.source_id}", "kind": relation.kind,
             "target": f"{relation.target_kind}:{relation.target_id}"}
    relation.delete()
    w.audit("catalog.relation_deleted", target=None, target_repr=f"relation #{relation.pk}", before=after)


@org_write.service(CATALOG)
def adoption_record(*, organization: Organization, actor: User | None, pod: Pod, entity_kind: str,
                    entity_id: Any, since: datetime.date | None = None, source: str = Adoption.Source.PAGE
                    ) -> Adoption:
    """A pod consumes a model, component or data product; recording it twice keeps the first date."""
    w = current_write()
    w.same_org("pod", pod)
    if entity_kind == "experiment":
        raise ValidationError({"entity_kind": "Pods adopt models, components and data products."})
    entity = entity_get(organization, entity_kind, entity_id, field="entity")
    adoption, created = Adoption.objects.get_or_create(
        organization=organization, pod=pod, entity_kind=entity_kind, entity_id=entity.pk,
        defaults={"since": since or timezone.localdate(), "source": source, "created_by": actor})
    if created:
        w.audit("catalog.adopted", target=entity, target_repr=f"{pod} adopts {entity}",
                after={"pod": pod.pk, "since": adoption.since.isoformat(), "source": source})
    return adoption


@org_write.service(CATALOG)
def adoption_end(*, organization: Organization, actor: User | None, adoption: Adoption) -> None:
    w = current_write()
    w.same_org("adoption", adoption)
    before = {"pod": adoption.pod_id, "entity": f"{adoption.entity_kind}:{adoption.entity_id}"}
    adoption.delete()
    w.audit("catalog.adoption_ended", target=None, target_repr=f"adoption #{adoption.pk}", before=before)


@org_write.service(CATALOG)
def duplicate_decide(*, organization: Organization, actor: User, pair: DuplicatePair, decision: str,
                     merge_into: Any = None) -> DuplicatePair:
    """A leader marks a pair duplicate (naming the entry to merge into) or distinct; remembered."""
    w = current_write()
    w.same_org("pair", pair)
    if decision not in (DuplicateDecision.DUPLICATE, DuplicateDecision.DISTINCT):
        raise ValidationError({"decision": "Choose duplicate or distinct."})
    pair = DuplicatePair.objects.for_org(organization).select_for_update().get(pk=pair.pk)
    if decision == DuplicateDecision.DUPLICATE:
        try:
            merge_into = int(merge_into)
        except (TypeError, ValueError):
            raise ValidationError({"merge_into": "Name the entry the other should merge into."}) from None
        if merge_into not in (pair.a_id, pair.b_id):
            raise ValidationError({"merge_into": "Choose one of the pair."})
    else:
        merge_into = None
    before = {"decision": pair.decision}
    pair.decision, pair.merge_into_id = decision, merge_into
    pair.decided_by, pair.decided_at = actor, timezone.now()
    pair.save()
    w.audit("catalog.duplicate_decided", target=pair, target_repr=f"{pair.entity_kind} pair #{pair.pk}",
            before=before, after={"decision": decision, "merge_into": merge_into})
    return pair
