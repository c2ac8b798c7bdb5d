"""Compute API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from resources.api import views

app_name = "resources_api"

router = SimpleRouter(use_regex_path=False)
router.register("pools", views.PoolViewSet, basename="pool")
router.register("quotas", views.QuotaViewSet, basename="quota")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("budgets", views.BudgetViewSet, basename="budget")
router.register("ledger", views.LedgerViewSet, basename="ledger")

urlpatterns = [*router.urls]
