"""Writes to the decision-rights matrix: defaults, cells with amount bands, rows and columns,
publishing versions and quarterly reviews."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from governance import defaults
from governance.bands import Band, validate_bands  # noqa: F401  (Band re-exported)
from governance.models import (
    DecisionRight,
    DecisionTier,
    DecisionType,
    GuardrailPolicy,
    MatrixReview,
    MatrixVersion,
    RiskTier,
)
from governance.selectors import matrix_problems
from tenancy.audit import audit_record, snapshot
from tenancy.cache import GOVERNANCE, MATRIX
from tenancy.models import Organization, User
from tenancy.writes import org_write, same_org


def governance_seed_defaults(*, organization: Organization, actor: User | None = None) -> None:
    """Tiers, types, decision tiers, a complete published matrix and policies; idempotent."""
    with org_write(organization, actor) as w:
        tiers = {t.key: t for t in RiskTier.objects.for_org(organization)}
        known = len(tiers)
        for key, name, rank in defaults.RISK_TIERS:
            if key not in tiers:
                tiers[key] = RiskTier.objects.create(organization=organization, key=key, name=name, rank=rank)
        types = {t.key: t for t in DecisionType.objects.for_org(organization)}
        known += len(types)
        for i, (key, name, has_amount, unit) in enumerate(defaults.DECISION_TYPES):
            if key not in types:
                types[key] = DecisionType.objects.create(
                    organization=organization, key=key, name=name, has_amount=has_amount,
                    amount_unit=unit, sort_order=(i + 1) * 10)
        levels = {t.level: t for t in DecisionTier.objects.for_org(organization)}
        known += len(levels)
        for level, name, role, sla, informs in defaults.DECISION_TIERS:
            if level not in levels:
                levels[level] = DecisionTier.objects.create(
                    organization=organization, level=level, name=name, approver_role=role,
                    sla_hours=sla or organization.default_sla_hours, informs_guild=informs)
        existing = set(DecisionRight.objects.for_org(organization)
                       .values_list("decision_type_id", "risk_tier_id"))
        new_cells = []
        for tier_key, row in defaults.MATRIX.items():
            if tier_key not in tiers:
                continue
            for type_key, cell in row.items():
                dt, rt = types.get(type_key), tiers[tier_key]
                if dt is None or (dt.pk, rt.pk) in existing:
                    continue
                if isinstance(cell, tuple) and dt.has_amount:
                    low, high = cell
                    new_cells += [
                        DecisionRight(organization=organization, decision_type=dt, risk_tier=rt,
                                      amount_min=Decimal(0), amount_max=defaults.SPEND_THRESHOLD,
                                      tier=levels[low]),
                        DecisionRight(organization=organization, decision_type=dt, risk_tier=rt,
                                      amount_min=defaults.SPEND_THRESHOLD, amount_max=None,
                                      tier=levels[high]),
                    ]
                else:
                    new_cells.append(DecisionRight(
                        organization=organization, decision_type=dt, risk_tier=rt,
                        amount_min=Decimal(0) if dt.has_amount else None,
                        tier=levels[cell] if isinstance(cell, int) else None))
        DecisionRight.objects.bulk_create(new_cells)
        have = set(GuardrailPolicy.objects.for_org(organization).values_list("risk_tier_id", "check_kind"))
        policies = GuardrailPolicy.objects.bulk_create(
            GuardrailPolicy(organization=organization, risk_tier=tiers[tk], check_kind=kind,
                            direction=direction, threshold=threshold)
            for tk, checks in defaults.POLICIES.items() if tk in tiers
            for kind, direction, threshold in checks if (tiers[tk].pk, kind) not in have
        )
        if new_cells or policies or len(tiers) + len(types) + len(levels) > known:
            w.touch(GOVERNANCE, MATRIX)  # idempotent: a second run touches nothing
        if not MatrixVersion.objects.for_org(organization).exists():
            _publish(organization, actor, note="Default matrix")
            w.touch(GOVERNANCE, MATRIX)


def backfill_governance_defaults() -> int:
    """Seed governance defaults into every organization created before this app existed."""
    n = 0
    for org in Organization.objects.all():
        governance_seed_defaults(organization=org)
        n += 1
    return n


# --- Cells ----------------------------------------------------------------------------------


def _cell_repr(bands: list[Any]) -> list[dict[str, Any]]:
    return [{"from": str(b.amount_min) if b.amount_min is not None else None,
             "to": str(b.amount_max) if b.amount_max is not None else None,
             "tier": b.tier.level if b.tier_id else None} for b in bands]


def matrix_cell_set(*, organization: Organization, actor: User, decision_type: DecisionType,
                    risk_tier: RiskTier, bands: list[Band]) -> list[DecisionRight]:
    """Replace one cell's bands; validated, audited with before and after."""
    same_org(organization, "decision_type", decision_type)
    same_org(organization, "risk_tier", risk_tier)
    same_org(organization, "bands", *[b[2] for b in bands])
    bands = validate_bands(decision_type, bands)
    with org_write(organization, actor, GOVERNANCE, MATRIX):
        qs = DecisionRight.objects.for_org(organization).filter(decision_type=decision_type, risk_tier=risk_tier)
        before = _cell_repr(list(qs.select_related("tier").select_for_update(of=("self",))))
        qs.delete()
        rows = DecisionRight.objects.bulk_create(
            DecisionRight(organization=organization, decision_type=decision_type, risk_tier=risk_tier,
                          amount_min=lo, amount_max=hi, tier=tier) for lo, hi, tier in bands)
        after = _cell_repr(rows)
        if before != after:
            audit_record(organization=organization, actor=actor, action="governance.cell_changed",
                         target_type="decisioncell", target_id=f"{decision_type.pk}:{risk_tier.pk}",
                         target_repr=f"{decision_type} × {risk_tier}",
                         before={"bands": before}, after={"bands": after})
    return rows


