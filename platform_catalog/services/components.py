"""Components and data products: publishing and editing (owner pods), schema versions, access
requests the owner decides, and pushed quality results that feed the data contract."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from platform_catalog.models import (
    AccessPolicy,
    AccessRequest,
    ApprovalStatus,
    Component,
    DataProduct,
    Maturity,
    QualityRun,
    SchemaVersion,
)
from platform_catalog.search_index import index_entry
from pods.models import Pod
from tenancy.audit import snapshot
from tenancy.cache import CATALOG
from tenancy.models import Organization, User
from tenancy.writes import current_write, org_write

FIELD_TYPES = ("string", "integer", "float", "boolean", "date", "timestamp", "json", "array", "binary")
COMPONENT_FIELDS = ("name", "kind", "description", "maturity", "docs_url", "repo_url", "interface_notes")
DATA_PRODUCT_FIELDS = ("name", "domain", "description", "access_policy", "freshness_hours", "lateness_hours",
                       "min_quality")


def _choice(field: str, value: str, choices: Any) -> None:
    if value not in choices.values:
        raise ValidationError({field: f"Unknown value “{value}”: use one of {', '.join(choices.values)}."})


def _url(field: str, value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError({field: "Enter an http(s) address."}) from None
    return value


def _apply(obj: Any, allowed: tuple[str, ...], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if key not in allowed:
            raise ValidationError({key: "This field cannot be changed here."})
        setattr(obj, key, value.strip() if isinstance(value, str) else value)
    if not obj.name:
        raise ValidationError({"name": "This field is required."})


def _unique_name(table: Any, organization: Organization, obj: Any) -> None:
    clash = table.objects.for_org(organization).filter(name__iexact=obj.name).exclude(pk=obj.pk).exists()
    if clash:
        raise ValidationError({"name": f"“{obj.name}” is already in the catalog."})


_Owned = TypeVar("_Owned", Component, DataProduct)


def _owned_save(organization: Organization, table: type[_Owned], obj: _Owned | None, field: str,
                owner_pod: Pod | None, allowed: tuple[str, ...],
                fields: dict[str, Any]) -> tuple[_Owned, dict[str, Any] | None]:
    """The entry to write (new with `owner_pod`, or `obj` locked) with `fields` applied."""
    w = current_write()
    if obj is None:
        if owner_pod is None:
            raise ValidationError({"owner_pod": "Choose the pod that owns it."})
        w.same_org("owner_pod", owner_pod)
        obj, before = table(organization=organization, owner_pod=owner_pod), None
    else:
        w.same_org(field, obj)
        obj = table.objects.for_org(organization).select_for_update().get(pk=obj.pk)
        before = snapshot(obj)
        if owner_pod is not None:
            w.same_org("owner_pod", owner_pod)
            obj.owner_pod = owner_pod
    _apply(obj, allowed, fields)
    return obj, before


def _owned_finish(organization: Organization, table: Any, obj: Any, before: dict[str, Any] | None,
                  noun: str) -> None:
    _unique_name(table, organization, obj)
    obj.save()
    index_entry(f"catalog_{noun}", obj, title=obj.name, body=f"{getattr(obj, 'kind', '')} {obj.description}".strip(),
                tags=[getattr(obj, "maturity", "") or getattr(obj, "domain", "")])
    current_write().audit(f"catalog.{noun}_created" if before is None else f"catalog.{noun}_updated",
                          target=obj, before=before, after=snapshot(obj))


@org_write.service(CATALOG)
def component_save(*, organization: Organization, actor: User | None, component: Component | None = None,
                   owner_pod: Pod | None = None, **fields: Any) -> Component:
    """Create (with `owner_pod`) or edit a component; every write is audited."""
    obj, before = _owned_save(organization, Component, component, "component", owner_pod, COMPONENT_FIELDS, fields)
    _choice("maturity", obj.maturity, Maturity)
    obj.docs_url, obj.repo_url = _url("docs_url", obj.docs_url), _url("repo_url", obj.repo_url)
    _owned_finish(organization, Component, obj, before, "component")
    return obj


@org_write.service(CATALOG)
def data_product_save(*, organization: Organization, actor: User | None, data_product: DataProduct | None = None,
                      owner_pod: Pod | None = None, **fields: Any) -> DataProduct:
    """Create (with its domain `owner_pod`) or edit a data product and its contract terms."""
    obj, before = _owned_save(organization, DataProduct, data_product, "data_product", owner_pod,
                              DATA_PRODUCT_FIELDS, fields)
    _choice("access_policy", obj.access_policy, AccessPolicy)
    try:
        quality, freshness = float(obj.min_quality), int(obj.freshness_hours)
        lateness = int(obj.lateness_hours)
    except (TypeError, ValueError):
        raise ValidationError({"min_quality": "Numbers: min_quality 0–1, freshness and lateness in hours."}) from None
    if not 0 <= quality <= 1:
        raise ValidationError({"min_quality": "A quality score is between 0 and 1."})
    if freshness < 1:
        raise ValidationError({"freshness_hours": "The refresh cadence is at least one hour."})
    if lateness < 0:
        raise ValidationError({"lateness_hours": "Zero or more hours."})
    _owned_finish(organization, DataProduct, obj, before, "data_product")
    return obj


def clean_schema_fields(raw: Any) -> list[dict[str, Any]]:
    """[{name, type, description, pii}], names unique, types from FIELD_TYPES."""
    if not isinstance(raw, list) or not raw:
        raise ValidationError({"fields": "Give the schema as a non-empty list of fields."})
    out, seen = [], set()
    for i, f in enumerate(raw):
        if not isinstance(f, dict):
            raise ValidationError({"fields": f"Field {i + 1}: an object with name and type."})
        name = str(f.get("name") or "").strip()
        ftype = str(f.get("type") or "").strip().lower()
        if not name:
            raise ValidationError({"fields": f"Field {i + 1}: give its name."})
        if name.lower() in seen:
            raise ValidationError({"fields": f"Field “{name}” appears twice."})
        if ftype not in FIELD_TYPES:
            raise ValidationError({"fields": f"Field “{name}”: unknown type “{ftype}”; use one of "
                                             f"{', '.join(FIELD_TYPES)}."})
        pii = f.get("pii", False)
        if not isinstance(pii, bool):
            raise ValidationError({"fields": f"Field “{name}”: pii is true or false."})
        seen.add(name.lower())
        out.append({"name": name[:120], "type": ftype, "description": str(f.get("description") or "")[:500],
                    "pii": pii})
    return out


@org_write.service(CATALOG)
def schema_publish(*, organization: Organization, actor: User | None, data_product: DataProduct,
                   fields: Any, note: str = "") -> SchemaVersion:
    """A new schema version (the previous ones stay readable)."""
    w = current_write()
    w.same_org("data_product", data_product)
    cleaned = clean_schema_fields(fields)
    dp = DataProduct.objects.for_org(organization).select_for_update().get(pk=data_product.pk)
    dp.schema_version += 1
    dp.save(update_fields=["schema_version", "updated_at"])
    version = SchemaVersion.objects.create(organization=organization, data_product=dp, version=dp.schema_version,
                                           fields=cleaned, note=(note or "")[:300], created_by=actor)
    w.audit("catalog.schema_published", target=dp, after={"version": version.version, "fields": cleaned})
    return version


def quality_push(*, organization: Organization, actor: User | None, data_product: DataProduct, passed: int,
                 failed: int, refreshed_at: datetime.datetime | None = None,
                 details: list[Any] | None = None) -> QualityRun:
    """A pipeline's quality-check results (and, optionally, when the data was refreshed); the
    contract is re-checked at once, so a breach opens (or a recovery resolves) the incident now."""
    from platform_catalog.services.contracts import contract_check

    for field, value in (("passed", passed), ("failed", failed)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError({field: "A whole number, zero or more."})
    total = passed + failed
    if total == 0:
        raise ValidationError({"passed": "Report at least one check."})
    if refreshed_at is not None and refreshed_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"refreshed_at": "Cannot be in the future."})
    with org_write(organization, actor, CATALOG) as w:
        w.same_org("data_product", data_product)
        dp = DataProduct.objects.for_org(organization).select_for_update().get(pk=data_product.pk)
        run = QualityRun.objects.create(organization=organization, data_product=dp, passed=passed, failed=failed,
                                        total=total, score=round(passed / total, 4), refreshed_at=refreshed_at,
                                        details=details or [], pushed_by=actor)
        dp.quality_score = run.score
        if refreshed_at is not None and (dp.last_refreshed_at is None or refreshed_at > dp.last_refreshed_at):
            dp.last_refreshed_at = refreshed_at
        dp.save(update_fields=["quality_score", "last_refreshed_at", "updated_at"])
        w.audit("catalog.quality_pushed", target=dp, after={"passed": passed, "failed": failed, "score": run.score})
        contract_check(organization=organization, data_product=dp, actor=actor)
    return run


def access_request_file(*, organization: Organization, actor: User, data_product: DataProduct, reason: str,
                        pod: Pod | None = None) -> AccessRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what you need the data for."})
    with org_write(organization, actor, CATALOG) as w:
        w.same_org("data_product", data_product)
        w.same_org("pod", pod)
        if data_product.access_policy == AccessPolicy.OPEN:
            raise ValidationError({"data_product": "This data product is open: no request is needed."})
        if AccessRequest.objects.for_org(organization).filter(data_product=data_product, requested_by=actor,
                                                              status=ApprovalStatus.PENDING).exists():
            raise ValidationError({"data_product": "You already have a request waiting."})
        req = AccessRequest.objects.create(organization=organization, data_product=data_product,
                                           requested_by=actor, pod=pod, reason=reason)
        w.audit("catalog.access_requested", target=data_product, after={"request": req.pk, "pod": pod and pod.pk})
    return req


def access_request_decide(*, organization: Organization, actor: User, request: AccessRequest, approve: bool,
                          note: str = "") -> AccessRequest:
    """The owner pod (its lead, or an admin) decides; the row lock lets one decision win."""
    with org_write(organization, actor, CATALOG) as w:
        w.same_org("request", request)
        req = AccessRequest.objects.for_org(organization).select_for_update().get(pk=request.pk)
        if req.status != ApprovalStatus.PENDING:
            raise ValidationError({"approve": f"This request is already {req.get_status_display().lower()}."})
        if not approve and not (note or "").strip():
            raise ValidationError({"note": "Give the reason for refusing."})
        req.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        req.decided_by, req.decided_at, req.decision_note = actor, timezone.now(), (note or "")[:500]
        req.save()
        w.audit("catalog.access_decided", target=req.data_product, after={"request": req.pk, "status": req.status})
    return req
