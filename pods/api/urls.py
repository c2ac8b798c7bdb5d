"""Pods API routes, mounted under `/api/v1/o/<org_slug>/`.

Object ids are `pk`; a pod that parents a nested route is `pod_pk`.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from pods.api import imports, team, views

app_name = "pods_api"

router = SimpleRouter(use_regex_path=False)  # path converters: `<int:pk>`
router.register("people", views.PersonViewSet, basename="person")
router.register("roles", views.PodRoleViewSet, basename="role")
router.register("pods", views.PodViewSet, basename="pod")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("interactions", team.InteractionViewSet, basename="interaction")
router.register("team-map", team.TeamMapViewSet, basename="team-map")

charters = views.CharterViewSet

urlpatterns = [
    path("pods/import/", imports.CsvImportView.as_view(what="pods"), name="pod-import"),
    path("assignments/import/", imports.CsvImportView.as_view(what="assignments"), name="assignment-import"),
    path("people/import/", imports.CsvImportView.as_view(what="people"), name="person-import"),
    *router.urls,
    path("pods/<int:pod_pk>/charters/", charters.as_view({"get": "list", "post": "create"}),
         name="pod-charter-list"),
    path("pods/<int:pod_pk>/charters/<int:pk>/", charters.as_view({"get": "retrieve"}),
         name="pod-charter-detail"),
]
