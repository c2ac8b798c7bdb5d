"""Expert-time API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from resources.experts.api import views

app_name = "experts_api"

router = SimpleRouter(use_regex_path=False)
router.register("experts", views.ExpertViewSet, basename="expert")
router.register("office-hours", views.OfficeHoursViewSet, basename="office-hours")
router.register("bookings", views.BookingViewSet, basename="booking")

urlpatterns = [*router.urls]
