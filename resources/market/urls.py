"""Service marketplace pages, mounted at /o/<org_slug>/services/."""

from django.urls import path

from resources.market import views

app_name = "market"

urlpatterns = [
    path("", views.OfferingListView.as_view(), name="home"),
    path("offerings/<int:pk>/", views.OfferingDetailView.as_view(), name="offering_detail"),
    path("offerings/<int:pk>/edit/", views.OfferingEditView.as_view(), name="offering_edit"),
    path("offerings/<int:pk>/request/", views.RequestCreateView.as_view(), name="request_create"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("requests/", views.MyRequestsView.as_view(), name="my_requests"),
    path("requests/<int:pk>/act/", views.RequestActionView.as_view(), name="request_action"),
]
