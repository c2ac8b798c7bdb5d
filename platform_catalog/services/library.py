"""The model library: publishing models and their cards, aliases, approval for a risk tier
(through the decision-rights matrix's "select a model"), deprecation and retirement."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from governance import selectors as gov_selectors
from governance.models import Escalation, RiskTier
from governance.services.escalations import escalation_file
from platform_catalog.models import (
    ApprovalStatus,
    CatalogModel,
    Modality,
    ModelAlias,
    ModelApproval,
    ModelEvaluation,
    ModelStatus,
)
from platform_catalog.search_index import index_entry
from pods.models import Pod
from tenancy.audit import snapshot
from tenancy.cache import CATALOG
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write

SELECT_MODEL_KEY = "select_model"
CARD_FIELDS = ("description", "intended_use", "out_of_scope_use", "training_data", "limitations",
               "ethical_considerations", "mitigations")
EDITABLE = ("provider", "licence", "modality", *CARD_FIELDS)


def _clean_text(field: str, value: str, *, required: bool = False, max_length: int = 120) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This field is required."})
    if len(value) > max_length:
        raise ValidationError({field: f"At most {max_length} characters."})
    return value


def _check_modality(modality: str) -> None:
    if modality not in Modality.values:
        raise ValidationError({"modality": f"Unknown modality “{modality}”: use one of {', '.join(Modality.values)}."})


def _evaluations(organization: Organization, model: CatalogModel, rows: list[dict[str, Any]]) -> None:
    """Replace the card's evaluation rows; each needs a metric and a numeric value."""
    built = []
    for i, row in enumerate(rows):
        metric = str(row.get("metric") or "").strip()
        if not metric:
            raise ValidationError({"evaluations": f"Row {i + 1}: give the metric's name."})
        raw = row.get("value")
        if isinstance(raw, bool):
            raise ValidationError({"evaluations": f"Row {i + 1}: the value must be a number."})
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError({"evaluations": f"Row {i + 1}: the value must be a number."}) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError({"evaluations": f"Row {i + 1}: the value must be a finite number."})
        built.append(ModelEvaluation(organization=organization, model=model, metric=metric[:80], value=value,
                                     dataset=str(row.get("dataset") or "")[:120],
                                     slice=str(row.get("slice") or "")[:120],
                                     notes=str(row.get("notes") or "")[:300]))
    ModelEvaluation.objects.for_org(organization).filter(model=model).delete()
    ModelEvaluation.objects.bulk_create(built)


def _index(model: CatalogModel) -> None:
    index_entry("catalog_model", model, title=f"{model.name} {model.version}",
                body=" ".join([model.provider, model.description, model.intended_use, model.limitations]),
                tags=[model.modality, model.status])


@org_write.service(CATALOG)
def catalog_model_create(*, organization: Organization, actor: User | None, owner_pod: Pod, provider: str,
                         name: str, version: str, licence: str = "", modality: str = Modality.TEXT,
                         evaluations: list[dict[str, Any]] | None = None, **card: str) -> CatalogModel:
    """Publish a model version as proposed; it is usable in a deployment only once approved."""
    w = current_write()
    w.same_org("owner_pod", owner_pod)
    unknown = sorted(set(card) - set(CARD_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: "Unknown model-card field."})
    _check_modality(modality)
    model = CatalogModel(organization=organization, owner_pod=owner_pod,
                         provider=_clean_text("provider", provider, required=True),
                         name=_clean_text("name", name, required=True),
                         version=_clean_text("version", version, required=True, max_length=60),
                         licence=_clean_text("licence", licence), modality=modality,
                         **{k: (v or "").strip() for k, v in card.items()})
    if CatalogModel.objects.for_org(organization).filter(name__iexact=model.name, version=model.version).exists():
        raise ValidationError({"version": f"{model.name} {model.version} is already in the catalog."})
    model.save()
    _evaluations(organization, model, evaluations or [])
    _index(model)
    w.audit("catalog.model_created", target=model, after=snapshot(model))
    return model


