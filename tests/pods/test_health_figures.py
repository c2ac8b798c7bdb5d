"""`pod_health_attach` reads a page's figures with one hand-written statement; it must give exactly what
the ORM annotations (`_figures`, which the `?health=` filter uses) give, on every kind of pod."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pods import health_selectors
from pods.models import Pod
from tests.factories import AssignmentFactory, CharterFactory, PersonFactory, PodFactory, role

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_the_statement_and_the_annotations_agree(org, other_org):
    empty = PodFactory(organization=org)
    staffed = PodFactory(organization=org)
    lead = role(org, "pod_lead")
    twice = PersonFactory(organization=org)
    AssignmentFactory(organization=org, pod=staffed, role=lead, allocation_percent=100)
    AssignmentFactory(organization=org, pod=staffed, role=lead, allocation_percent=50)  # two leads
    AssignmentFactory(organization=org, pod=staffed, person=twice, allocation_percent=80,
                      end_date=TODAY + 3 * DAY)
    AssignmentFactory(organization=org, pod=staffed, person=twice, allocation_percent=20,
                      start_date=TODAY + 4 * DAY)  # not yet running
    AssignmentFactory(organization=org, pod=staffed, allocation_percent=90, end_date=TODAY - DAY)  # ended
    AssignmentFactory(organization=org, pod=staffed, allocation_percent=90, start_date=TODAY,
                      end_date=TODAY)  # the one day it runs
    for version in (1, 2, 3):
        CharterFactory(organization=org, pod=staffed, version=version,
                       next_review_date=TODAY + version * DAY)
    CharterFactory(organization=org, pod=empty, next_review_date=TODAY - DAY)
    AssignmentFactory(organization=other_org)  # another tenant's rows change nothing
    org.protected_time_threshold = 80

    pods = list(Pod.objects.for_org(org).order_by("id"))
    fast = {p.pk: tuple(getattr(p, f) for f in health_selectors.FIGURES)
            for p in health_selectors.pod_health_attach(org, pods, TODAY)}
    annotated = {
        row["pk"]: tuple(row[f] for f in health_selectors.FIGURES)
        for row in Pod.objects.for_org(org).annotate(**health_selectors._figures(org, TODAY))
        .values("pk", *health_selectors.FIGURES)
    }
    assert fast == annotated
    # The snapshot's refresh reads the same figures in its own statement, with the next day an
    # assignment starts or stops running (the one running today only stops tomorrow).
    refreshed = health_selectors.health_refresh_pods(org, [p.pk for p in pods], TODAY)
    assert {p.pk: tuple(getattr(p, f) for f in health_selectors.FIGURES) for p, _ in refreshed} == annotated
    assert {p.pk: day for p, day in refreshed} == {staffed.pk: TODAY + DAY, empty.pk: None}
    assert {p.pk: (p.name, p.status) for p, _ in refreshed} == {p.pk: (p.name, p.status) for p in pods}
    assert fast[staffed.pk] == (4, 2, 3, TODAY + 3 * DAY, 3)
    assert fast[empty.pk] == (0, 0, 0, TODAY - DAY, 1)
