"""The worker's recompute of an organization's suggestions: every kind proposed from one snapshot of
the inputs, then synchronised with the open set (kept within tolerance, withdrawn when no longer
held, never flapping within the stabilisation window), in one transaction."""

from __future__ import annotations

import datetime
import time

from django.db import connection
from django.utils import timezone

from bench import matching_selectors as ms
from bench import solver
from bench.models import (
    BenchRun,
    RequestStatus,
    ScalingSuggestion,
    StaffingRequest,
    SuggestionKind,
    SuggestionStatus,
)
from bench.services.add_proposals import TOLERANCE, Proposal, compute_adds
from bench.services.budget import budget_holds_settle
from bench.services.requests import staffing_requests_expire
from bench.services.upkeep_proposals import compute_rebalances, compute_releases
from tenancy.cache import BENCH
from tenancy.models import Organization
from tenancy.writes import org_write

STABILISATION_DAYS = 7


def _recent_opposites(organization: Organization, today: datetime.date) -> dict[str, set[tuple[int, int]]]:
    """(person, pod) pairs with an add / a release in the stabilisation window."""
    since = timezone.now() - datetime.timedelta(days=STABILISATION_DAYS)
    out: dict[str, set[tuple[int, int]]] = {SuggestionKind.ADD: set(), SuggestionKind.RELEASE: set()}
    for row in ScalingSuggestion.objects.for_org(organization).filter(
            kind__in=list(out), computed_at__gte=since, person__isnull=False).exclude(
            status=SuggestionStatus.WITHDRAWN).values("kind", "person_id", "pod_id"):
        out[row["kind"]].add((row["person_id"], row["pod_id"]))
    return out



def _sync(organization: Organization, proposals: list[Proposal], now: datetime.datetime) -> tuple[int, int]:
    """Make the open (worker) suggestions match the proposals: keep those within tolerance (their
    rationale refreshed, e.g. the budget left), withdraw those that no longer hold, create the new
    ones (not those dismissed with the same inputs)."""
    existing = {(s.pod_id, s.kind, s.subject): s for s in ScalingSuggestion.objects.for_org(organization)
                .select_for_update().filter(status=SuggestionStatus.OPEN, manual=False).order_by("pk")}
    dismissed = set(ScalingSuggestion.objects.for_org(organization).filter(
        status=SuggestionStatus.DISMISSED).values_list("kind", "subject", "person_id", "inputs_hash"))
    wanted = {p.key: p for p in proposals}
    withdraw: list[int] = []
    create: list[ScalingSuggestion] = []
    for key, s in existing.items():
        p = wanted.get(key)
        if (p is None or p.person_id != s.person_id or p.request_id != s.request_id
                or abs(p.score - s.score) > TOLERANCE):
            withdraw.append(s.pk)
    refreshed: list[ScalingSuggestion] = []
    for key, p in wanted.items():
        current = existing.get(key)
        if current is not None and current.pk not in withdraw:
            if current.rationale != p.rationale:
                current.rationale = p.rationale
                refreshed.append(current)
            continue
        h = solver.inputs_hash(p.inputs)
        if (p.kind, p.subject, p.person_id, h) in dismissed:
            continue
        create.append(ScalingSuggestion(
            organization=organization, kind=p.kind, pod_id=p.pod_id, subject=p.subject, person_id=p.person_id,
            request_id=p.request_id, other_request_id=p.other_request_id, assignment_id=p.assignment_id,
            skill_id=p.skill_id, score=p.score, summary=p.summary[:300], rationale=p.rationale, inputs=p.inputs,
            inputs_hash=h, changes=p.changes, computed_at=now))
    if withdraw:
        ScalingSuggestion.objects.for_org(organization).filter(pk__in=withdraw).update(
            status=SuggestionStatus.WITHDRAWN, decided_at=now, dismiss_reason="No longer holds.")
    ScalingSuggestion.objects.bulk_create(create)
    if refreshed:
        ScalingSuggestion.objects.for_org(organization).bulk_update(refreshed, ["rationale"], batch_size=500)
    return len(create), len(withdraw)


@org_write.service(BENCH)
def suggestions_recompute(*, organization: Organization, today: datetime.date | None = None) -> BenchRun:
    """Recompute every suggestion of the organization in one transaction (a killed worker leaves the
    last good set); concurrent runs for one organization queue on an advisory lock."""
    started = time.monotonic()
    today = today or timezone.localdate()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x62656E63, organization.pk])
    staffing_requests_expire(organization=organization, today=today)
    budget_holds_settle(organization=organization, actor=None, today=today)
    requests = ms.open_requests(organization=organization)
    recent = _recent_opposites(organization, today)
    adds = compute_adds(organization, requests, today, blocked=recent[SuggestionKind.RELEASE])
    proposals = [*adds.proposals, *compute_releases(organization, today, blocked=recent[SuggestionKind.ADD]),
                 *compute_rebalances(organization, today, adds, requests)]
    now = timezone.now()
    created, withdrawn = _sync(organization, proposals, now)
    with_open = set(ScalingSuggestion.objects.for_org(organization).filter(
        status=SuggestionStatus.OPEN, kind=SuggestionKind.ADD).values_list("request_id", flat=True))
    for status in (RequestStatus.PROPOSED, RequestStatus.OPEN):  # two statements, not one per request
        moved = [r.pk for r in requests
                 if r.status != status and (r.pk in with_open) == (status == RequestStatus.PROPOSED)]
        if moved:
            StaffingRequest.objects.for_org(organization).filter(
                pk__in=moved, status__in=(RequestStatus.OPEN, RequestStatus.PROPOSED)).update(status=status)
    return BenchRun.objects.create(
        organization=organization, finished_at=now, seconds=round(time.monotonic() - started, 3),
        requests=len(requests), candidates=adds.candidates, created=created, withdrawn=withdrawn,
        objective=adds.objective, greedy_objective=adds.greedy_objective, unmatched=adds.unmatched)
