"""Escalation visibility is one rule: what a member may open, they find in the lists, and nothing else."""

from __future__ import annotations

import pytest

from governance import selectors
from governance.models import DecisionTier, Escalation
from tests.api.helpers import client_for, ids, url
from tests.factories import member, pod_lead
from tests.governance.helpers import file


@pytest.fixture
def routed(gorg, lead):
    """An escalation routed to a named approver who is a plain member and leads no pod."""
    named = member(gorg, "member")
    tier = DecisionTier.objects.for_org(gorg).get(level=3)
    tier.approvers.set([named])
    esc = file(gorg, lead)
    assert list(esc.approvers.all()) == [named]
    return named, esc


def test_named_approver_finds_in_lists_what_they_may_open(client, gorg, routed):
    named, esc = routed
    client.force_login(named.user)
    assert client.get(f"/o/{gorg.slug}/governance/escalations/{esc.pk}/").status_code == 200
    assert esc.title in client.get(f"/o/{gorg.slug}/governance/escalations/").content.decode()
    api = client_for(named)
    assert api.get(url(gorg, "governance_api:escalation-detail", pk=esc.pk)).status_code == 200
    assert esc.pk in ids(api.get(url(gorg, "governance_api:escalation-list")))


def test_other_members_neither_open_nor_list_it(client, gorg, routed):
    _named, esc = routed
    other = member(gorg, "member")
    pod_lead(gorg)  # another pod's lead, for good measure
    for viewer in (other,):
        client.force_login(viewer.user)
        assert client.get(f"/o/{gorg.slug}/governance/escalations/{esc.pk}/").status_code == 404
        assert esc.title not in client.get(f"/o/{gorg.slug}/governance/escalations/").content.decode()
        api = client_for(viewer)
        assert api.get(url(gorg, "governance_api:escalation-detail", pk=esc.pk)).status_code == 404
        assert esc.pk not in ids(api.get(url(gorg, "governance_api:escalation-list")))


def test_list_and_object_agree_for_every_role(gorg, lead, leader, routed):
    named, esc = routed
    other_lead, _, _ = pod_lead(gorg)
    for viewer in (lead[0], leader, named, other_lead, member(gorg, "admin")):
        listed = selectors.escalation_list(organization=gorg, viewer=viewer).filter(pk=esc.pk).exists()
        try:
            selectors.escalation_get(organization=gorg, viewer=viewer, pk=esc.pk)
            opened = True
        except Escalation.DoesNotExist:
            opened = False
        assert listed == opened, viewer.role
    assert not selectors.escalation_list(organization=gorg, viewer=other_lead).filter(pk=esc.pk).exists()
