from django.apps import AppConfig


class PlatformCatalogConfig(AppConfig):
    name = "platform_catalog"
    verbose_name = "Platform catalog"

    def ready(self) -> None:
        from governance import gate_checks
        from platform_catalog import receivers  # noqa: F401  (listens to governance's decisions)
        from platform_catalog.gate import GATE_CHECK

        gate_checks.register(GATE_CHECK)
