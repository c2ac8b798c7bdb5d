"""Service-marketplace API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from resources.market.api import views

app_name = "market_api"

router = SimpleRouter(use_regex_path=False)
router.register("offerings", views.OfferingViewSet, basename="offering")
router.register("service-requests", views.ServiceRequestViewSet, basename="service-request")

urlpatterns = [*router.urls]
