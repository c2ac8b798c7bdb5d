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
