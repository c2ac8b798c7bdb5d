from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from pods.health import FAIL, NOT_ASSESSED, OK, WARN
from pods.health_selectors import pod_health_attach
from pods.models import Assignment, Charter, Pod
from pods.selectors import led_pod_ids, people_with_allocation, pod_list
from tenancy.cache import version_tag
from tenancy.models import (
    ADMIN_ROLES,
    AuditEvent,
    Membership,
    Organization,
    Person,
    PersonSkill,
    Role,
    Skill,
    User,
)

pytestmark = pytest.mark.django_db

TENANT_MODELS = (Membership, Skill, Person, PersonSkill, Pod, Assignment, Charter, AuditEvent)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot(org: Organization) -> dict[str, object]:
    org.refresh_from_db()
    counts: dict[str, object] = {
        m.__name__: m.objects.for_org(org).count() for m in TENANT_MODELS
    }
    counts["users"] = User.objects.count()
    counts["cache_versions"] = version_tag(Organization.objects.get(pk=org.pk), None)
    return counts


def test_small_seed_creates_the_four_logins_with_their_roles():
    out = seed()
    org = Organization.objects.get(slug="demo")
    roles = {m.user.email: m.role for m in Membership.objects.for_org(org).select_related("user")}
    assert roles["admin@demo.podium"] in ADMIN_ROLES
    assert roles["leader@demo.podium"] == Role.LEADER
    assert roles["lead@demo.podium"] == Role.MEMBER
    assert roles["member@demo.podium"] == Role.MEMBER
    for email in roles:
        assert authenticate(email=email, password="podium-demo") is not None
    assert "admin@demo.podium" in out and "podium-demo" in out


def test_small_seed_twice_changes_nothing():
    seed()
    org = Organization.objects.get(slug="demo")
    before = snapshot(org)
    out = seed()
    assert snapshot(org) == before
    assert "nothing changed" in out
    assert Organization.objects.filter(slug="demo").count() == 1


def test_small_seed_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PODIUM_DEMO_PASSWORD", "a-different-secret")
    seed()
    assert authenticate(email="leader@demo.podium", password="a-different-secret") is not None
    assert authenticate(email="leader@demo.podium", password="podium-demo") is None


def test_small_demo_tells_a_story():
    seed()
    org = Organization.objects.get(slug="demo")
    lead = User.objects.get(email="lead@demo.podium")
    member = Person.objects.for_org(org).get(user__email="member@demo.podium")

    assert led_pod_ids(organization=org, user=lead), "lead@ leads a pod"
    assert Assignment.objects.for_org(org).filter(person=member, end_date__isnull=True).exists()

    pods = pod_health_attach(org, pod_list(organization=org))
    assert 8 <= len(pods) <= 10
    assert {p.health.level for p in pods} == {OK, WARN, FAIL, NOT_ASSESSED}  # one pod is sunset
    problems = Counter(r.check for p in pods for r in p.health.problems)
    assert problems["lead"] and problems["size"] and problems["charter"]
    assert any("overdue" in r.message for p in pods for r in p.health.problems)

    assert 35 <= Person.objects.for_org(org).count() <= 50  # the directory plus the bench's contractors
    assert max(p.total_allocation for p in people_with_allocation(organization=org)) > 100
    assert PersonSkill.objects.for_org(org).count() >= 40

    versions = Counter(Charter.objects.for_org(org).values_list("pod_id", flat=True))
    assert versions and all(2 <= n <= 3 for n in versions.values())
    assert len(versions) == len(pods)

    # Written through the services: the trail has the real events, marked as seeded.
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"organization.created", "person.created", "pod.created", "assignment.created",
            "charter.versioned", "invitation.accepted"} <= actions
    assert set(AuditEvent.objects.for_org(org).values_list("source", flat=True)) == {"seed"}


def test_enterprise_shaped_seed_bulk_inserts_and_skips_when_seeded():
    out = seed("--scale", "enterprise", "--pods", "12", "--people", "100")
    org = Organization.objects.get(slug="enterprise")
    assert Pod.objects.for_org(org).count() == 12
    assert Person.objects.for_org(org).count() == 100
    assert PersonSkill.objects.for_org(org).count() >= 200
    assert Charter.objects.for_org(org).exists()
    per_person = Counter(Assignment.objects.for_org(org).values_list("person_id", flat=True))
    assert len(per_person) == 100 and set(per_person.values()) <= {1, 2, 3}
    # A summary event per seed step (each app adds one), never one per row (thousands).
    assert AuditEvent.objects.for_org(org).count() < 20
    assert {"demo.directory_seeded", "demo.pods_seeded"} <= set(
        AuditEvent.objects.for_org(org).values_list("action", flat=True))
    roles = {m.user.email: m.role for m in Membership.objects.for_org(org).select_related("user")}
    assert roles["admin@enterprise.podium"] == Role.OWNER
    assert roles["leader@enterprise.podium"] == Role.LEADER
    assert "admin@enterprise.podium" in out
    # Pages read it like any other tenant.
    pods = pod_health_attach(org, pod_list(organization=org))
    assert len(pods) == 12 and all(p.health.level in (OK, WARN, FAIL) for p in pods)

    before = snapshot(org)
    seed("--scale", "enterprise", "--pods", "12", "--people", "100")
    assert snapshot(org) == before


