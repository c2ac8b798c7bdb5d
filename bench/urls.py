"""Bench pages, mounted at /o/<org_slug>/bench/."""

from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("", views.BenchHomeView.as_view(), name="home"),
    path("entries/new/", views.EntryFormView.as_view(), name="entry_create"),
    path("entries/<int:pk>/", views.EntryFormView.as_view(), name="entry_edit"),
    path("requests/", views.RequestListView.as_view(), name="requests"),
    path("requests/new/", views.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path("suggestions/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("suggestions/<int:pk>/", views.SuggestionDetailView.as_view(), name="suggestion_detail"),
    path("measures/", views.MeasuresView.as_view(), name="measures"),
]
