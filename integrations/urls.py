"""Webhook pages for admins, mounted under /o/<org_slug>/webhooks/."""

from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("", views.EndpointsView.as_view(), name="endpoints"),
    path("<int:pk>/", views.EndpointDetailView.as_view(), name="endpoint_detail"),
    path("<int:pk>/rotate/", views.EndpointRotateView.as_view(), name="endpoint_rotate"),
    path("<int:pk>/delete/", views.EndpointDeleteView.as_view(), name="endpoint_delete"),
    path("<int:pk>/replay/", views.EndpointReplayView.as_view(), name="endpoint_replay"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        views.DeliveryRedeliverView.as_view(),
        name="delivery_redeliver",
    ),
]
