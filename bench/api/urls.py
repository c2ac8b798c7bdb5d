"""Bench API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from bench.api import views

app_name = "bench_api"

router = SimpleRouter(use_regex_path=False)
router.register("bench/entries", views.BenchEntryViewSet, basename="bench-entry")
router.register("bench/requests", views.StaffingRequestViewSet, basename="staffing-request")
router.register("bench/suggestions", views.SuggestionViewSet, basename="suggestion")

urlpatterns = router.urls
