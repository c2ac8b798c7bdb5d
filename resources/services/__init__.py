"""Every write of resources, by concept (`compute`, `ending`, `approval`, `ledger`, `capacity`,
`clock`).

Other apps use these names only, e.g. the elastic bench's budget holds:

    from resources.services import budget_hold, budget_post, budget_void
"""

from resources.budget_selectors import quarter_of
from resources.services.capacity import capacity_recompute
from resources.services.clock import compute_tick
from resources.services.compute import (
    allocation_request,
    pending_admit,
    pool_create,
    pool_update,
    quota_set,
)
from resources.services.ending import allocation_cancel, allocation_release
from resources.services.ledger import (
    budget_hold,
    budget_post,
    budget_set,
    budget_void,
    hold_remaining,
    usage_report,
)

__all__ = [
    "allocation_cancel", "allocation_release", "allocation_request", "budget_hold", "budget_post",
    "budget_set", "budget_void", "capacity_recompute", "compute_tick", "hold_remaining",
    "pending_admit", "pool_create", "pool_update", "quarter_of", "quota_set", "usage_report",
]
