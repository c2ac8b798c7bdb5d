"""Issue a personal API token for a member of an organization, for scripts and CI.

    python manage.py issue_token --org acme --email ci@acme.test --name "deploy pipeline"

Only the raw token goes to stdout (so `TOKEN=$(manage.py issue_token …)` works); it is shown
this once and only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenancy import context
from tenancy.models import Organization, User
from tenancy.services import api_token_create


class Command(BaseCommand):
    help = "Issue an API token for a member of an organization and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--email", required=True, help="Email of a member of that organization.")
        parser.add_argument("--name", default="Command-line token",
                            help="What the token is for, shown in the token list.")

    def handle(self, *args: Any, org: str, email: str, name: str, **options: Any) -> None:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization with the slug “{org}”.")
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.")
        # The audit trail records the command line as the source of the token.
        bound = context.bind(context.RequestContext(source="cli"))
        try:
            token, raw = api_token_create(organization=organization, actor=user, name=name)
        except ValidationError as exc:
            errors = getattr(exc, "error_dict", {})
            if "user" in errors:
                raise CommandError(f"{email} is not a member of {organization.slug}.") from exc
            raise CommandError("; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            ) if errors else " ".join(exc.messages)) from exc
        finally:
            context.reset(bound)
        self.stdout.write(raw)
        self.stderr.write(
            f"Token “{token.name}” ({token.prefix}…) for {user.email} in {organization.slug}. "
            "It is shown only this once."
        )