def decision_type_create(*, organization: Organization, actor: User, name: str, description: str = "",
                         has_amount: bool = False, amount_unit: str = "") -> DecisionType:
    name = (name or "").strip()
    key = slugify(name).replace("-", "_")[:60]
    if not key:
        raise ValidationError({"name": "Give the decision type a name."})
    if DecisionType.objects.for_org(organization).filter(key=key).exists():
        raise ValidationError({"name": "A decision type with this name exists."})
    with org_write(organization, actor, GOVERNANCE, MATRIX):
        top = DecisionType.objects.for_org(organization).aggregate(m=Max("sort_order"))["m"] or 0
        dt = DecisionType.objects.create(organization=organization, key=key, name=name,
                                         description=description, has_amount=has_amount,
                                         amount_unit=amount_unit, sort_order=top + 10)
        audit_record(organization=organization, actor=actor, action="governance.type_created",
                     target=dt, after={"name": name, "has_amount": has_amount})
    return dt


def risk_tier_create(*, organization: Organization, actor: User, name: str, description: str = "") -> RiskTier:
    name = (name or "").strip()
    key = slugify(name).replace("-", "_")[:40]
    if not key:
        raise ValidationError({"name": "Give the risk tier a name."})
    if RiskTier.objects.for_org(organization).filter(key=key).exists():
        raise ValidationError({"name": "A risk tier with this name exists."})
    with org_write(organization, actor, GOVERNANCE, MATRIX):
        top = RiskTier.objects.for_org(organization).aggregate(m=Max("rank"))["m"] or 0
        rt = RiskTier.objects.create(organization=organization, key=key, name=name,
                                     description=description, rank=top + 10)
        audit_record(organization=organization, actor=actor, action="governance.risk_tier_created",
                     target=rt, after={"name": name})
    return rt


# --- Publishing and review -------------------------------------------------------------------


