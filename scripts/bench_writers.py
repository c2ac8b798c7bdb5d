#!/usr/bin/env python
"""The write half of `make bench`: a realistic write mix, a paced writer for the mixed-load pass,
and the write-concurrency figure (N processes writing to unrelated objects of one organization).

The mix, each through the public surface every client uses: a lesson vote and a lesson comment
(knowledge services), an escalation comment (governance service), a metric push through the
deployment API (`POST …/deployments/<id>/metrics/`), and an assignment edit (pods service).
Writer `i` only touches its own objects (lesson i, escalation i, deployment i, an assignment of
pod i, member i), so any waiting between writers is the app's, not the data's.

    python scripts/bench_writers.py --writers 8 --seconds 10   # prints JSON (after django setup)
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Op = Callable[[], None]


def _objects(slug: str, n: int) -> dict[str, list[Any]]:
    """`n` unrelated objects of each kind (distinct pods for the assignments and deployments)."""
    from django.utils import timezone

    from governance.models import DeploymentReview, Escalation, Gate
    from knowledge.models import Lesson
    from pods.models import Assignment
    from tenancy.models import Membership, Organization

    org = Organization.objects.get(slug=slug)
    today = timezone.localdate()
    lessons = list(Lesson.objects.for_org(org).filter(status="published").order_by("id")[:n])
    escalations = list(
        Escalation.objects.for_org(org).exclude(status__in=("decided", "closed")).order_by("id")[:n]
    )
    assignments, pods = [], set()
    for a in (
        Assignment.objects.for_org(org)
        .filter(start_date__lte=today, end_date__isnull=True)
        .order_by("pod_id", "id")
        .iterator()
    ):
        if a.pod_id not in pods:
            pods.add(a.pod_id)
            assignments.append(a)
        if len(assignments) >= n:
            break
    deployments, dpods = [], set()
    for d in DeploymentReview.objects.for_org(org).filter(gate=Gate.PASS).order_by("id"):
        if d.pod_id not in dpods:
            dpods.add(d.pod_id)
            deployments.append(d)
        if len(deployments) >= n:
            break
    users = [m.user for m in Membership.objects.for_org(org).select_related("user").order_by("id")[:n]]
    admin = Membership.objects.for_org(org).filter(user__email=f"admin@{slug}.podium").get().user
    return {
        "org": [org],
        "lessons": lessons,
        "escalations": escalations,
        "assignments": assignments,
        "deployments": deployments,
        "users": users,
        "admin": [admin],
    }


def write_ops(slug: str, objects: dict[str, list[Any]], i: int) -> list[Op]:
    """The five writes of the mix for writer `i` (objects `i` modulo what exists)."""
    from django.test import Client

    from governance.models import GuardrailPolicy
    from governance.services import escalations as esc_services
    from knowledge.services import guilds as knowledge_services
    from pods import services as pod_services

    org, admin = objects["org"][0], objects["admin"][0]

    def pick(kind: str) -> Any:
        items = objects[kind]
        return items[i % len(items)] if items else None

    lesson, escalation, assignment, deployment, user = (
        pick("lessons"),
        pick("escalations"),
        pick("assignments"),
        pick("deployments"),
        pick("users"),
    )
    client = Client()
    client.force_login(admin)
    metrics = {}
    if deployment is not None:
        for p in GuardrailPolicy.objects.for_org(org).filter(risk_tier_id=deployment.risk_tier_id):
            metrics[p.check_kind] = p.threshold * (1.5 if p.direction == "min" else 0.5) or 0
    percents = itertools.cycle((50, 60))
    ops: list[Op] = []
    if lesson is not None:
        ops.append(lambda: knowledge_services.lesson_vote_toggle(organization=org, actor=user, lesson=lesson))
        ops.append(
            lambda: knowledge_services.lesson_comment_create(
                organization=org, actor=user, lesson=lesson, body="Bench comment: this helped."
            )
        )
    if escalation is not None:
        ops.append(
            lambda: esc_services.escalation_comment(
                organization=org, actor=admin, escalation=escalation, body="Bench: looking at it."
            )
        )
    if deployment is not None and metrics:
        url = f"/api/v1/o/{slug}/deployments/{deployment.pk}/metrics/"

        def push() -> None:
            response = client.post(url, {"metrics": metrics}, content_type="application/json")
            if response.status_code != 201:
                raise RuntimeError(f"metric push: HTTP {response.status_code} {response.content[:200]!r}")

        ops.append(push)
    if assignment is not None:
        ops.append(
            lambda: pod_services.assignment_update(
                organization=org, actor=admin, assignment=assignment, allocation_percent=next(percents)
            )
        )
    return ops


class PacedWriter(threading.Thread):
    """Runs the mix round-robin over `spread` writers' objects at `rate` writes per second."""

    def __init__(self, slug: str, rate: float = 5.0, spread: int = 20) -> None:
        super().__init__(daemon=True)
        self.slug, self.rate, self.spread = slug, rate, spread
        self.stop = threading.Event()
        self.done = 0
        self.errors: list[str] = []

    def run(self) -> None:
        from django.db import connection

        try:
            objects = _objects(self.slug, self.spread)
            cycle = itertools.cycle(
                [op for i in range(self.spread) for op in write_ops(self.slug, objects, i)]
            )
            next_at = time.perf_counter()
            while not self.stop.is_set():
                try:
                    next(cycle)()
                    self.done += 1
                except Exception as exc:  # noqa: BLE001 (reported, the bench goes on)
                    self.errors.append(repr(exc)[:200])
                next_at += 1 / self.rate
                self.stop.wait(max(0.0, next_at - time.perf_counter()))
        finally:
            connection.close()


# --- Write concurrency: N processes, each on its own objects ------------------------------------


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def _writer(slug: str, i: int, seconds: float, barrier: Any, out: Any) -> None:
    _setup()
    objects = _objects(slug, i + 1)
    ops = write_ops(slug, objects, i)
    for op in ops:  # first-use costs (imports, URL resolution, connection) before the clock
        op()
    barrier.wait()
    done, errors, deadline = 0, 0, time.perf_counter() + seconds
    for op in itertools.cycle(ops):
        if time.perf_counter() >= deadline:
            break
        try:
            op()
            done += 1
        except Exception:  # noqa: BLE001 (a deadlock or timeout counts against the figure)
            errors += 1
    out.put((done, errors))


def write_throughput(slug: str, writers: int, seconds: float) -> float:
    """Writes per second of `writers` processes, each on its own objects, over `seconds`."""
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(writers), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(slug, i, seconds, barrier, out)) for i in range(writers)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    errors = sum(e for _, e in results)
    if errors:
        print(f"write concurrency: {errors} failed writes with {writers} writers", file=sys.stderr)
    return sum(d for d, _ in results) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description="write throughput of N concurrent writers")
    parser.add_argument("--slug", default="enterprise")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(
        json.dumps(
            {
                "writers": args.writers,
                "writes_per_second": round(write_throughput(args.slug, args.writers, args.seconds), 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
