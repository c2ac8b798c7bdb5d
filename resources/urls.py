"""Compute pages, mounted at /o/<org_slug>/compute/."""

from django.urls import path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.PoolListView.as_view(), name="home"),
    path("pools/new/", views.PoolCreateView.as_view(), name="pool_create"),
    path("pools/<int:pk>/", views.PoolDetailView.as_view(), name="pool_detail"),
    path("pools/<int:pk>/edit/", views.PoolEditView.as_view(), name="pool_edit"),
    path("pools/<int:pk>/quota/", views.QuotaEditView.as_view(), name="quota_edit"),
    path("capacity/", views.CapacityView.as_view(), name="capacity"),
    path("allocations/", views.AllocationListView.as_view(), name="allocation_list"),
    path("allocations/new/", views.AllocationRequestView.as_view(), name="allocation_request"),
    path("allocations/preview/", views.AllocationPreviewView.as_view(), name="allocation_preview"),
    path("allocations/<int:pk>/", views.AllocationDetailView.as_view(), name="allocation_detail"),
    path("allocations/<int:pk>/act/", views.AllocationActionView.as_view(), name="allocation_action"),
    path("budgets/", views.BudgetListView.as_view(), name="budgets"),
    path("budgets/<int:pk>/", views.BudgetDetailView.as_view(), name="budget_detail"),
    path("pods/<int:pk>/panel/", views.PodPanelView.as_view(), name="pod_panel"),
]
