"""Strategy pages, mounted at /o/<org_slug>/strategy/."""

from django.urls import path

from strategy import views
from strategy.views import intake, operations, signals

app_name = "strategy"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("themes/new/", views.ThemeCreateView.as_view(), name="theme_create"),
    path("themes/<int:pk>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path("themes/<int:pk>/edit/", views.ThemeEditView.as_view(), name="theme_edit"),
    path("themes/<int:pk>/outcomes/new/", views.OutcomeCreateView.as_view(), name="outcome_create"),
    path("outcomes/<int:pk>/", views.OutcomeDetailView.as_view(), name="outcome_detail"),
    path("outcomes/<int:pk>/edit/", views.OutcomeEditView.as_view(), name="outcome_edit"),
    path("outcomes/<int:pk>/measurements/", views.MeasurementCreateView.as_view(), name="measurement_create"),
    path("outcomes/<int:pk>/check-ins/", views.CheckInCreateView.as_view(), name="check_in_create"),
    path("signals/", signals.SignalListView.as_view(), name="signal_list"),
    path("signals/new/", signals.SignalCreateView.as_view(), name="signal_create"),
    path("signals/<int:pk>/", signals.SignalDetailView.as_view(), name="signal_detail"),
    path("signals/<int:pk>/triage/", signals.SignalTriageView.as_view(), name="signal_triage"),
    path("pods/<int:pk>/intake/", intake.PodInboxView.as_view(), name="pod_inbox"),
    path("intake/<int:pk>/", intake.IntakeDetailView.as_view(), name="intake_detail"),
    path("intake/<int:pk>/<slug:action>/", intake.IntakeActionView.as_view(), name="intake_action"),
    path("operations/", operations.OperationsView.as_view(), name="operations"),
    path("pods/<int:pk>/panel/", views.PodPanelView.as_view(), name="pod_panel"),
]
