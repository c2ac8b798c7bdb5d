from resources.views.allocations import (
    AllocationActionView,
    AllocationDetailView,
    AllocationListView,
    AllocationPreviewView,
    AllocationRequestView,
    PodPanelView,
)
from resources.views.budgets import BudgetDetailView, BudgetListView
from resources.views.pools import (
    CapacityView,
    PoolCreateView,
    PoolDetailView,
    PoolEditView,
    PoolListView,
    QuotaEditView,
)

__all__ = [
    "AllocationActionView", "AllocationDetailView", "AllocationListView", "AllocationPreviewView",
    "AllocationRequestView", "BudgetDetailView", "BudgetListView", "CapacityView", "PodPanelView",
    "PoolCreateView", "PoolDetailView", "PoolEditView", "PoolListView", "QuotaEditView",
]
