"""The platform catalog: the curated model library (with cards, aliases and tier approvals),
reusable components, data products with contracts, typed relations between them and adoptions.

Every entry is owned by a pod; the catalog's shape follows Backstage (components), DataHub /
OpenMetadata (data products) and the MLflow registry (aliases), joined to pods and risk tiers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from governance.models import Escalation, RiskTier
from pods.models import Pod
from tenancy.scoping import OrgOwned


class ModelStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    DEPRECATED = "deprecated", "Deprecated"
    RETIRED = "retired", "Retired"


class Modality(models.TextChoices):
    TEXT = "text", "Text"
    IMAGE = "image", "Image"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    TABULAR = "tabular", "Tabular"
    MULTIMODAL = "multimodal", "Multimodal"
    EMBEDDING = "embedding", "Embedding"
    CODE = "code", "Code"


class CatalogModel(OrgOwned):
    """One version of a model in the library, with its model card.

    The card's sections follow the Hugging Face model card and Google's Model Card Toolkit;
    evaluation results are rows (`ModelEvaluation`). `approved_tier` is the highest risk tier the
    model is approved for; the deployment gate refuses it above that tier.
    """

    owner_pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="catalog_models")
    provider = models.CharField(max_length=120)
    name = models.CharField(max_length=120)
    version = models.CharField(max_length=60)
    licence = models.CharField(max_length=120, blank=True)
    modality = models.CharField(max_length=16, choices=Modality.choices, default=Modality.TEXT)
    status = models.CharField(max_length=16, choices=ModelStatus.choices, default=ModelStatus.PROPOSED)
    approved_tier = models.ForeignKey(RiskTier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(max_length=3000, blank=True)
    intended_use = models.TextField(max_length=5000, blank=True)
    out_of_scope_use = models.TextField(max_length=5000, blank=True)
    training_data = models.TextField(max_length=5000, blank=True)
    limitations = models.TextField(max_length=5000, blank=True)
    ethical_considerations = models.TextField(max_length=5000, blank=True)
    mitigations = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "version", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), "version", name="catmodel_unique_version"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "name"], name="catmodel_org_status"),
            models.Index(fields=["organization", "owner_pod"], name="catmodel_org_pod"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def family(self) -> str:
        return self.name.strip().lower()


class ModelEvaluation(OrgOwned):
    """One row of the card's evaluation results: a metric on a dataset (optionally a slice)."""

    model = models.ForeignKey(CatalogModel, on_delete=models.CASCADE, related_name="evaluations")
    metric = models.CharField(max_length=80)
    value = models.FloatField()
    dataset = models.CharField(max_length=120, blank=True)
    slice = models.CharField(max_length=120, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["metric", "dataset", "slice", "id"]
        indexes = [models.Index(fields=["organization", "model"], name="cateval_org_model")]


class ModelAlias(OrgOwned):
    """A movable name (`champion`) for one version of a model family, unique within the family."""

    family = models.CharField(max_length=120, help_text="The model's name, lower-cased.")
    alias = models.SlugField(max_length=60)
    model = models.ForeignKey(CatalogModel, on_delete=models.CASCADE, related_name="aliases")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["alias"]
        constraints = [models.UniqueConstraint(fields=["organization", "family", "alias"],
                                               name="catalias_unique_in_family")]


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ModelApproval(OrgOwned):
    """A request to approve a model for a risk tier, decided through the matrix's "select a model"."""

    model = models.ForeignKey(CatalogModel, on_delete=models.CASCADE, related_name="approvals")
    risk_tier = models.ForeignKey(RiskTier, on_delete=models.PROTECT, related_name="+")
    escalation = models.OneToOneField(Escalation, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="catalog_approval")
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(max_length=3000, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["organization", "model", "status"], name="catappr_org_model")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "model"], condition=models.Q(status="pending"),
                                    name="catappr_one_pending"),
        ]


# --- Components and data products -----------------------------------------------------------------


