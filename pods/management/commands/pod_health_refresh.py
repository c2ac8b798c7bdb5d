"""Re-derive the pod health snapshot of every organization (rows missing, expired or of other
settings; `--all` every row), e.g. after a bulk load that wrote no snapshot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from pods.health_services import health_snapshot_refresh, health_snapshot_refresh_expired
from tenancy.models import Organization


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="every pod, not only unusable rows")

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for org in Organization.objects.order_by("pk"):
            with transaction.atomic():
                total += (health_snapshot_refresh(org) if options["all"]
                          else health_snapshot_refresh_expired(org))
        self.stdout.write(f"{total} pod health rows derived.")
