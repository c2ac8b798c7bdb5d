"""Overview API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from dashboards.api import views

app_name = "dashboards_api"

router = SimpleRouter(use_regex_path=False)
router.register("overview", views.OverviewViewSet, basename="overview")
router.register("attention", views.AttentionViewSet, basename="attention")
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
router.register("scorecard-checks", views.ScorecardCheckViewSet, basename="scorecard-check")
router.register("scorecard-levels", views.ScorecardLevelViewSet, basename="scorecard-level")

urlpatterns = router.urls