class Maturity(models.TextChoices):
    EXPERIMENTAL = "experimental", "Experimental"
    BETA = "beta", "Beta"
    GA = "ga", "GA"
    DEPRECATED = "deprecated", "Deprecated"


class Component(OrgOwned):
    """A reusable platform component (feature store, serving, evaluation harness…)."""

    owner_pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="catalog_components")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=60, blank=True, help_text="e.g. feature store, serving")
    description = models.TextField(max_length=3000, blank=True)
    maturity = models.CharField(max_length=16, choices=Maturity.choices, default=Maturity.EXPERIMENTAL)
    docs_url = models.URLField(max_length=300, blank=True)
    repo_url = models.URLField(max_length=300, blank=True)
    interface_notes = models.TextField(max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint("organization", Lower("name"), name="catcomp_unique_name")]
        indexes = [models.Index(fields=["organization", "maturity", "name"], name="catcomp_org_maturity"),
                   models.Index(fields=["organization", "owner_pod"], name="catcomp_org_pod")]

    def __str__(self) -> str:
        return self.name


class AccessPolicy(models.TextChoices):
    OPEN = "open", "Open"
    ON_REQUEST = "on_request", "On request"
    RESTRICTED = "restricted", "Restricted"


class ContractState(models.TextChoices):
    UNKNOWN = "unknown", "Not checked yet"
    HOLDS = "holds", "Holds"
    BREACHED = "breached", "Breached"


class DataProduct(OrgOwned):
    """A data-mesh data product: owned by a domain pod, with a versioned schema and a contract
    (a refresh cadence with allowed lateness, and a minimum quality score from pushed checks)."""

    owner_pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="catalog_data_products")
    name = models.CharField(max_length=120)
    domain = models.CharField(max_length=80, blank=True)
    description = models.TextField(max_length=3000, blank=True)
    access_policy = models.CharField(max_length=16, choices=AccessPolicy.choices, default=AccessPolicy.ON_REQUEST)
    freshness_hours = models.PositiveIntegerField(default=24, help_text="Expected refresh cadence.")
    lateness_hours = models.PositiveIntegerField(default=6, help_text="Allowed lateness past the cadence.")
    min_quality = models.FloatField(default=0.95, help_text="Lowest acceptable quality score (0–1).")
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    quality_score = models.FloatField(null=True, blank=True)
    contract_state = models.CharField(max_length=16, choices=ContractState.choices, default=ContractState.UNKNOWN)
    breach_reason = models.CharField(max_length=500, blank=True)
    breach_incident = models.ForeignKey("knowledge.Incident", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    schema_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="catdp_unique_name"),
            models.CheckConstraint(condition=models.Q(min_quality__gte=0, min_quality__lte=1),
                                   name="catdp_min_quality_0_1"),
        ]
        indexes = [models.Index(fields=["organization", "contract_state", "name"], name="catdp_org_state"),
                   models.Index(fields=["organization", "owner_pod"], name="catdp_org_pod")]

    def __str__(self) -> str:
        return self.name


class SchemaVersion(OrgOwned):
    """One version of a data product's schema: fields [{name, type, description, pii}]."""

    data_product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="schema_versions")
    version = models.PositiveIntegerField()
    fields = models.JSONField(default=list)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(OrgOwned.Meta):
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["organization", "data_product", "version"],
                                               name="catschema_unique_version")]


class QualityRun(OrgOwned):
    """Quality-check results pushed by a pipeline: passed of total → score."""

    data_product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="quality_runs")
    passed = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    score = models.FloatField()
    refreshed_at = models.DateTimeField(null=True, blank=True, help_text="When the data was refreshed.")
    details = models.JSONField(default=list, blank=True)
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    pushed_at = models.DateTimeField(default=timezone.now)

    class Meta(OrgOwned.Meta):
        ordering = ["-pushed_at", "-id"]
        indexes = [models.Index(fields=["organization", "data_product", "-pushed_at"], name="catqual_org_dp")]
        constraints = [models.CheckConstraint(condition=models.Q(total=models.F("passed") + models.F("failed")),
                                              name="catqual_total_adds_up")]


