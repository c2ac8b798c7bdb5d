from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from governance import selectors
from governance.models import DeploymentReview, Escalation, MonitoringException
from tenancy.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


def test_small_demo_has_a_governance_story():
    call_command("seed_demo", stdout=StringIO())
    org = Organization.objects.get(slug="demo")
    assert selectors.matrix_problems(organization=org) == []
    escalations = Escalation.objects.for_org(org)
    n = escalations.count()
    assert n >= 250
    assert set(escalations.values_list("status", flat=True)) >= {"open", "in_review", "needs_info", "decided",
                                                                  "closed"}
    data = selectors.cycle_time_snapshot(organization=org).data
    assert len(data["by_month"]) >= 10 and data["breaches_total"] > 0
    months = data["by_month"]
    assert months[-1]["median_h"] < months[0]["median_h"]  # the figure the seeds promise to reduce
    leader = Membership.objects.for_org(org).get(user=User.objects.get(email="leader@demo.podium"))
    assert selectors.escalation_inbox(organization=org, membership=leader).exists()
    assert DeploymentReview.objects.for_org(org).count() == 3
    assert MonitoringException.objects.for_org(org).filter(resolved_at__isnull=True).count() == 1
    call_command("seed_demo", stdout=StringIO())
    assert Escalation.objects.for_org(org).count() == n
