"""Catalog API routes, mounted under `/api/v1/o/<org_slug>/` (MLflow's tracking API under `mlflow/`)."""

from platform_catalog.api import mlflow

app_name = "platform_catalog_api"

urlpatterns = [*mlflow.urlpatterns]
