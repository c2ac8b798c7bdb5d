"""What the tenant-isolation walker needs from the bench (see tests/test_tenant_isolation.py)."""

from __future__ import annotations

from typing import Any

from bench.services.requests import staffing_request_propose
from tests.bench.factories import file_request, specialist
from tests.factories import SkillFactory, pod_lead


def build(victim: Any) -> None:
    """Org A's bench entry, staffing request and suggestion, their names starting with the marker."""
    org = victim.org
    lead, _person, pod = pod_lead(org, victim.pod)
    skill = SkillFactory(organization=org, name="zzvictim bench skill")
    entry = specialist(org, {skill: 4}, name="zzvictim specialist", notes="zzvictim bench note")
    r = file_request(org, pod, {skill: 3}, actor=lead.user, title="zzvictim staffing request")
    s = staffing_request_propose(organization=org, actor=lead.user, request=r, person=entry.person)
    victim.extra.update(bench_entry=entry, staffing_request=r, suggestion=s)


OBJECT_KWARGS: dict[str, dict[str, Any]] = {
    "bench:entry_edit": {"pk": lambda v: v.extra["bench_entry"].pk},
    "bench:request_detail": {"pk": lambda v: v.extra["staffing_request"].pk},
    "bench:suggestion_detail": {"pk": lambda v: v.extra["suggestion"].pk},
}
API_FILLERS: dict[str, dict[str, Any]] = {
    "bench-entry-": {"pk": lambda v: v.extra["bench_entry"].pk},
    "staffing-request-": {"pk": lambda v: v.extra["staffing_request"].pk},
    "suggestion-": {"pk": lambda v: v.extra["suggestion"].pk},
}
VICTIM_NAMES: list[str] = ["zzvictim staffing request", "zzvictim specialist", "zzvictim bench note"]