@org_write.service(CATALOG)
def catalog_model_update(*, organization: Organization, actor: User | None, model: CatalogModel,
                         evaluations: list[dict[str, Any]] | None = None, **changes: Any) -> CatalogModel:
    """Edit the card (name and version identify the model and do not change)."""
    w = current_write()
    w.same_org("model", model)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError({unknown[0]: "This field cannot be changed here."})
    if "modality" in changes:
        _check_modality(changes["modality"])
    model = CatalogModel.objects.for_org(organization).select_for_update().get(pk=model.pk)
    before = snapshot(model)
    for field, value in changes.items():
        setattr(model, field, (value or "").strip() if isinstance(value, str) else value)
    if not model.provider:
        raise ValidationError({"provider": "This field is required."})
    model.save()
    if evaluations is not None:
        _evaluations(organization, model, evaluations)
    _index(model)
    w.audit("catalog.model_updated", target=model, before=before, after=snapshot(model))
    return model


def alias_set(*, organization: Organization, actor: User | None, model: CatalogModel, alias: str) -> ModelAlias:
    """Point `alias` at this version of the model; it moves off whichever version held it.

    One row per (family, alias) under a unique constraint, locked while it moves, so two
    concurrent moves end with the alias on exactly one version (the later one) and never two.
    """
    alias = (alias or "").strip().lower()
    from django.utils.text import slugify

    if not alias or slugify(alias) != alias:
        raise ValidationError({"alias": "Use lower-case letters, digits, - and _ (e.g. champion)."})
    if model.status == ModelStatus.RETIRED:
        raise ValidationError({"alias": "A retired model cannot take an alias."})
    for attempt in range(2):
        try:
            with org_write(organization, actor, CATALOG) as w:
                w.same_org("model", model)
                row = (ModelAlias.objects.for_org(organization).select_for_update()
                       .filter(family=model.family, alias=alias).first())
                before = {"model": row.model_id} if row else None
                if row is None:
                    row = ModelAlias.objects.create(organization=organization, family=model.family,
                                                    alias=alias, model=model)
                else:
                    row.model = model
                    row.save(update_fields=["model", "updated_at"])
                w.audit("catalog.alias_set", target=model, target_repr=f"{model} @{alias}",
                        before=before, after={"alias": alias, "model": model.pk})
                return row
        except IntegrityError:
            # Another request created the same alias first: retry once; it now exists to lock.
            if attempt:
                raise
    raise AssertionError("unreachable")


@org_write.service(CATALOG)
def alias_remove(*, organization: Organization, actor: User | None, model: CatalogModel, alias: str) -> None:
    w = current_write()
    w.same_org("model", model)
    gone, _ = ModelAlias.objects.for_org(organization).filter(model=model, alias=alias).delete()
    if not gone:
        raise ValidationError({"alias": f"{model} has no alias “{alias}”."})
    w.audit("catalog.alias_removed", target=model, before={"alias": alias})


def model_approval_request(*, organization: Organization, actor: User, model: CatalogModel,
                           risk_tier: RiskTier, note: str = "") -> ModelApproval:
    """Ask to approve `model` up to `risk_tier`: an escalation of type "select a model" that the
    published matrix routes. A tier the pod decides itself is approved at once (by the actor)."""
    with org_write(organization, actor, CATALOG) as w:
        w.same_org("model", model)
        w.same_org("risk_tier", risk_tier)
        model = CatalogModel.objects.for_org(organization).select_for_update().get(pk=model.pk)
        if model.status == ModelStatus.RETIRED:
            raise ValidationError({"risk_tier": "A retired model cannot be approved."})
        current = model.approved_tier
        if current is not None and current.rank >= risk_tier.rank:
            raise ValidationError({"risk_tier": f"Already approved up to {current} risk."})
        if ModelApproval.objects.for_org(organization).filter(model=model, status=ApprovalStatus.PENDING).exists():
            raise ValidationError({"risk_tier": "An approval for this model is already waiting for a decision."})
        decision_type = gov_selectors.decision_types(organization=organization).filter(key=SELECT_MODEL_KEY).first()
        if decision_type is None:
            raise ValidationError({"risk_tier": "The decision-rights matrix has no “select a model” decision."})
        esc = escalation_file(
            organization=organization, actor=actor, pod=model.owner_pod, decision_type=decision_type,
            risk_tier=risk_tier, title=f"Select {model} for {risk_tier} risk",
            context=(f"Provider {model.provider}; licence {model.licence or 'not stated'}; "
                     f"intended use: {model.intended_use or 'not stated'}"),
            recommendation=note or f"Approve {model} up to {risk_tier} risk.")
        approval = ModelApproval.objects.create(organization=organization, model=model, risk_tier=risk_tier,
                                                escalation=esc, requested_by=actor, note=note)
        w.audit("catalog.approval_requested", target=model, after={"risk_tier": risk_tier.key,
                                                                   "escalation": esc.pk})
        if esc.self_decided:
            _apply_decision(organization, approval, esc)
    return approval


