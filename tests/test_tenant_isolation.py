"""Walks every URL pattern of the project and proves that another organization's data is out of
reach: a member of org B gets 404 for org A's pages and API, and for org A's object ids under
org B's own address, on GET and on every writing method; lists never show org A's rows.

A new URL pattern this test does not know how to fill fails it: add it to PUBLIC (no tenant
data, with the reason) or tell the walker how to fill its object ids. Each app that adds
tenant data ships `tests/<app>/isolation.py` with `build(victim)` (adds org A's objects to
`victim.extra`), `OBJECT_KWARGS` (page url name → kwarg → filler), `API_FILLERS` (DRF route
name prefix → kwarg → filler) and `VICTIM_NAMES` (strings that only org A's rows contain).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pods.models import Assignment, Charter, Pod
from tenancy import services as tenancy_services
from tenancy.models import ApiToken, AuditEvent, Invitation, Membership, Person, Skill
from tests.factories import (
    AssignmentFactory,
    CharterFactory,
    OrganizationFactory,
    PersonSkillFactory,
    member,
)

MARKER = "zzvictim"

# Patterns with no tenant data, and why they are safe to leave out of the walk.
PUBLIC = {
    "home": "redirects to the signed-in user's own organizations",
    "healthz": "liveness probe",
    "bench_trivial": "benchmark baseline",
    "login": "auth", "logout": "auth", "password_change": "auth", "password_change_done": "auth",
    "password_reset": "auth", "password_reset_done": "auth", "password_reset_confirm": "auth",
    "password_reset_complete": "auth",
    "profile": "the user's own profile",
    "org_list": "lists only the user's memberships",
    "org_create": "creates a new organization",
    "invitation_accept": "the secret token is the scope; tested in tests/tenancy",
    "schema": "OpenAPI schema, no data", "docs": "API docs UI, no data",
}


@dataclass
class Victim:
    org: Any
    pod: Pod
    person: Person
    assignment: Assignment
    charter: Charter
    skill: Skill
    membership: Membership
    invitation: Invitation
    token: ApiToken
    extra: dict[str, Any] = field(default_factory=dict)


def _app_modules() -> list[Any]:
    """`tests/<app>/isolation.py` of every app that contributes tenant data and URLs."""
    here = Path(__file__).parent
    names = sorted(p.parent.name for p in here.glob("*/isolation.py"))
    return [importlib.import_module(f"tests.{name}.isolation") for name in names]


APP_MODULES = _app_modules()


def build_victim() -> Victim:
    org = OrganizationFactory(name=f"{MARKER} org")
    owner = member(org, "owner")
    assignment = AssignmentFactory(organization=org, pod__name=f"{MARKER} pod",
                                   person__full_name=f"{MARKER} person")
    charter = CharterFactory(organization=org, pod=assignment.pod, mission=f"{MARKER} mission")
    CharterFactory(organization=org, pod=assignment.pod, version=2, mission=f"{MARKER} mission 2")
    ps = PersonSkillFactory(organization=org, person=assignment.person, skill__name=f"{MARKER} skill")
    invitation, _ = tenancy_services.invitation_create(organization=org, actor=owner.user,
                                                       email=f"{MARKER}@example.test")
    token, _ = tenancy_services.api_token_create(organization=org, actor=owner.user, name=f"{MARKER} token")
    victim = Victim(org=org, pod=assignment.pod, person=assignment.person, assignment=assignment,
                    charter=charter, skill=ps.skill, membership=owner, invitation=invitation,
                    token=token)
    for module in APP_MODULES:
        module.build(victim)
    return victim


# url name → {kwarg: how to get org A's id}. `org_slug` is filled by the test itself.
Filler = Callable[[Victim], Any]
OBJECT_KWARGS: dict[str, dict[str, Filler]] = {
    "pods:pod_detail": {"pk": lambda v: v.pod.pk},
    "pods:pod_edit": {"pk": lambda v: v.pod.pk},
    "pods:pod_health": {"pk": lambda v: v.pod.pk},
    "pods:assignment_create": {"pk": lambda v: v.pod.pk},
    "pods:member_candidates": {"pk": lambda v: v.pod.pk},
    "pods:assignment_edit": {"pk": lambda v: v.pod.pk, "assignment_pk": lambda v: v.assignment.pk},
    "pods:charter_edit": {"pk": lambda v: v.pod.pk},
    "pods:charter_history": {"pk": lambda v: v.pod.pk},
    "pods:charter_diff": {"pk": lambda v: v.pod.pk},
    "pods:person_detail": {"pk": lambda v: v.person.pk},
    "pods:person_edit": {"pk": lambda v: v.person.pk},
    "tenancy:membership_change": {"pk": lambda v: v.membership.pk},
    "tenancy:invitation_revoke": {"pk": lambda v: v.invitation.pk},
    "tenancy:api_token_revoke": {"pk": lambda v: v.token.pk},
}
def _api_filler(name: str) -> dict[str, Filler] | None:
    """DRF router names: '<basename>-detail', '<basename>-<action>'."""
    for prefix, fill in API_FILLERS.items():
        if name.split(":")[-1].startswith(prefix):
            return fill
    return None


API_FILLERS: dict[str, dict[str, Filler]] = {
    "person-": {"pk": lambda v: v.person.pk},
    "pod-charter-": {"pod_pk": lambda v: v.pod.pk, "pk": lambda v: v.charter.version},
    "pod-": {"pk": lambda v: v.pod.pk},
    "assignment-": {"pk": lambda v: v.assignment.pk},
    "skill-": {"pk": lambda v: v.skill.pk},
    "role-": {"pk": lambda v: v.assignment.role_id},
    "member-": {"pk": lambda v: v.membership.pk},
    "invitation-": {"pk": lambda v: v.invitation.pk},
}
for _module in APP_MODULES:
    OBJECT_KWARGS.update(_module.OBJECT_KWARGS)
    # App prefixes are more specific than the foundation's ("escalation-" vs "pod-"): try them first.
    API_FILLERS = {**_module.API_FILLERS, **API_FILLERS}


@dataclass
class Route:
    name: str
    template: str
    kwargs: list[str]
    is_api: bool


def iter_routes(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue  # Django admin: staff only, tested in test_admin_is_staff_only
            sub_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from iter_routes(p, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            template = prefix + str(p.pattern)
            kwargs = re.findall(r"<(?:\w+:)?(\w+)>", template)
            if "(?P<" in template:
                kwargs += re.findall(r"\(\?P<(\w+)>", template)
            name = f"{ns}{p.name}" if p.name else template
            yield Route(name=name, template=template, kwargs=kwargs, is_api=template.startswith("api/"))


def to_path(route: Route, values: dict[str, Any]) -> str:
    path = route.template
    path = re.sub(r"\(\?P<format>[^)]*\)", "", path)
    for key, value in values.items():
        path = re.sub(rf"\(\?P<{key}>[^)]*\)", str(value), path)
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").rstrip("?")
    assert "<" not in path and "(?P" not in path, f"unfilled kwargs in {route.template}"
    return "/" + path


def tenant_routes() -> list[Route]:
    routes = []
    for r in iter_routes():
        if r.name in PUBLIC:
            continue
        if "format" in r.kwargs:
            continue  # DRF's ".json" suffix twins of routes already walked
        routes.append(r)
    return routes


def fillers_for(route: Route) -> dict[str, Filler]:
    """How to fill the route's object kwargs (only those it has) with org A's ids."""
    fill = OBJECT_KWARGS.get(route.name)
    if fill is None and route.is_api:
        fill = _api_filler(route.name)
    return {k: f for k, f in (fill or {}).items() if k in route.kwargs}


def test_every_pattern_is_known():
    """A new URL must be public (with a reason) or tenant-scoped with fillers for its ids."""
    problems = []
    for r in tenant_routes():
        if "org_slug" not in r.kwargs:
            problems.append(f"{r.name} ({r.template}): no <org_slug> and not in PUBLIC")
            continue
        missing = set(r.kwargs) - {"org_slug", "format"} - set(fillers_for(r))
        if missing:
            problems.append(f"{r.name} ({r.template}): no filler for {sorted(missing)}")
    assert not problems, "\n".join(problems)


METHODS = ("get", "post", "put", "patch", "delete")
VICTIM_NAMES = [f"{MARKER} {what}" for what in ("org", "pod", "person", "mission", "skill", "token")]
VICTIM_NAMES.append(f"{MARKER}@example.test")
for _module in APP_MODULES:
    VICTIM_NAMES.extend(_module.VICTIM_NAMES)


@pytest.fixture
def world(db):
    victim = build_victim()
    attacker_org = OrganizationFactory(name="attacker org")
    attacker = member(attacker_org, "owner")  # the most powerful role in their own org
    AssignmentFactory(organization=attacker_org)  # so their lists are not empty either
    token, raw = tenancy_services.api_token_create(organization=attacker_org, actor=attacker.user,
                                                   name="attacker")
    return victim, attacker_org, attacker, raw


def _request(client: Any, method: str, path: str, is_api: bool, raw_token: str) -> Any:
    extra = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if is_api else {}
    if method in ("put", "patch"):
        return getattr(client, method)(path, data="{}", content_type="application/json", **extra)
    return getattr(client, method)(path, data={"name": "x"} if method == "post" else None, **extra)


def _write_count(org: Any) -> int:
    return AuditEvent.objects.for_org(org).count()


def test_other_orgs_urls_answer_404(client, world):
    victim, attacker_org, attacker, raw = world
    client.force_login(attacker.user)
    before = _write_count(victim.org)
    failures = []
    for route in tenant_routes():
        values = {k: f(victim) for k, f in fillers_for(route).items()}
        path = to_path(route, {"org_slug": victim.org.slug, **values})
        for method in METHODS:
            response = _request(client, method, path, route.is_api, raw)
            if response.status_code != 404:
                failures.append(f"{method.upper()} {path} → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert _write_count(victim.org) == before


def test_other_orgs_object_ids_under_own_slug_answer_404(client, world):
    victim, attacker_org, attacker, raw = world
    client.force_login(attacker.user)
    before = _write_count(victim.org)
    failures = []
    for route in tenant_routes():
        fill = fillers_for(route)
        if not fill:
            continue
        values = {k: f(victim) for k, f in fill.items()}
        path = to_path(route, {"org_slug": attacker_org.slug, **values})
        for method in METHODS:
            response = _request(client, method, path, route.is_api, raw)
            allowed = {404, 405}  # 405: the route does not take this method at all
            if response.status_code not in allowed:
                failures.append(f"{method.upper()} {path} → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert _write_count(victim.org) == before


def test_lists_never_show_other_orgs_rows(client, world):
    victim, attacker_org, attacker, raw = world
    client.force_login(attacker.user)
    checked = 0
    for route in tenant_routes():
        if set(route.kwargs) - {"org_slug"}:
            continue
        path = to_path(route, {"org_slug": attacker_org.slug})
        for query in ("", f"?q={MARKER}", f"?search={MARKER}"):
            response = _request(client, "get", path + query, route.is_api, raw)
            if response.status_code == 200:
                checked += 1
                # CSV exports stream: read them whole, they must not leak either.
                raw = b"".join(response.streaming_content) if response.streaming else response.content
                body = raw.decode()
                # Search boxes echo the query itself; org A's rows are named "<MARKER> <what>".
                leaked = [n for n in VICTIM_NAMES if n in body]
                assert not leaked, f"{path}{query} leaks org A's rows: {leaked}"
    assert checked >= 8


def test_admin_is_staff_only(client, world):
    victim, attacker_org, attacker, raw = world
    client.force_login(attacker.user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
