"""Writes of the dashboards app: snapshots (derived data, recomputed by workers) and the
admin-edited scorecard levels and checks (audited through `org_write`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, Q
from django.utils import timezone

from dashboards.models import (
    DailyFact,
    FilterChoices,
    Operator,
    PodFacet,
    PodLevel,
    ScorecardCheck,
    ScorecardLevel,
    ScorecardResult,
    TileSnapshot,
)
from tenancy.audit import snapshot
from tenancy.cache import OVERVIEW
from tenancy.models import Organization, User
from tenancy.registry import Fact, registry
from tenancy.writes import org_write

HISTORY_DAYS = 730  # a backfill covers two years, the history the design asks dashboards to hold


# --- Snapshots -------------------------------------------------------------------------------------


def facets_refresh(*, organization: Organization) -> int:
    """Rewrite the pods the overview filters by, with every registered dimension's values, and
    the choices each dimension offers."""
    from pods.selectors import pod_list  # the pods app's read function, never its table

    names = dict(pod_list(organization=organization).values_list("pk", "name"))
    dims: dict[int, dict[str, list[str]]] = {pk: {} for pk in names}
    for dim in registry.pod_dimensions.all():
        for pod_id, values in dim.values(organization).items():
            if pod_id in dims:
                dims[pod_id][dim.key] = sorted(values)
    now = timezone.now()
    dimensions = registry.pod_dimensions.all()
    FilterChoices.objects.for_org(organization).exclude(key__in=[d.key for d in dimensions]).delete()
    FilterChoices.objects.bulk_create(
        [FilterChoices(organization=organization, key=d.key, computed_at=now,
                       choices=[[str(v), str(label)] for v, label in d.choices(organization)]) for d in dimensions],
        update_conflicts=True, unique_fields=["organization", "key"], update_fields=["choices", "computed_at"])
    PodFacet.objects.for_org(organization).exclude(pod_id__in=list(names)).delete()
    PodFacet.objects.bulk_create(
        [PodFacet(organization=organization, pod_id=pk, name=names[pk], dims=dims[pk], computed_at=now)
         for pk in names],
        update_conflicts=True, unique_fields=["organization", "pod_id"],
        update_fields=["name", "dims", "computed_at"], batch_size=1000)
    return len(names)


def snapshot_recompute(*, organization: Organization, start: datetime.date | None = None,
                       end: datetime.date | None = None, tiles: list[str] | None = None) -> int:
    """Recompute the facts of [start, end] (default: the last two days) for every registered tile,
    in one transaction, so a killed worker leaves the last good snapshot. Safe to run twice."""
    end = end or timezone.localdate()
    start = start or end - datetime.timedelta(days=1)
    written = 0
    with org_write(organization, None, OVERVIEW):  # cached overview pages of the old snapshot expire
        facets_refresh(organization=organization)
        for tile in registry.tiles.all():
            if tiles is not None and tile.key not in tiles:
                continue
            facts: list[Fact] = [f for f in tile.collect(organization, start, end) if start <= f.day <= end]
            unknown = {f.metric for f in facts} - set(tile.metrics)
            if unknown:
                raise ValueError(f"tile {tile.key!r} collected undeclared metrics {sorted(unknown)}")
            events = [m for m in tile.metrics if m not in tile.gauges]
            gauge_days = {f.day for f in facts if f.metric in tile.gauges} | {end}
            DailyFact.objects.for_org(organization).filter(
                Q(metric__in=events, day__gte=start, day__lte=end)
                | Q(metric__in=tile.gauges, day__in=gauge_days)).delete()
            DailyFact.objects.bulk_create(
                [DailyFact(organization=organization, metric=f.metric, day=f.day, pod_id=f.pod_id, value=f.value)
                 for f in facts], batch_size=5000)
            written += len(facts)
            snap = TileSnapshot.objects.for_org(organization).filter(tile=tile.key).first()
            covers_from = min(start, snap.covers_from) if snap else start
            TileSnapshot.objects.update_or_create(
                organization=organization, tile=tile.key,
                defaults={"computed_at": timezone.now(), "covers_from": covers_from,
                          "covers_to": max(end, snap.covers_to) if snap else end})
    return written


def snapshot_backfill(*, organization: Organization, days: int = HISTORY_DAYS, tiles: list[str] | None = None) -> int:
    """The whole history (a new organization, the demo, a changed tile), of every tile or the given ones."""
    end = timezone.localdate()
    return snapshot_recompute(organization=organization, start=end - datetime.timedelta(days=days), end=end,
                              tiles=tiles)


# --- Scorecards ------------------------------------------------------------------------------------

DEFAULT_LEVELS = ("Bronze", "Silver", "Gold")
# (level rank, name, measure, operator, threshold, description): the organization edits them.
DEFAULT_CHECKS = (
    (1, "Not unhealthy", "pods.health_level", Operator.AT_MOST, 1, "Exactly one lead; nothing failing."),
    (1, "No escalation past SLA", "governance.breached_open", Operator.AT_MOST, 0,
     "No open escalation has run past its SLA."),
    (2, "Healthy", "pods.health_level", Operator.AT_MOST, 0, "Every health check passes."),
    (2, "Charter reviewed in time", "pods.charter_current", Operator.EQUALS, 1, ""),
    (2, "Shares what it learns", "knowledge.lessons_90d", Operator.AT_LEAST, 1,
     "At least one lesson published in the last 90 days."),
    (2, "Outcomes on course", "strategy.outcomes_off_track", Operator.AT_MOST, 0,
     "None of its outcomes of active themes is at risk or stale."),
    (3, "Reuses the platform", "catalog.adoptions", Operator.AT_LEAST, 1,
     "It has adopted at least one component, data product or model from the catalog."),
    (3, "Post-mortems written", "knowledge.postmortems_missing", Operator.AT_MOST, 0,
     "Every incident older than two weeks has a published post-mortem."),
    (3, "Passes the deployment gate", "governance.gate_pass_rate", Operator.AT_LEAST, 80,
     "80% of deployment reviews of the last 180 days passed."),
    (3, "Protected time", "pods.protected_share", Operator.AT_LEAST, 80, ""),
)


def scorecard_seed_defaults(*, organization: Organization, actor: User | None = None) -> list[ScorecardLevel]:
    """Bronze, Silver and Gold with the default checks, once (an organization that has levels keeps
    them). Like governance's defaults, system-made and not audited; admins' edits are."""
    if ScorecardLevel.objects.for_org(organization).exists():
        return list(ScorecardLevel.objects.for_org(organization))
    with org_write(organization, actor, OVERVIEW):
        levels = [ScorecardLevel.objects.create(organization=organization, name=n, rank=i)
                  for i, n in enumerate(DEFAULT_LEVELS, start=1)]
        for rank, name, measure, op, threshold, description in DEFAULT_CHECKS:
            if measure in registry.scorecard_measures:
                ScorecardCheck.objects.create(organization=organization, level=levels[rank - 1], name=name,
                                              measure=measure, operator=op, threshold=threshold,
                                              description=description)
    return levels


def _validate_check(organization: Organization, level: ScorecardLevel, measure: str) -> None:
    if level.organization_id != organization.pk:
        raise ValidationError({"level": "Not found in this organization."})
    if measure not in registry.scorecard_measures:
        raise ValidationError({"measure": "Choose one of: "
                               + ", ".join(m.key for m in registry.scorecard_measures.all()) + "."})


@org_write.service(OVERVIEW)
def scorecard_check_create(*, organization: Organization, actor: User | None, level: ScorecardLevel,
                           name: str, measure: str, operator: str, threshold: float,
                           description: str = "", enabled: bool = True) -> ScorecardCheck:
    from tenancy.writes import current_write

    _validate_check(organization, level, measure)
    if ScorecardCheck.objects.for_org(organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": "A check with this name exists."})
    check = ScorecardCheck.objects.create(
        organization=organization, level=level, name=name, measure=measure, operator=operator,
        threshold=threshold, description=description, enabled=enabled)
    current_write().audit("scorecard_check.created", target=check, after=snapshot(check))
    return check


@org_write.service(OVERVIEW)
def scorecard_check_update(*, organization: Organization, actor: User | None, check: ScorecardCheck,
                           **changes: Any) -> ScorecardCheck:
    from tenancy.writes import current_write

    check = ScorecardCheck.objects.for_org(organization).select_for_update().get(pk=check.pk)
    before = snapshot(check)
    allowed = {"level", "name", "measure", "operator", "threshold", "description", "enabled"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a field of a check."})
    for field, value in changes.items():
        setattr(check, field, value)
    _validate_check(organization, check.level, check.measure)
    if "name" in changes and ScorecardCheck.objects.for_org(organization).filter(
            name__iexact=check.name).exclude(pk=check.pk).exists():
        raise ValidationError({"name": "A check with this name exists."})
    check.save()
    current_write().audit("scorecard_check.updated", target=check, before=before, after=snapshot(check))
    return check


@org_write.service(OVERVIEW)
def scorecard_check_delete(*, organization: Organization, actor: User | None, check: ScorecardCheck) -> None:
    from tenancy.writes import current_write

    current_write().audit("scorecard_check.deleted", target=check, before=snapshot(check))
    ScorecardCheck.objects.for_org(organization).filter(pk=check.pk).delete()


@org_write.service(OVERVIEW)
def scorecard_level_create(*, organization: Organization, actor: User | None, name: str) -> ScorecardLevel:
    from django.db.models import Max

    from tenancy.writes import current_write

    if ScorecardLevel.objects.for_org(organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": "A level with this name exists."})
    top = ScorecardLevel.objects.for_org(organization).aggregate(m=Max("rank"))["m"] or 0
    level = ScorecardLevel.objects.create(organization=organization, name=name, rank=top + 1)
    current_write().audit("scorecard_level.created", target=level, after=snapshot(level))
    return level


@org_write.service(OVERVIEW)
def scorecard_level_update(*, organization: Organization, actor: User | None, level: ScorecardLevel,
                           name: str) -> ScorecardLevel:
    from tenancy.writes import current_write

    if ScorecardLevel.objects.for_org(organization).filter(name__iexact=name).exclude(pk=level.pk).exists():
        raise ValidationError({"name": "A level with this name exists."})
    before = snapshot(level)
    level.name = name
    level.save(update_fields=["name"])
    current_write().audit("scorecard_level.updated", target=level, before=before, after=snapshot(level))
    return level


@org_write.service(OVERVIEW)
def scorecard_level_delete(*, organization: Organization, actor: User | None, level: ScorecardLevel) -> None:
    """Only the top level, and only without checks: lower ranks stay contiguous."""
    from django.db.models import Max

    from tenancy.writes import current_write

    top = ScorecardLevel.objects.for_org(organization).aggregate(m=Max("rank"))["m"]
    if level.rank != top:
        raise ValidationError({"level": "Only the highest level can be removed."})
    try:
        current_write().audit("scorecard_level.deleted", target=level, before=snapshot(level))
        ScorecardLevel.objects.for_org(organization).filter(pk=level.pk).delete()
    except ProtectedError as exc:
        raise ValidationError({"level": "Move or remove this level's checks first."}) from exc


def scorecard_evaluate(*, organization: Organization, today: datetime.date | None = None) -> int:
    """Every enabled check for every pod, written as today's results and levels (one transaction;
    running it twice on a day replaces that day). A pod reaches a level when it passes every
    check of that level and of every level below; a level without checks is passed."""
    today = today or timezone.localdate()
    scorecard_seed_defaults(organization=organization)
    with org_write(organization, None, OVERVIEW):
        facets_refresh(organization=organization)
        pod_ids = list(PodFacet.objects.for_org(organization).values_list("pod_id", flat=True))
        levels = list(ScorecardLevel.objects.for_org(organization).order_by("rank"))
        checks = list(ScorecardCheck.objects.for_org(organization).filter(enabled=True).select_related("level"))
        values: dict[str, dict[int, float]] = {}
        for key in {c.measure for c in checks}:
            measure = registry.scorecard_measures.get(key)
            values[key] = measure.values(organization, pod_ids, today) if measure else {}
        ScorecardResult.objects.for_org(organization).filter(day=today).delete()
        PodLevel.objects.for_org(organization).filter(day=today).delete()
        results, pod_levels = [], []
        for pod_id in pod_ids:
            failed_ranks, passed = set(), 0
            for check in checks:
                value = values[check.measure].get(pod_id)
                ok = check.passes(value)
                passed += ok
                if not ok:
                    failed_ranks.add(check.level.rank)
                results.append(ScorecardResult(organization=organization, check_rule=check, pod_id=pod_id,
                                               day=today, value=value, passed=ok))
            rank = 0
            for level in levels:
                if level.rank in failed_ranks:
                    break
                rank = level.rank
            pod_levels.append(PodLevel(organization=organization, pod_id=pod_id, day=today, rank=rank,
                                       passed=passed, total=len(checks)))
        ScorecardResult.objects.bulk_create(results, batch_size=5000)
        PodLevel.objects.bulk_create(pod_levels, batch_size=5000)
    return len(results)