def _apply_decision(organization: Organization, approval: ModelApproval, esc: Escalation) -> None:
    """Record the matrix's decision on the approval, and on the model when approved."""
    w = current_write()
    approval.status = ApprovalStatus.APPROVED if esc.outcome == "approved" else ApprovalStatus.REJECTED
    approval.decided_by, approval.decided_at = esc.decided_by, esc.decided_at or timezone.now()
    approval.save(update_fields=["status", "decided_by", "decided_at"])
    if approval.status == ApprovalStatus.APPROVED:
        model = CatalogModel.objects.for_org(organization).select_for_update().get(pk=approval.model_id)
        before = snapshot(model, ("status", "approved_tier"))
        tier = approval.risk_tier
        if model.approved_tier is None or model.approved_tier.rank < tier.rank:
            model.approved_tier = tier
        if model.status == ModelStatus.PROPOSED:
            model.status = ModelStatus.APPROVED
        model.save(update_fields=["approved_tier", "status", "updated_at"])
        w.audit("catalog.model_approved", target=model, before=before,
                after={**snapshot(model, ("status", "approved_tier")), "decided_by": esc.decided_by_id,
                       "escalation": esc.pk})
    else:
        w.audit("catalog.approval_rejected", target=approval.model,
                after={"risk_tier": approval.risk_tier.key, "decided_by": esc.decided_by_id,
                       "note": esc.decision_note})


def approval_decided(*, organization: Organization, escalation: Escalation, actor: User | None) -> None:
    """Governance decided an escalation: if it was a catalog approval, apply it (same transaction)."""
    approval = (ModelApproval.objects.for_org(organization).select_for_update()
                .filter(escalation=escalation, status=ApprovalStatus.PENDING).select_related("risk_tier").first())
    if approval is None:
        return
    with org_write(organization, actor, CATALOG):
        _apply_decision(organization, approval, escalation)


def _set_status(organization: Organization, actor: User | None, model: CatalogModel, status: str,
                allowed_from: tuple[str, ...], action: str) -> CatalogModel:
    with org_write(organization, actor, CATALOG) as w:
        w.same_org("model", model)
        model = CatalogModel.objects.for_org(organization).select_for_update().get(pk=model.pk)
        if model.status not in allowed_from:
            raise ValidationError({"status": f"A {model.get_status_display().lower()} model cannot become {status}."})
        before = snapshot(model, ("status",))
        model.status = status
        model.save(update_fields=["status", "updated_at"])
        if status == ModelStatus.RETIRED:
            ModelAlias.objects.for_org(organization).filter(model=model).delete()
        w.audit(action, target=model, before=before, after={"status": status})
    return model


def catalog_model_deprecate(*, organization: Organization, actor: User | None, model: CatalogModel) -> CatalogModel:
    """Still deployable where approved, with a warning to its owners (see `gate.py`)."""
    return _set_status(organization, actor, model, ModelStatus.DEPRECATED,
                       (ModelStatus.PROPOSED, ModelStatus.APPROVED), "catalog.model_deprecated")


def catalog_model_retire(*, organization: Organization, actor: User | None, model: CatalogModel) -> CatalogModel:
    """No longer deployable; its aliases are released."""
    return _set_status(organization, actor, model, ModelStatus.RETIRED,
                       (ModelStatus.PROPOSED, ModelStatus.APPROVED, ModelStatus.DEPRECATED),
                       "catalog.model_retired")
