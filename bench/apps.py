from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Elastic bench"

    def ready(self) -> None:
        from bench import permissions, receivers, tasks  # noqa: F401  (rules, receivers, tasks by name)
        from tenancy.registry import NavEntry, registry

        registry.nav.register(NavEntry(label="Bench", url_name="bench:home", section="bench", order=15))
