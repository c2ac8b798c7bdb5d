from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"

    def ready(self) -> None:
        from integrations.events import register_event_types
        from knowledge import directory_index, permissions, receivers  # noqa: F401  (rules, receivers)
        from tenancy.registry import NavEntry, Panel, registry

        registry.nav.register(NavEntry(label="Knowledge", url_name="knowledge:home", section="knowledge", order=20))
        registry.panels.register(
            Panel(page="pods.pod_detail", url_name="knowledge:pod_panel", html_id="knowledge-panel",
                  loading="Loading lessons…", order=20)
        )

        register_event_types({
            "lesson.published": "A lesson was published to a guild",
            "incident.opened": "An incident was reported",
        })
