"""Tenancy API routes, mounted under `/api/v1/o/<org_slug>/`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from tenancy.api import views

app_name = "tenancy_api"

router = SimpleRouter(use_regex_path=False)  # path converters: `<int:pk>`
router.register("members", views.MemberViewSet, basename="member")
router.register("skills", views.SkillViewSet, basename="skill")

urlpatterns = [
    path("organization/", views.OrganizationView.as_view(), name="organization"),
    *router.urls,
]
