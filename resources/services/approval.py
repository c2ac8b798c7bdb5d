"""Decision rights as an admission check: a compute request whose estimated cost falls in a band
of the published matrix that needs a person ("Spend on compute") waits as `needs_approval`, with
an escalation filed through governance's services. Governance announces its decision with the
`escalation_decided` signal (it never imports resources): approval admits the request, or queues
it if the capacity has gone meanwhile; rejection cancels it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from governance.models import Escalation, Outcome
from resources.models import Allocation, AllocationState
from resources.services.compute import _decide_and_apply, _lock_pool, allocation_transition
from tenancy.models import Organization, User
from tenancy.writes import org_write


def allocation_escalation_decided(sender: Any, organization: Organization, escalation: Escalation,
                          actor: User | None = None, **kwargs: Any) -> None:
    """Approval admits (or queues); rejection cancels. Inside governance's transaction."""
    waiting = list(Allocation.objects.for_org(organization)
                   .filter(escalation=escalation, state=AllocationState.NEEDS_APPROVAL).order_by("pk"))
    for a in waiting:
        with org_write(organization, actor):
            pool = _lock_pool(organization, a.pool_id)
            a = Allocation.objects.for_org(organization).select_related("pod").get(pk=a.pk)
            if a.state != AllocationState.NEEDS_APPROVAL:
                continue
            now = timezone.now()
            if escalation.outcome == Outcome.APPROVED:
                if a.end <= now:
                    allocation_transition(a, AllocationState.REJECTED, "Approved after its window had passed", now=now)
                else:
                    _decide_and_apply(organization, pool, a, now, on_refuse=AllocationState.REJECTED)
            else:
                note = (escalation.decision_note or "").strip()
                allocation_transition(a, AllocationState.CANCELLED,
                           f"Spend rejected by {actor or 'the approver'}" + (f": {note}" if note else ""),
                           now=now)
