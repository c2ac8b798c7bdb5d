from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Tenancy and people"

    def ready(self) -> None:
        from tenancy import permissions  # noqa: F401  (registers the rules)
        from tenancy.api import strict

        strict.install()
