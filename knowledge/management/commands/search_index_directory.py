"""`manage.py search_index_directory [--org SLUG]`: put an organization's pods and people, and the
documents of every kind other apps register with a `documents` source (escalations), in the
search index (rows written in bulk, e.g. by the enterprise seed, send no save signal)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from knowledge.directory_index import index_directory, index_registered
from tenancy.models import Organization
from tenancy.registry import registry


class Command(BaseCommand):
    help = "Index the pods and people of one organization (--org) or of every organization."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", default="", help="The organization's slug (default: all).")

    def handle(self, *args: Any, org: str = "", **options: Any) -> None:
        orgs = Organization.objects.all() if not org else Organization.objects.filter(slug=org)
        for organization in orgs:
            n = index_directory(organization=organization)
            self.stdout.write(f"{organization.slug}: {n} pods and people indexed")
            for kind in registry.search_kinds.all():
                if kind.documents is not None:
                    count = index_registered(organization=organization, kind=kind)
                    self.stdout.write(f"{organization.slug}: {count} {kind.label.lower()} documents indexed")
