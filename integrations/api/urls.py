"""Webhooks API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from integrations.api import views

app_name = "integrations_api"

router = SimpleRouter(use_regex_path=False)
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
