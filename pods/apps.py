from django.apps import AppConfig


class PodsConfig(AppConfig):
    name = "pods"
    verbose_name = "Pods"

    def ready(self) -> None:
        from pods import permissions, receivers  # noqa: F401
