"""Experiment tracking with the data model of MLflow's tracking API: experiments, runs, params,
metrics (a history per key and step) and tags. Ids in the MLflow API are strings of these pks
(experiments) and `run_uuid` (runs)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from pods.models import Pod
from tenancy.scoping import OrgOwned


class LifecycleStage(models.TextChoices):
    ACTIVE = "active", "Active"
    DELETED = "deleted", "Deleted"


class Experiment(OrgOwned):
    owner_pod = models.ForeignKey(Pod, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="catalog_experiments")
    name = models.CharField(max_length=250)
    description = models.TextField(max_length=3000, blank=True)
    model = models.ForeignKey("platform_catalog.CatalogModel", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="experiments")
    data_products = models.ManyToManyField("platform_catalog.DataProduct", blank=True, related_name="experiments")
    lifecycle_stage = models.CharField(max_length=8, choices=LifecycleStage.choices, default=LifecycleStage.ACTIVE)
    tags = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    creation_time = models.BigIntegerField(help_text="Milliseconds since the epoch (MLflow's unit).")
    last_update_time = models.BigIntegerField()

    class Meta(OrgOwned.Meta):
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint("organization", Lower("name"), name="catexp_unique_name")]
        indexes = [models.Index(fields=["organization", "owner_pod"], name="catexp_org_pod")]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    RUNNING = "RUNNING", "Running"
    SCHEDULED = "SCHEDULED", "Scheduled"
    FINISHED = "FINISHED", "Finished"
    FAILED = "FAILED", "Failed"
    KILLED = "KILLED", "Killed"


def new_run_uuid() -> str:
    return uuid.uuid4().hex


class Run(OrgOwned):
    run_uuid = models.CharField(max_length=32, default=new_run_uuid, editable=False)
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="runs")
    run_name = models.CharField(max_length=250, blank=True)
    user_id = models.CharField(max_length=250, blank=True)
    status = models.CharField(max_length=9, choices=RunStatus.choices, default=RunStatus.RUNNING)
    start_time = models.BigIntegerField(null=True)
    end_time = models.BigIntegerField(null=True, blank=True)
    lifecycle_stage = models.CharField(max_length=8, choices=LifecycleStage.choices, default=LifecycleStage.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(OrgOwned.Meta):
        ordering = ["-start_time", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "run_uuid"], name="catrun_unique_uuid")]
        indexes = [models.Index(fields=["organization", "experiment", "-start_time"], name="catrun_org_exp")]

    def __str__(self) -> str:
        return self.run_name or self.run_uuid


class RunParam(OrgOwned):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="params")
    key = models.CharField(max_length=250)
    value = models.CharField(max_length=6000)

    class Meta(OrgOwned.Meta):
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["organization", "run", "key"], name="catparam_unique")]


class RunTag(OrgOwned):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="tags")
    key = models.CharField(max_length=250)
    value = models.CharField(max_length=8000)

    class Meta(OrgOwned.Meta):
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["organization", "run", "key"], name="cattag_unique")]


class MetricPoint(OrgOwned):
    """One logged value of a metric (the history); the run's latest per key is derived."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metric_points")
    key = models.CharField(max_length=250)
    value = models.FloatField()
    timestamp = models.BigIntegerField()
    step = models.BigIntegerField(default=0)

    class Meta(OrgOwned.Meta):
        ordering = ["step", "timestamp", "id"]
        indexes = [models.Index(fields=["organization", "run", "key", "step", "timestamp"], name="catmetric_org_run")]


class LatestMetric(OrgOwned):
    """A run's latest value per metric key (largest step, then timestamp, then value, as MLflow
    orders them), kept on write so runs lists and searches read one row per key."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="latest_metrics")
    key = models.CharField(max_length=250)
    value = models.FloatField()
    timestamp = models.BigIntegerField()
    step = models.BigIntegerField(default=0)

    class Meta(OrgOwned.Meta):
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["organization", "run", "key"], name="catlatest_unique")]
        indexes = [models.Index(fields=["organization", "key", "value"], name="catlatest_org_key_value")]
