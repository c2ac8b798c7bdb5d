"""Strategy API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from strategy.api import intake, operations, signals, views

app_name = "strategy_api"

router = SimpleRouter(use_regex_path=False)
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")
router.register("signals", signals.SignalViewSet, basename="signal")
router.register("intake-requests", intake.IntakeRequestViewSet, basename="intake-request")
router.register("pod-operations", operations.PodOperationsViewSet, basename="pod-operations")

urlpatterns = [*router.urls]
