"""Serializers of the catalog API: reads mirror the pages; writes take exactly what the services take."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from governance.models import RiskTier
from governance.selectors import risk_tiers
from platform_catalog import selectors
from platform_catalog.models import (
    ADOPTABLE_KINDS,
    AccessPolicy,
    AccessRequest,
    Adoption,
    ApprovalStatus,
    CatalogModel,
    Component,
    DataProduct,
    DuplicatePair,
    EntityKind,
    Experiment,
    Maturity,
    Modality,
    ModelStatus,
    Relation,
    RelationKind,
)
from pods.models import Pod
from pods.selectors import pod_list
from tenancy.api.serializers import OrgScopedPrimaryKeyField


def _pods(org: Any) -> Any:
    return pod_list(organization=org)


def _models(org: Any) -> Any:
    return selectors.model_list(organization=org)


def _data_products(org: Any) -> Any:
    return selectors.data_product_list(organization=org)


class RiskTierKeyField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", RiskTier.objects.none())
        super().__init__(slug_field="key", **kwargs)

    def get_queryset(self) -> Any:
        org = self.context.get("organization")
        return risk_tiers(organization=org) if org is not None else self.queryset


class EvaluationSerializer(serializers.Serializer):
    metric = serializers.CharField(max_length=80)
    value = serializers.FloatField()
    dataset = serializers.CharField(max_length=120, required=False, allow_blank=True)
    slice = serializers.CharField(max_length=120, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


CARD = ("description", "intended_use", "out_of_scope_use", "training_data", "limitations",
        "ethical_considerations", "mitigations")


class CatalogModelSerializer(serializers.ModelSerializer):
    owner_pod = serializers.IntegerField(source="owner_pod_id")
    approved_tier = serializers.CharField(source="approved_tier.key", allow_null=True, default=None)
    aliases = serializers.SerializerMethodField()
    evaluations = EvaluationSerializer(many=True, read_only=True)

    class Meta:
        model = CatalogModel
        fields = ("id", "owner_pod", "provider", "name", "version", "licence", "modality", "status", "approved_tier",
                  "aliases", *CARD, "evaluations", "created_at", "updated_at")

    def get_aliases(self, obj: CatalogModel) -> list[str]:
        return [a.alias for a in obj.aliases.all()]


class CatalogModelWriteSerializer(serializers.Serializer):
    owner_pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    provider = serializers.CharField(max_length=120)
    name = serializers.CharField(max_length=120)
    version = serializers.CharField(max_length=60)
    licence = serializers.CharField(max_length=120, required=False, allow_blank=True)
    modality = serializers.ChoiceField(choices=Modality.choices, required=False)
    evaluations = EvaluationSerializer(many=True, required=False)
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    intended_use = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    out_of_scope_use = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    training_data = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    limitations = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    ethical_considerations = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    mitigations = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CatalogModelUpdateSerializer(CatalogModelWriteSerializer):
    owner_pod = None
    name = None
    version = None
    provider = serializers.CharField(max_length=120, required=False)


class ModelFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100)
    status = serializers.ChoiceField(choices=ModelStatus.choices, required=False)
    modality = serializers.ChoiceField(choices=Modality.choices, required=False)
    pod = serializers.IntegerField(required=False, min_value=1)


class ApproveSerializer(serializers.Serializer):
    risk_tier = RiskTierKeyField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    risk_tier = serializers.CharField(source="risk_tier.key")
    status = serializers.CharField()
    escalation = serializers.IntegerField(source="escalation_id", allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)


class AliasSerializer(serializers.Serializer):
    alias = serializers.SlugField(max_length=60)


class ComponentSerializer(serializers.ModelSerializer):
    owner_pod = serializers.IntegerField(source="owner_pod_id")

    class Meta:
        model = Component
        fields = ("id", "owner_pod", "name", "kind", "description", "maturity", "docs_url", "repo_url",
                  "interface_notes", "created_at", "updated_at")


class ComponentWriteSerializer(serializers.Serializer):
    owner_pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, required=False)
    name = serializers.CharField(max_length=120)
    kind = serializers.CharField(max_length=60, required=False, allow_blank=True)
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    maturity = serializers.ChoiceField(choices=Maturity.choices, required=False)
    docs_url = serializers.URLField(max_length=300, required=False, allow_blank=True)
    repo_url = serializers.URLField(max_length=300, required=False, allow_blank=True)
    interface_notes = serializers.CharField(max_length=3000, required=False, allow_blank=True)


class ComponentFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100)
    maturity = serializers.ChoiceField(choices=Maturity.choices, required=False)
    pod = serializers.IntegerField(required=False, min_value=1)


class DataProductSerializer(serializers.ModelSerializer):
    owner_pod = serializers.IntegerField(source="owner_pod_id")
    breach_incident = serializers.IntegerField(source="breach_incident_id", allow_null=True)

    class Meta:
        model = DataProduct
        fields = ("id", "owner_pod", "name", "domain", "description", "access_policy", "freshness_hours",
                  "lateness_hours", "min_quality", "last_refreshed_at", "quality_score", "contract_state",
                  "breach_reason", "breach_incident", "schema_version", "created_at", "updated_at")


class DataProductWriteSerializer(serializers.Serializer):
    owner_pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, required=False)
    name = serializers.CharField(max_length=120)
    domain = serializers.CharField(max_length=80, required=False, allow_blank=True)
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    access_policy = serializers.ChoiceField(choices=AccessPolicy.choices, required=False)
    freshness_hours = serializers.IntegerField(min_value=1, max_value=24 * 366, required=False)
    lateness_hours = serializers.IntegerField(min_value=0, max_value=24 * 366, required=False)
    min_quality = serializers.FloatField(min_value=0, max_value=1, required=False)


class DataProductFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100)
    contract_state = serializers.ChoiceField(choices=[("unknown", "unknown"), ("holds", "holds"),
                                                      ("breached", "breached")], required=False)
    access_policy = serializers.ChoiceField(choices=AccessPolicy.choices, required=False)
    pod = serializers.IntegerField(required=False, min_value=1)


class SchemaFieldSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    type = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    pii = serializers.BooleanField(required=False, default=False)


class SchemaSerializer(serializers.Serializer):
    fields = SchemaFieldSerializer(many=True, allow_empty=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class SchemaVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    fields = SchemaFieldSerializer(many=True)
    created_at = serializers.DateTimeField()


CHECK_COUNT_MAX = 1_000_000_000


class ChecksSerializer(serializers.Serializer):
    # Each at most a billion, so that their sum (the run's total) still fits a PostgreSQL integer.
    passed = serializers.IntegerField(min_value=0, max_value=CHECK_COUNT_MAX)
    failed = serializers.IntegerField(min_value=0, max_value=CHECK_COUNT_MAX)
    refreshed_at = serializers.DateTimeField(required=False, help_text="When the data was last refreshed.")
    details = serializers.ListField(child=serializers.JSONField(), required=False, max_length=500)


class QualityRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    total = serializers.IntegerField()
    score = serializers.FloatField()
    refreshed_at = serializers.DateTimeField(allow_null=True)
    pushed_at = serializers.DateTimeField()
    contract_state = serializers.CharField(source="data_product.contract_state")


class AdoptionSerializer(serializers.ModelSerializer):
    pod = serializers.IntegerField(source="pod_id")

    class Meta:
        model = Adoption
        fields = ("id", "pod", "entity_kind", "entity_id", "since", "source")


class AdoptionWriteSerializer(serializers.Serializer):
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod)
    entity_kind = serializers.ChoiceField(choices=ADOPTABLE_KINDS)
    entity_id = serializers.IntegerField(min_value=1)
    since = serializers.DateField(required=False)


class AdoptionFilter(serializers.Serializer):
    entity_kind = serializers.ChoiceField(choices=EntityKind.choices, required=False)
    entity_id = serializers.IntegerField(required=False, min_value=1)
    pod = serializers.IntegerField(required=False, min_value=1)


class RelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Relation
        fields = ("id", "source_kind", "source_id", "kind", "target_kind", "target_id", "created_at")


class RelationWriteSerializer(serializers.Serializer):
    source_kind = serializers.ChoiceField(choices=EntityKind.choices)
    source_id = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    target_kind = serializers.ChoiceField(choices=EntityKind.choices)
    target_id = serializers.IntegerField(min_value=1)


class RelationFilter(serializers.Serializer):
    entity_kind = serializers.ChoiceField(choices=EntityKind.choices)
    entity_id = serializers.IntegerField(min_value=1)


class RelationReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="As seen from the entry asked about: depends_on or dependency_of, …")
    other_kind = serializers.CharField()
    other_id = serializers.IntegerField()


class DuplicatePairSerializer(serializers.ModelSerializer):
    class Meta:
        model = DuplicatePair
        fields = ("id", "entity_kind", "a_id", "b_id", "score", "evidence", "decision", "merge_into_id",
                  "computed_at")


class DuplicateDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("duplicate", "duplicate"), ("distinct", "distinct")])
    merge_into = serializers.IntegerField(required=False, min_value=1)


class TrendPointSerializer(serializers.Serializer):
    quarter_end = serializers.DateField()
    pods_reusing = serializers.IntegerField()
    pods = serializers.IntegerField()
    share = serializers.FloatField()


class CoordinationSerializer(serializers.Serializer):
    share = serializers.FloatField()
    pods_reusing = serializers.IntegerField()
    pods = serializers.IntegerField()
    open_duplicates = serializers.IntegerField()
    trend = TrendPointSerializer(many=True)
    components = serializers.SerializerMethodField()

    def get_components(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"id": c.pk, "name": c.name, "owner_pod": c.owner_pod_id, "adoptions": c.adoptions}
                for c in obj["components"]]


class _ImpactPodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _ImpactDependantSerializer(serializers.Serializer):
    relation = serializers.IntegerField(source="id")
    kind = serializers.ChoiceField(choices=["dependency_of", "consumed_by"])
    entity_kind = serializers.ChoiceField(source="other_kind", choices=EntityKind.choices)
    entity_id = serializers.IntegerField(source="other_id")


class _ImpactDeploymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pod = serializers.IntegerField(source="pod_id")
    risk_tier = serializers.CharField(source="risk_tier.key")
    gate = serializers.CharField()


class ImpactSerializer(serializers.Serializer):
    """What deprecating an entry touches, shown before it is deprecated."""

    pods = _ImpactPodSerializer(many=True, help_text="Pods that adopted the entry.")
    dependants = _ImpactDependantSerializer(many=True, help_text="Entries that depend on or consume it.")
    deployments = _ImpactDeploymentSerializer(many=True, help_text="Gate reviews of this model version "
                                                                   "(empty for other kinds).")


class AccessRequestSerializer(serializers.ModelSerializer):
    data_product = serializers.IntegerField(source="data_product_id")
    pod = serializers.IntegerField(source="pod_id", allow_null=True)
    requested_by = serializers.IntegerField(source="requested_by_id", allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)

    class Meta:
        model = AccessRequest
        fields = ("id", "data_product", "pod", "requested_by", "reason", "status", "decided_by", "decided_at",
                  "decision_note", "created_at")


class AccessRequestWriteSerializer(serializers.Serializer):
    data_product = OrgScopedPrimaryKeyField(scope=_data_products, model=DataProduct)
    reason = serializers.CharField(max_length=2000)
    pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, required=False, allow_null=True,
                                   help_text="The pod that will consume the data, if any.")


class AccessRequestFilter(serializers.Serializer):
    data_product = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=ApprovalStatus.choices, required=False)


class AccessDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("grant", "grant"), ("refuse", "refuse")])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                 help_text="Required when refusing: the reason.")


class ExperimentSerializer(serializers.ModelSerializer):
    owner_pod = serializers.IntegerField(source="owner_pod_id", allow_null=True)
    model = serializers.IntegerField(source="model_id", allow_null=True)
    data_products: serializers.ManyRelatedField = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    runs = serializers.IntegerField(source="run_count", read_only=True, default=0)

    class Meta:
        model = Experiment
        fields = ("id", "name", "description", "owner_pod", "model", "data_products", "lifecycle_stage", "runs",
                  "creation_time", "last_update_time")


class ExperimentFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100)
    pod = serializers.IntegerField(required=False, min_value=1)
    model = serializers.IntegerField(required=False, min_value=1)
    data_product = serializers.IntegerField(required=False, min_value=1)


class ExperimentLinkSerializer(serializers.Serializer):
    """Fields left out keep their link; `null` (or `[]`) removes it."""

    owner_pod = OrgScopedPrimaryKeyField(scope=_pods, model=Pod, required=False, allow_null=True)
    model = OrgScopedPrimaryKeyField(scope=_models, model=CatalogModel,
                                     required=False, allow_null=True)
    data_products = serializers.ListField(
        child=OrgScopedPrimaryKeyField(scope=_data_products, model=DataProduct),
        required=False, max_length=50)
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
