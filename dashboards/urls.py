"""The overview's pages, mounted under /o/<org_slug>/overview/."""

from django.urls import path

from dashboards import exports, views

app_name = "dashboards"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("attention/", views.AttentionView.as_view(), name="attention"),
    path("attention/export.csv", exports.AttentionExportView.as_view(), name="attention_export"),
    path("recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("scorecards/", views.ScorecardsView.as_view(), name="scorecards"),
    path("scorecards/export.csv", exports.ScorecardExportView.as_view(), name="scorecard_export"),
    path("scorecards/pods/<int:pod_id>/", views.PodScorecardView.as_view(), name="pod_scorecard"),
    path("scorecards/checks/", views.ChecksView.as_view(), name="checks"),
    path("scorecards/checks/<int:pk>/", views.CheckDetailView.as_view(), name="check_detail"),
    path("scorecards/checks/<int:pk>/delete/", views.CheckDeleteView.as_view(), name="check_delete"),
    path("scorecards/levels/", views.LevelCreateView.as_view(), name="level_create"),
    path("scorecards/levels/<int:pk>/", views.LevelEditView.as_view(), name="level_edit"),
]
