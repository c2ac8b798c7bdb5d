"""The overview's own tables: snapshots of what the apps' selectors return, and scorecard checks.

Nothing here points at another app's rows by foreign key: a fact names its pod by id, as the
contributing app gave it, so dashboards never joins another app's tables (DESIGN.md)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from tenancy.scoping import OrgOwned


class PodFacet(OrgOwned):
    """A pod as the overview filters it: name, and the registered dimensions' values
    (`{"sponsor": ["12"], "theme": ["3", "4"]}`), refreshed with every snapshot."""

    pod_id = models.BigIntegerField()
    name = models.CharField(max_length=120)
    dims = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta(OrgOwned.Meta):
        ordering = ["name", "pod_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "pod_id"], name="podfacet_one_per_pod")]
        indexes = [GinIndex(fields=["dims"], name="podfacet_dims")]

    def __str__(self) -> str:
        return self.name


class FilterChoices(OrgOwned):
    """The choices a registered dimension offers, stored with the facets they filter (so the
    filter form and the facets come from the same snapshot, and the page reads them in one query)."""

    key = models.CharField(max_length=64)
    choices = models.JSONField(default=list)  # [[value, label], …]
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta(OrgOwned.Meta):
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="filterchoices_one_per_key")]


class DailyFact(OrgOwned):
    """One number of one day for one pod (or the organization), from a registered tile's `collect`."""

    metric = models.CharField(max_length=64)
    day = models.DateField()
    pod_id = models.BigIntegerField(null=True, blank=True)
    value = models.FloatField()

    class Meta(OrgOwned.Meta):
        indexes = [models.Index(fields=["organization", "metric", "day"], name="fact_org_metric_day")]


class TileSnapshot(OrgOwned):
    """When a tile's facts were last recomputed: the tile's "as of"."""

    tile = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now)
    covers_from = models.DateField()
    covers_to = models.DateField()

    class Meta(OrgOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["organization", "tile"], name="tilesnapshot_one_per_tile")]


# --- Scorecards (after OpsLevel / Cortex) --------------------------------------------------------


class ScorecardLevel(OrgOwned):
    """A rung (Bronze, Silver, Gold): a pod reaches it when it passes every check of it and below."""

    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField()

    class Meta(OrgOwned.Meta):
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "rank"], name="scorecardlevel_unique_rank"),
            models.UniqueConstraint(fields=["organization", "name"], name="scorecardlevel_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Operator(models.TextChoices):
    AT_LEAST = "gte", "at least"
    AT_MOST = "lte", "at most"
    EQUALS = "eq", "equal to"


class ScorecardCheck(OrgOwned):
    """A rule over a registered measure: `measure operator threshold` (e.g. lessons ≥ 1)."""

    level = models.ForeignKey(ScorecardLevel, on_delete=models.PROTECT, related_name="checks")
    name = models.CharField(max_length=120)
    measure = models.CharField(max_length=64)
    operator = models.CharField(max_length=3, choices=Operator.choices, default=Operator.AT_LEAST)
    threshold = models.FloatField()
    description = models.CharField(max_length=300, blank=True)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OrgOwned.Meta):
        ordering = ["level__rank", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="scorecardcheck_unique_name")]

    def __str__(self) -> str:
        return self.name

    def passes(self, value: float | None) -> bool:
        if value is None:
            return False
        if self.operator == Operator.AT_LEAST:
            return value >= self.threshold
        if self.operator == Operator.AT_MOST:
            return value <= self.threshold
        return value == self.threshold


class ScorecardResult(OrgOwned):
    """A check's outcome for one pod on one day: the check's history."""

    check_rule = models.ForeignKey(ScorecardCheck, on_delete=models.CASCADE, related_name="results")
    pod_id = models.BigIntegerField()
    day = models.DateField()
    value = models.FloatField(null=True)
    passed = models.BooleanField()

    class Meta(OrgOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["organization", "check_rule", "pod_id", "day"],
                                               name="scorecardresult_one_per_day")]
        indexes = [models.Index(fields=["organization", "day", "pod_id"], name="scresult_org_day_pod"),
                   models.Index(fields=["organization", "check_rule", "day"], name="scresult_org_check_day")]


class PodLevel(OrgOwned):
    """The level a pod reached on a day (rank 0: none yet), for the rollup and its history."""

    pod_id = models.BigIntegerField()
    day = models.DateField()
    rank = models.PositiveSmallIntegerField()
    passed = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)

    class Meta(OrgOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["organization", "pod_id", "day"], name="podlevel_one_per_day")]
        indexes = [models.Index(fields=["organization", "day", "rank"], name="podlevel_org_day_rank")]


# --- The attention queue's snapshot ----------------------------------------------------------------


class AttentionSnapshot(OrgOwned):
    """When the attention queue was last recomputed (its "as of") and until when it holds: items
    that fall due before `valid_until` are in it already, shown from their `show_from`."""

    computed_at = models.DateTimeField()
    valid_until = models.DateTimeField()

    class Meta(OrgOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["organization"], name="attentionsnapshot_one_per_org")]


class AttentionEntry(OrgOwned):
    """One item of a registered attention source, as it was at the snapshot (`AttentionItem`)."""

    source = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    detail = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500)
    due_at = models.DateTimeField()
    show_from = models.DateTimeField()
    pod_id = models.BigIntegerField(null=True, blank=True)
    # Memberships who may see it besides those with the source's `see_all`; NULL: all who see the source.
    viewers = ArrayField(models.BigIntegerField(), null=True, blank=True)

    class Meta(OrgOwned.Meta):
        ordering = ["due_at", "title", "id"]
        indexes = [models.Index(fields=["organization", "due_at"], name="attention_org_due")]
