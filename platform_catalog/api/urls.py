"""Catalog API routes, mounted under `/api/v1/o/<org_slug>/` (MLflow's tracking API under `mlflow/`)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from platform_catalog.api import links, mlflow, views

app_name = "platform_catalog_api"

router = SimpleRouter(use_regex_path=False)
router.register("catalog/models", views.CatalogModelViewSet, basename="catalog-model")
router.register("catalog/components", views.ComponentViewSet, basename="component")
router.register("catalog/data-products", views.DataProductViewSet, basename="data-product")
router.register("catalog/adoptions", views.AdoptionViewSet, basename="adoption")
router.register("catalog/relations", views.RelationViewSet, basename="relation")
router.register("catalog/duplicates", views.DuplicateViewSet, basename="duplicate")
router.register("catalog/access-requests", links.AccessRequestViewSet, basename="access-request")
router.register("catalog/experiments", links.ExperimentViewSet, basename="experiment")

urlpatterns = [
    path("catalog/coordination/", views.CoordinationView.as_view(), name="coordination"),
    *router.urls,
    *mlflow.urlpatterns,
]
