"""Governance API routes, mounted under `/api/v1/o/<org_slug>/`."""

from rest_framework.routers import SimpleRouter

from governance.api import matrix_views, views

app_name = "governance_api"

router = SimpleRouter(use_regex_path=False)
router.register("escalations", views.EscalationViewSet, basename="escalation")
router.register("deployments", views.DeploymentViewSet, basename="deployment")
router.register("risk-tiers", matrix_views.RiskTierViewSet, basename="risk-tier")
router.register("decision-types", matrix_views.DecisionTypeViewSet, basename="decision-type")
router.register("decision-tiers", matrix_views.DecisionTierViewSet, basename="decision-tier")
router.register("matrix", matrix_views.MatrixViewSet, basename="matrix")
router.register("guardrail-policies", matrix_views.PolicyViewSet, basename="guardrail-policy")
router.register("monitoring-exceptions", matrix_views.MonitoringExceptionViewSet, basename="monitoring-exception")
router.register("cycle-time", matrix_views.CycleTimeViewSet, basename="cycle-time")

urlpatterns = [*router.urls]
