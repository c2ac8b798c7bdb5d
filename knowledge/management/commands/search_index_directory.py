"""`manage.py search_index_directory [--org SLUG]`: put an organization's pods and people in the
search index (rows written in bulk, e.g. by the enterprise seed, send no save signal)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from knowledge.directory_index import index_directory
from tenancy.models import Organization


class Command(BaseCommand):
    help = "Index the pods and people of one organization (--org) or of every organization."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", default="", help="The organization's slug (default: all).")

    def handle(self, *args: Any, org: str = "", **options: Any) -> None:
        orgs = Organization.objects.all() if not org else Organization.objects.filter(slug=org)
        for organization in orgs:
            n = index_directory(organization=organization)
            self.stdout.write(f"{organization.slug}: {n} pods and people indexed")
