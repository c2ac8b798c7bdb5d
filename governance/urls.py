"""Governance pages, mounted at /o/<org_slug>/governance/."""

from django.urls import path

from governance.models import DecisionType, RiskTier
from governance.views import dashboard, escalations, exports, matrix

app_name = "governance"

urlpatterns = [
    path("", matrix.MatrixView.as_view(), name="home"),
    path("matrix/", matrix.MatrixView.as_view(), name="matrix"),
    path("matrix/cells/<int:type_pk>/<int:tier_pk>/", matrix.CellView.as_view(), name="matrix_cell"),
    path("matrix/cells/<int:type_pk>/<int:tier_pk>/history/", matrix.CellHistoryView.as_view(),
         name="cell_history"),
    path("matrix/tiers/<int:pk>/", matrix.DecisionTierEditView.as_view(), name="decision_tier_edit"),
    path("matrix/types/<int:pk>/", matrix.LabelEditView.as_view(model=DecisionType), name="decision_type_edit"),
    path("matrix/risk-tiers/<int:pk>/", matrix.LabelEditView.as_view(model=RiskTier), name="risk_tier_edit"),
    path("matrix/publish/", matrix.MatrixPublishView.as_view(), name="matrix_publish"),
    path("matrix/review/", matrix.MatrixReviewView.as_view(), name="matrix_review"),
    path("matrix/types/new/", matrix.AddRowOrColumnView.as_view(what="type"), name="decision_type_create"),
    path("matrix/risk-tiers/new/", matrix.AddRowOrColumnView.as_view(what="tier"), name="risk_tier_create"),
    path("escalations/", escalations.EscalationListView.as_view(), name="escalation_list"),
    path("escalations/export.csv", exports.EscalationExportView.as_view(), name="escalation_export"),
    path("escalations/new/", escalations.EscalationCreateView.as_view(), name="escalation_create"),
    path("escalations/preview/", escalations.EscalationPreviewView.as_view(), name="escalation_preview"),
    path("escalations/<int:pk>/", escalations.EscalationDetailView.as_view(), name="escalation_detail"),
    path("escalations/<int:pk>/act/", escalations.EscalationActionView.as_view(), name="escalation_action"),
    path("inbox/", escalations.InboxView.as_view(), name="inbox"),
    path("cycle-time/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("guardrails/", dashboard.GuardrailsView.as_view(), name="guardrails"),
    path("exceptions/", dashboard.ExceptionListView.as_view(), name="exceptions"),
    path("exceptions/<int:pk>/resolve/", dashboard.ExceptionResolveView.as_view(), name="exception_resolve"),
    path("pods/<int:pk>/panel/", escalations.PodPanelView.as_view(), name="pod_panel"),
]
