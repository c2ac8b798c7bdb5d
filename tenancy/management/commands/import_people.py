from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenancy.imports import ImportRejected, people_import_csv
from tenancy.models import Organization, User


class Command(BaseCommand):
    help = "Import people into an organization's directory from a CSV file (all or nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument("--file", required=True, help="Path of the CSV file")
        parser.add_argument("--actor", default="", help="Email of the user the audit names")

    def handle(self, *args: Any, **opts: Any) -> None:
        org = Organization.objects.filter(slug=opts["org"]).first()
        if org is None:
            raise CommandError(f"No organization with slug {opts['org']!r}.")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        actor = User.objects.filter(email=opts["actor"].lower()).first() if opts["actor"] else None
        try:
            result = people_import_csv(organization=org, actor=actor, data=path.read_bytes())
        except ImportRejected as exc:
            for e in exc.errors:
                self.stderr.write(f"row {e.row}, {e.field}: {e.message}")
            raise CommandError(f"{len(exc.errors)} problem(s); nothing was imported.") from exc
        self.stdout.write(f"Imported {result.created} people ({result.skills_created} new skills).")