def _publish(organization: Organization, actor: User | None, note: str) -> MatrixVersion:
    problems = matrix_problems(organization=organization)
    if problems:
        raise ValidationError({"__all__": problems})
    cells: dict[str, list[list[Any]]] = {}
    for r in DecisionRight.objects.for_org(organization).select_related("tier").order_by("amount_min"):
        cells.setdefault(f"{r.decision_type_id}:{r.risk_tier_id}", []).append([
            str(r.amount_min) if r.amount_min is not None else None,
            str(r.amount_max) if r.amount_max is not None else None,
            r.tier.level if r.tier is not None else None,
        ])
    last = MatrixVersion.objects.for_org(organization).aggregate(m=Max("number"))["m"] or 0
    version = MatrixVersion.objects.create(organization=organization, number=last + 1, cells=cells,
                                           published_by=actor, note=note[:300])
    audit_record(organization=organization, actor=actor, action="governance.matrix_published",
                 target=version, after={"number": version.number, "note": note})
    return version


def matrix_publish(*, organization: Organization, actor: User, note: str = "") -> MatrixVersion:
    """Freeze the current cells as the next version; an incomplete or ambiguous matrix is refused."""
    with org_write(organization, actor, GOVERNANCE, MATRIX):
        # One publisher at a time, so version numbers never collide.
        # FOR NO KEY UPDATE: publishers queue, other writes (FOR KEY SHARE on insert) do not.
        Organization.objects.select_for_update(no_key=True).filter(pk=organization.pk).first()
        return _publish(organization, actor, note)


def matrix_review_record(*, organization: Organization, actor: User, notes: str = "") -> MatrixReview:
    with org_write(organization, actor, GOVERNANCE, MATRIX):
        review = MatrixReview.objects.create(organization=organization, reviewed_by=actor,
                                             reviewed_at=timezone.now(), notes=notes)
        audit_record(organization=organization, actor=actor, action="governance.matrix_reviewed",
                     target=review, target_repr="Quarterly matrix review", after={"notes": notes})
    return review


def decision_tier_update(*, organization: Organization, actor: User, tier: DecisionTier, name: str,
                         approver_role: str, sla_hours: int, approvers: list[Any]) -> DecisionTier:
    """Who decides at this tier (a role, or named members) and its SLA; audited."""
    from governance.models import ApproverRole

    same_org(organization, "tier", tier)
    same_org(organization, "approvers", *approvers)
    if approver_role == ApproverRole.POD and approvers:
        raise ValidationError({"approvers": "A tier the pod decides has no named approvers."})
    if sla_hours < 1 or sla_hours > 24 * 90:
        raise ValidationError({"sla_hours": "Between 1 hour and 90 days."})
    with org_write(organization, actor, GOVERNANCE, MATRIX):
        before = {**snapshot(tier), "approvers": sorted(m.pk for m in tier.approvers.all())}
        tier.name, tier.approver_role, tier.sla_hours = name.strip() or tier.name, approver_role, sla_hours
        tier.save()
        tier.approvers.set(approvers)
        audit_record(organization=organization, actor=actor, action="governance.decision_tier_changed",
                     target=tier, before=before,
                     after={**snapshot(tier), "approvers": sorted(m.pk for m in approvers)})
    return tier


_Label = TypeVar("_Label", DecisionType, RiskTier)


def matrix_label_update(*, organization: Organization, actor: User, obj: _Label,
                        name: str, description: str = "") -> _Label:
    """Rename a decision type (row) or risk tier (column); its key and cells stay."""
    name = (name or "").strip()
    same_org(organization, "obj", obj)
    if not name:
        raise ValidationError({"name": "Give it a name."})
    with org_write(organization, actor, GOVERNANCE, MATRIX):
        before = snapshot(obj, ["name", "description"])
        obj.name, obj.description = name, description.strip()
        obj.save(update_fields=["name", "description"])
        audit_record(organization=organization, actor=actor, action=f"governance.{obj._meta.model_name}_changed",
                     target=obj, before=before, after=snapshot(obj, ["name", "description"]))
    return obj