class AccessRequest(OrgOwned):
    data_product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="access_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    pod = models.ForeignKey(Pod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            help_text="The pod that will consume the data, if any.")
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(OrgOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "data_product", "status"], name="cataccess_org_dp")]


# --- Relations, adoptions, duplication ------------------------------------------------------------


class EntityKind(models.TextChoices):
    MODEL = "model", "Model"
    COMPONENT = "component", "Component"
    DATA_PRODUCT = "data_product", "Data product"
    EXPERIMENT = "experiment", "Experiment"


# What a pod adopts (experiments are tracked, not adopted).
ADOPTABLE_KINDS = [c for c in EntityKind.choices if c[0] != "experiment"]


class RelationKind(models.TextChoices):
    DEPENDS_ON = "depends_on", "depends on"
    CONSUMES = "consumes", "consumes"
    PROVIDES = "provides", "provides"


# How a relation reads from its target's side.
INVERSE = {"depends_on": "dependency_of", "consumes": "consumed_by", "provides": "provided_by"}


class Relation(OrgOwned):
    """One typed edge between catalog entries, stored once and read from both ends."""

    source_kind = models.CharField(max_length=16, choices=EntityKind.choices)
    source_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16, choices=RelationKind.choices)
    target_kind = models.CharField(max_length=16, choices=EntityKind.choices)
    target_id = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(OrgOwned.Meta):
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "source_kind", "source_id", "kind", "target_kind",
                                            "target_id"], name="catrel_unique_edge"),
            models.CheckConstraint(condition=~models.Q(source_kind=models.F("target_kind"),
                                                       source_id=models.F("target_id")),
                                   name="catrel_not_self"),
        ]
        indexes = [models.Index(fields=["organization", "source_kind", "source_id"], name="catrel_org_source"),
                   models.Index(fields=["organization", "target_kind", "target_id"], name="catrel_org_target")]


class Adoption(OrgOwned):
    """A pod consuming a component, model or data product since a date."""

    class Source(models.TextChoices):
        PAGE = "page", "Recorded on a page"
        API = "api", "Pushed by CI"

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="catalog_adoptions")
    entity_kind = models.CharField(max_length=16, choices=EntityKind.choices)
    entity_id = models.PositiveBigIntegerField()
    since = models.DateField(default=timezone.localdate)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(OrgOwned.Meta):
        ordering = ["-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "pod", "entity_kind", "entity_id"],
                                               name="catadopt_unique")]
        indexes = [models.Index(fields=["organization", "entity_kind", "entity_id"], name="catadopt_org_entity")]


class DuplicateDecision(models.TextChoices):
    OPEN = "open", "To review"
    DUPLICATE = "duplicate", "Duplicate"
    DISTINCT = "distinct", "Distinct"


class DuplicatePair(OrgOwned):
    """Two entries of one kind, owned by different pods, that look alike (computed by a task).

    `fingerprint` hashes what the score was computed from; a pair decided "distinct" comes back
    only when its fingerprint changes (one side was edited).
    """

    entity_kind = models.CharField(max_length=16, choices=EntityKind.choices)
    a_id = models.PositiveBigIntegerField()
    b_id = models.PositiveBigIntegerField()
    score = models.FloatField()
    evidence = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    decision = models.CharField(max_length=16, choices=DuplicateDecision.choices, default=DuplicateDecision.OPEN)
    merge_into_id = models.PositiveBigIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    current = models.BooleanField(default=True, help_text="Found by the latest computation.")

    class Meta(OrgOwned.Meta):
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "entity_kind", "a_id", "b_id"],
                                               name="catdup_unique_pair"),
                       models.CheckConstraint(condition=models.Q(a_id__lt=models.F("b_id")), name="catdup_ordered")]
        indexes = [models.Index(fields=["organization", "current", "decision", "-score"], name="catdup_org_open")]
