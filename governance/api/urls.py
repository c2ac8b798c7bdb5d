"""Governance API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from governance.api import views

app_name = "governance_api"

router = SimpleRouter(use_regex_path=False)
router.register("escalations", views.EscalationViewSet, basename="escalation")
router.register("deployments", views.DeploymentViewSet, basename="deployment")

urlpatterns = [*router.urls]
