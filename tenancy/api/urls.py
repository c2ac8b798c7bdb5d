"""Tenancy API routes, mounted under `/api/v1/o/<org_slug>/`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from tenancy.api import admin_views, views

app_name = "tenancy_api"

router = SimpleRouter(use_regex_path=False)  # path converters: `<int:pk>`
router.register("members", admin_views.MemberViewSet, basename="member")
router.register("invitations", admin_views.InvitationViewSet, basename="invitation")
router.register("notifications", admin_views.NotificationViewSet, basename="notification")
router.register("skills", views.SkillViewSet, basename="skill")

urlpatterns = [
    path("organization/", admin_views.OrganizationView.as_view(), name="organization"),
    *router.urls,
]
