"""`manage.py seed_demo --scale small|enterprise`: a demo organization to click through or load.

small (default, run by `make demo`): the `demo` org with four logins, 9 pods in telling states,
40 people, charters with history; every row written through the services, so the audit trail
is real. Idempotent: a second run reuses what exists and writes nothing.

enterprise (used by `make bench`): the `enterprise` org at the scale DESIGN.md must hold:
300 pods, 2,500 people with skills and assignments, charters; bulk-inserted in well under two
minutes, with a few summary audit events. Skipped when the org already has its pods.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core import mail
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from demo.seeding import ENTERPRISE, SCALES, SMALL, SeedContext, run
from demo.seeding.context import DEFAULT_DEMO_PASSWORD, demo_password
from pods.health_services import health_snapshot_refresh


class Command(BaseCommand):
    help = "Seed a demo organization: --scale small (default) or --scale enterprise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=SCALES, default=SMALL)
        # Enterprise-shaped data at a size tests can afford; not part of the documented interface.
        parser.add_argument("--pods", type=int, default=300, help=argparse.SUPPRESS)
        parser.add_argument("--people", type=int, default=2500, help=argparse.SUPPRESS)
        parser.add_argument("--seed", type=int, default=4242, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if options["pods"] < 1 or options["people"] < 1:
            self.stderr.write("--pods and --people must be positive.")
            raise SystemExit(2)
        ctx = SeedContext(
            scale=scale, today=timezone.localdate(), password=demo_password(),
            seed=options["seed"], pods=options["pods"], people=options["people"],
            log=lambda line: self.stdout.write(f"  {line}"),
        )
        started = time.perf_counter()
        self.stdout.write(f"Seeding the {scale} demo …")
        # The seeded escalations notify people by email: keep those mails out of the terminal
        # (the console backend of `make demo` would print every one above the sign-in banner).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            outbox_before = len(getattr(mail, "outbox", []))
            timings = run(ctx)
            # The seed bulk-loads and backdates rows past the services (which keep each pod's
            # health snapshot): derive every pod's row again from what is stored now.
            with transaction.atomic():
                health_snapshot_refresh(ctx.org)
            held = len(getattr(mail, "outbox", [])) - outbox_before
        if held:
            self.stdout.write(f"  {held} notification emails of the seeded history were not sent.")
        elapsed = time.perf_counter() - started
        self._report(ctx, timings, elapsed)

    def _report(self, ctx: SeedContext, timings: dict[str, float], elapsed: float) -> None:
        org = ctx.org
        steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items())
        verb = "Seeded" if ctx.changed else "Already seeded, nothing changed:"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {org.name} (/o/{org.slug}/) in {elapsed:.1f}s ({steps})."))
        labels = sorted(set(ctx.created) | set(ctx.reused))
        for label in labels:
            created, reused = ctx.created[label], ctx.reused[label]
            parts = [f"{created} created"] if created else []
            if reused:
                parts.append(f"{reused} already there")
            self.stdout.write(f"  {label:<22} {', '.join(parts)}")
        if ctx.logins:
            using = ("PODIUM_DEMO_PASSWORD" if ctx.password != DEFAULT_DEMO_PASSWORD
                     else f"“{DEFAULT_DEMO_PASSWORD}” (set PODIUM_DEMO_PASSWORD to change it)")
            self.stdout.write(f"Sign in at /accounts/login/ with the password {using}:")
            for email, hint in ctx.logins:
                self.stdout.write(f"  {email:<28} {hint}")
        if ctx.scale == ENTERPRISE and not ctx.changed:
            self.stdout.write("  (the enterprise org keeps its data; drop the database to reseed)")
