from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"

    def ready(self) -> None:
        from integrations.events import register_event_types
        from knowledge import directory_index, permissions, receivers  # noqa: F401  (rules, receivers)

        register_event_types({
            "lesson.published": "A lesson was published to a guild",
            "incident.opened": "An incident was reported",
        })
