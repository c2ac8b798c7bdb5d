"""Fine-grained fragment invalidation (tenancy.cache) through the write helper (tenancy.writes).

A write drops the fragments that show its data and leaves the others cached; a read after a
committed write never shows what was there before it. Writes run inside
`django_capture_on_commit_callbacks(execute=True)`, which stands for their commit in these
single-transaction tests.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from governance.services.escalations import escalation_comment
from governance.services.matrix import decision_type_create, governance_seed_defaults
from knowledge.services import guilds as knowledge_services
from pods import services as pod_services
from tenancy import services as tenancy_services
from tenancy.cache import PODS, STAFFING, cached_fragment, check_scope, compact, pod_scope, version_tag
from tenancy.models import Organization
from tenancy.writes import org_write
from tests.factories import PersonFactory, member, pod_lead, role
from tests.governance.helpers import file
from tests.knowledge.factories import guild, lesson


@pytest.fixture
def world(org, django_capture_on_commit_callbacks):
    """Two pods, a published lesson, an open escalation; the admin signed in."""
    with django_capture_on_commit_callbacks(execute=True):
        governance_seed_defaults(organization=org)
        lead_a, lead_b = pod_lead(org), pod_lead(org)
        g = guild(org)
        les = lesson(org, g)
        esc = file(org, lead_a)
    admin = member(org, "admin")
    return {"org": org, "a": lead_a, "b": lead_b, "lesson": les, "escalation": esc, "admin": admin}


def _urls(org: Organization, pod_b: int) -> dict[str, str]:
    base = f"/o/{org.slug}"
    return {
        "org home": f"{base}/",
        "pod b": f"{base}/pods/{pod_b}/",
        "people": f"{base}/people/",
        "knowledge": f"{base}/knowledge/",
        "matrix": f"{base}/governance/matrix/",
        "api pods": f"/api/v1/o/{org.slug}/pods/",
    }


def _query_counts(client, urls: dict[str, str]) -> dict[str, int]:
    from django.test.utils import CaptureQueriesContext

    out = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        out[name] = len(ctx.captured_queries)
    return out


def test_a_write_in_one_area_leaves_other_areas_fragments_cached(
    client, world, django_capture_on_commit_callbacks
):
    org, admin = world["org"], world["admin"]
    client.force_login(admin.user)
    urls = _urls(org, world["b"][2].pk)
    _query_counts(client, urls)
    warm = _query_counts(client, urls)

    writes = {
        # A vote on a lesson: only the knowledge pages show it.
        "vote": (
            lambda: knowledge_services.lesson_vote_toggle(
                organization=org, actor=admin.user, lesson=world["lesson"]
            ),
            {"knowledge"},
        ),
        # An escalation comment that changes no status: no cached page shows it.
        "comment": (
            lambda: escalation_comment(
                organization=org, actor=world["a"][0].user, escalation=world["escalation"], body="ok"
            ),
            set(),
        ),
        # Staffing pod A: pod A, the lists of pods and people; not pod B, knowledge or the matrix.
        "assignment": (
            lambda: pod_services.assignment_create(
                organization=org,
                actor=admin.user,
                pod=world["a"][2],
                person=PersonFactory(organization=org),
                role=role(org),
                allocation_percent=20,
                start_date=timezone.localdate(),
            ),
            {"org home", "people", "api pods"},
        ),
    }
    for name, (write, dropped) in writes.items():
        with django_capture_on_commit_callbacks(execute=True):
            write()
        now = _query_counts(client, urls)
        for page in urls:
            if page in dropped:
                assert now[page] > warm[page], (name, page, now[page], warm[page])
            else:
                assert now[page] == warm[page], (name, page, now[page], warm[page])
        _query_counts(client, urls)  # warm again for the next write


def test_reads_after_a_committed_write_are_never_stale(client, world, django_capture_on_commit_callbacks):
    org, admin = world["org"], world["admin"]
    pod_a = world["a"][2]
    client.force_login(admin.user)
    base = f"/o/{org.slug}"

    def fresh(url: str, text: str, write) -> None:
        assert text not in client.get(url).content.decode()  # cached now
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert text in client.get(url).content.decode(), url

    # pods
    fresh(
        f"{base}/",
        "Renamed Pod Alpha",
        lambda: pod_services.pod_update(
            organization=org, actor=admin.user, pod=pod_a, name="Renamed Pod Alpha"
        ),
    )
    # staffing (the pod's own page)
    person = PersonFactory(organization=org, full_name="Newly Staffed Person")
    fresh(
        f"{base}/pods/{pod_a.pk}/",
        f'{person.pk}/">Newly Staffed Person</a>',
        lambda: pod_services.assignment_create(
            organization=org,
            actor=admin.user,
            pod=pod_a,
            person=person,
            role=role(org),
            allocation_percent=10,
            start_date=timezone.localdate(),
        ),
    )
    # people
    fresh(
        f"{base}/people/",
        "Renamed Person",
        lambda: tenancy_services.person_update(
            organization=org, actor=admin.user, person=person, full_name="Renamed Person"
        ),
    )
    # charters
    fresh(
        f"{base}/pods/{pod_a.pk}/",
        "A mission nobody had before",
        lambda: pod_services.charter_save(
            organization=org, actor=admin.user, pod=pod_a, mission="A mission nobody had before"
        ),
    )
    # governance
    fresh(
        f"{base}/governance/matrix/",
        "Buy a GPU cluster",
        lambda: decision_type_create(organization=org, actor=admin.user, name="Buy a GPU cluster"),
    )
    # escalations
    fresh(
        f"{base}/governance/escalations/",
        "A brand new escalation",
        lambda: file(org, world["a"], title="A brand new escalation"),
    )
    # knowledge, and lesson feedback (the helpful count on the lesson list)
    fresh(
        f"{base}/knowledge/",
        "A fresh lesson title",
        lambda: lesson(org, world["lesson"].guild, title="A fresh lesson title"),
    )
    fresh(
        f"{base}/knowledge/lessons/",
        "1 helpful",
        lambda: knowledge_services.lesson_vote_toggle(
            organization=org, actor=admin.user, lesson=world["lesson"]
        ),
    )
    # audit
    fresh(
        f"{base}/audit/",
        "Pod B renamed",
        lambda: pod_services.pod_update(
            organization=org, actor=admin.user, pod=world["b"][2], name="Pod B renamed"
        ),
    )


def test_a_fragment_rendered_inside_an_open_write_is_not_kept(org):
    """Its versions count rows that may still roll back; another write could reach the same sums."""
    calls = []

    def render() -> str:
        calls.append(1)
        return "x"

    with pytest.raises(ValidationError), org_write(org, None, PODS):
        cached_fragment(org, "probe", (), render, scopes=(PODS,))
        raise ValidationError("roll back")
    assert connection.in_atomic_block  # the test's own transaction
    with org_write(org, None, STAFFING):
        cached_fragment(org, "probe", (), render, scopes=(PODS,))
        cached_fragment(org, "probe", (), render, scopes=(PODS,))
    assert len(calls) == 3


def test_compaction_keeps_every_version(org, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True), org_write(org, None, PODS, pod_scope(7)):
            pass
    fresh = Organization.objects.get(pk=org.pk)
    before = version_tag(fresh, (PODS, pod_scope(7)))
    compact(org, [PODS, pod_scope(7)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM tenancy_cachescopechange WHERE organization_id = %s AND scope = ANY(%s)",
            [org.pk, [PODS, "pod:7"]],
        )
        assert cursor.fetchone()[0] == 2
    assert version_tag(Organization.objects.get(pk=org.pk), (PODS, pod_scope(7))) == before


def test_an_unknown_scope_is_refused():
    with pytest.raises(ValueError):
        check_scope("pdos")
    with pytest.raises(ValueError):
        check_scope("podd:1")


def test_the_same_org_guard_refuses_another_tenants_object(org, other_org):
    foreign = PersonFactory(organization=other_org)
    _, _, pod = pod_lead(org)
    with pytest.raises(ValidationError) as exc:
        pod_services.assignment_create(
            organization=org,
            actor=None,
            pod=pod,
            person=foreign,
            role=role(org),
            allocation_percent=10,
            start_date=timezone.localdate(),
        )
    assert "person" in exc.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_writes_to_unrelated_objects_of_one_organization_do_not_wait_for_each_other():
    """The second write commits while the first transaction is still open (its scopes and its
    pod's health row written)."""
    from tests.concurrency import second_while_first_open
    from tests.factories import OrganizationFactory

    org = OrganizationFactory()
    admin = member(org, "admin")
    (_, _, pod_a), (_, _, pod_b) = pod_lead(org), pod_lead(org)

    def first() -> None:
        with org_write(org, admin.user, PODS) as w:
            pod_services.pod_update(organization=org, actor=admin.user, pod=pod_a, name="First")
            w.touch(pod_scope(pod_a.pk))

    def second() -> None:
        pod_services.pod_update(organization=org, actor=admin.user, pod=pod_b, name="Second")

    assert second_while_first_open(first, second), "the second write waited for the first transaction"
    names = set(
        type(pod_a).objects.for_org(org).filter(pk__in=[pod_a.pk, pod_b.pk]).values_list("name", flat=True)
    )
    assert names == {"First", "Second"}
