from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from dashboards import attention_services, permissions  # noqa: F401  (registers the rules, the write hook)
        from tenancy.registry import NavEntry, registry

        registry.nav.register(NavEntry(label="Overview", url_name="dashboards:overview", section="overview", order=5))

        from dashboards.contrib import compute, reuse, strategy

        registry.tiles.register(compute.TILE)
        registry.tiles.register(strategy.OUTCOMES_TILE)
        registry.tiles.register(strategy.VALUE_TILE)
        registry.pod_dimensions.register(strategy.THEME)
        registry.scorecard_measures.register(strategy.OUTCOMES_MEASURE)
        registry.scorecard_measures.register(reuse.MEASURE)
