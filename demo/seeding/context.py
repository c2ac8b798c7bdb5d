"""What every seed step receives: the scale, the tenant being seeded and a running tally."""

from __future__ import annotations

import datetime
import os
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tenancy.models import Organization, User

SMALL, ENTERPRISE = "small", "enterprise"
SCALES = (SMALL, ENTERPRISE)

# The one place the demo password has a default; `make demo` prints the same hint.
DEFAULT_DEMO_PASSWORD = "podium-demo"


def demo_password() -> str:
    return os.environ.get("PODIUM_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass
class SeedContext:
    """Shared by the steps of one run, in order; a step reads what the earlier ones set.

    `organization` and `actor` are set by the tenancy step. Steps look their own rows up by a
    natural key (a slug, an email, a name) and create only what is missing, so a run on a
    seeded database changes nothing and a step added later fills in an existing demo org.
    """

    scale: str
    today: datetime.date
    password: str
    seed: int = 4242
    pods: int = 300  # enterprise shape; tests pass smaller numbers
    people: int = 2500
    organization: Organization | None = None
    actor: User | None = None
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (email, what they can do)
    created: Counter[str] = field(default_factory=Counter)
    reused: Counter[str] = field(default_factory=Counter)
    shared: dict[str, Any] = field(default_factory=dict)  # hand-over between steps
    log: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def is_enterprise(self) -> bool:
        return self.scale == ENTERPRISE

    @property
    def org(self) -> Organization:
        """The organization being seeded; a step that needs it runs after the tenancy step."""
        if self.organization is None:
            raise RuntimeError("The tenancy seed step must run first.")
        return self.organization

    @property
    def owner(self) -> User:
        """Who the seeded writes are made by (the demo org's owner), set by the tenancy step."""
        if self.actor is None:
            raise RuntimeError("The tenancy seed step must run first.")
        return self.actor

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def days_ahead(self, days: int) -> datetime.date:
        return self.today + datetime.timedelta(days=days)

    def tally(self, label: str, created: int, reused: int = 0) -> None:
        if created:
            self.created[label] += created
        if reused:
            self.reused[label] += reused

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()))