def test_scales_are_separate_tenants():
    seed()
    seed("--scale", "enterprise", "--pods", "5", "--people", "30")
    demo, enterprise = Organization.objects.get(slug="demo"), Organization.objects.get(slug="enterprise")
    assert Pod.objects.for_org(enterprise).count() == 5
    demo_people = set(Person.objects.for_org(demo).values_list("email", flat=True))
    enterprise_people = set(Person.objects.for_org(enterprise).values_list("email", flat=True))
    assert not demo_people & enterprise_people


def test_demo_shows_the_platform_catalog():
    from knowledge.models import Incident
    from platform_catalog.models import Adoption, CatalogModel, DataProduct, DuplicatePair, Run

    seed("--scale", "small")
    org = Organization.objects.get(slug="demo")
    assert CatalogModel.objects.for_org(org).filter(status="deprecated").count() == 1
    assert CatalogModel.objects.for_org(org).filter(approved_tier__key="medium").exists()
    assert DataProduct.objects.for_org(org).filter(contract_state="breached", breach_incident__isnull=False).exists()
    assert Incident.objects.for_org(org).filter(title__startswith="Data contract breached").exists()
    assert Adoption.objects.for_org(org).count() >= 3 and Run.objects.for_org(org).count() == 8
    planted = DuplicatePair.objects.for_org(org).filter(entity_kind="component")
    assert any({"Feature store", "Feature-store service"} <= set(p.evidence["names"]) for p in planted)


def test_demo_offers_expert_office_hours_at_both_scales():
    from resources.experts.models import Booking, ExpertProfile, ExpertWeekSnapshot, OfficeHours

    seed()
    org = Organization.objects.get(slug="demo")
    assert ExpertProfile.objects.for_org(org).count() == 6
    assert OfficeHours.objects.for_org(org).filter(guild__isnull=False).exists()  # shown on guild pages
    assert Booking.objects.for_org(org).filter(state="booked", start__gt=timezone_now()).exists()
    assert ExpertWeekSnapshot.objects.for_org(org).filter(booked__gt=0).exists()
    assert AuditEvent.objects.for_org(org).filter(action="booking.created").exists()
    seed("--scale", "enterprise", "--pods", "12", "--people", "100")
    ent = Organization.objects.get(slug="enterprise")
    assert ExpertProfile.objects.for_org(ent).count() == 100  # 200 at full scale; here every person
    assert Booking.objects.for_org(ent).count() > 5000


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def test_enterprise_seed_holds_experiments_at_the_issues_volumes_per_pod():
    """5,000 experiments, 100,000 runs and 2 million metric points for 300 pods (issue #11);
    a test seeds 12 pods, so 200 experiments with 20 runs each and 20 points a run."""
    from django.test import Client

    from platform_catalog.models import (
        DuplicatePair,
        Experiment,
        LatestMetric,
        MetricPoint,
        Run,
        RunParam,
        SchemaVersion,
    )

    seed("--scale", "enterprise", "--pods", "12", "--people", "100")
    org = Organization.objects.get(slug="enterprise")
    assert Experiment.objects.for_org(org).count() == 200
    assert Run.objects.for_org(org).count() == 4000
    assert MetricPoint.objects.for_org(org).count() == 80_000
    # The latest value per run and key is kept as the services keep it: the largest step.
    assert LatestMetric.objects.for_org(org).count() == 8000
    assert not LatestMetric.objects.for_org(org).exclude(step=9).exists()
    assert RunParam.objects.for_org(org).count() == 8000
    assert SchemaVersion.objects.for_org(org).count() == 600
    assert Experiment.objects.for_org(org).filter(model__isnull=False).exists()
    assert Experiment.objects.for_org(org).filter(data_products__isnull=False).exists()
    assert Run.objects.for_org(org).values("experiment").distinct().count() > 150  # spread, not one
    # The planted look-alikes (another pod's copy, its name edited) are found, and no flood of others.
    found = Counter(DuplicatePair.objects.for_org(org).filter(current=True).values_list("entity_kind", flat=True))
    for kind, planted in (("model", 8), ("component", 20), ("data_product", 30), ("experiment", 50)):
        assert 0.9 * planted <= found[kind] <= 2 * planted, (kind, found)
    # A run's page shows its history's latest values.
    client = Client()
    client.force_login(User.objects.get(email="admin@enterprise.podium"))
    exp = Run.objects.for_org(org).order_by("pk").first().experiment
    page = client.get(f"/o/enterprise/catalog/experiments/{exp.pk}/")
    assert page.status_code == 200 and b"auc" in page.content

    # An enterprise org seeded before experiments existed gets them on the next run, once.
    Experiment.objects.for_org(org).delete()
    seed("--scale", "enterprise", "--pods", "12", "--people", "100")
    assert Run.objects.for_org(org).count() == 4000 and Experiment.objects.for_org(org).count() == 200
