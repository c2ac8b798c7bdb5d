from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"

    def ready(self) -> None:
        from knowledge import permissions, receivers  # noqa: F401  (rules and signal receivers)
