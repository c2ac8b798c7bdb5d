from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Resources"

    def ready(self) -> None:
        from resources import permissions, receivers  # noqa: F401  (registers rules and receivers)
        from resources.experts import permissions as expert_permissions  # noqa: F401
        from resources.market import permissions as market_permissions  # noqa: F401
        from tenancy.registry import NavEntry, Panel, registry

        registry.nav.register(NavEntry(label="Compute", url_name="resources:home", section="resources", order=20))
        registry.nav.register(NavEntry(label="Experts", url_name="experts:home", section="experts", order=21))
        registry.nav.register(NavEntry(label="Services", url_name="market:home", section="market", order=22))
        registry.panels.register(
            Panel(page="knowledge.guild_detail", url_name="experts:guild_panel", html_id="office-hours-panel",
                  loading="Loading office hours…", order=20)
        )
        registry.panels.register(
            Panel(page="pods.pod_detail", url_name="resources:pod_panel", html_id="compute-panel",
                  loading="Loading compute…", order=20)
        )

        from resources import overview_selectors as ov
        from tenancy.cache import COMPUTE, STAFFING
        from tenancy.registry import AttentionSource

        registry.attention.register(AttentionSource(
            key="reclaims_upcoming", label="Reclaims about to happen", collect=ov.reclaims_upcoming,
            see_all="resources.view_all", order=45, scopes=(COMPUTE, STAFFING)))

        from integrations.events import register_event_types

        register_event_types({
            "allocation.admitted": "A compute allocation was admitted (it holds its units now or from its start)",
            "allocation.preempted": "A compute allocation was preempted or reclaimed, and requeued",
        })
