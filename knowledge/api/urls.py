from django.urls import path  # noqa: F401

app_name = "knowledge_api"
urlpatterns: list = []
