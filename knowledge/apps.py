from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"

    def ready(self) -> None:
        from integrations.events import register_event_types
        from knowledge import directory_index, permissions, receivers  # noqa: F401  (rules, receivers)
        from knowledge.search import SearchIndexKeeper
        from tenancy.registry import NavEntry, Panel, registry

        registry.search_index = SearchIndexKeeper()  # for apps that may not import knowledge
        registry.nav.register(NavEntry(label="Knowledge", url_name="knowledge:home", section="knowledge", order=20))
        registry.panels.register(
            Panel(page="pods.pod_detail", url_name="knowledge:pod_panel", html_id="knowledge-panel",
                  loading="Loading lessons…", order=20)
        )

        from knowledge import overview_selectors as ov
        from tenancy.registry import OverviewTile, ScorecardMeasure, TileFigure

        registry.tiles.register(OverviewTile(
            key="knowledge_flow", title="Knowledge flow", url_name="knowledge:lesson_list",
            metrics=(ov.LESSON_METRIC, ov.CITATION_METRIC, ov.POSTMORTEM_METRIC),
            figures=(TileFigure("Lessons", ov.LESSON_METRIC, "sum"),
                     TileFigure("Lessons per pod", ov.LESSON_METRIC, "per_pod"),
                     TileFigure("Showcase citations", ov.CITATION_METRIC, "sum"),
                     TileFigure("Post-mortems", ov.POSTMORTEM_METRIC, "sum")),
            trend=TileFigure("Lessons per week", ov.LESSON_METRIC, "sum"),
            collect=ov.knowledge_facts, order=60))
        registry.scorecard_measures.register(ScorecardMeasure(
            "knowledge.lessons_90d", "Lessons published (90 days)", "knowledge", ov.lessons_recent_values))
        registry.scorecard_measures.register(ScorecardMeasure(
            "knowledge.postmortems_missing", "Incidents past two weeks without a published post-mortem",
            "knowledge", ov.postmortems_missing_values))

        register_event_types({
            "lesson.published": "A lesson was published to a guild",
            "incident.opened": "An incident was reported",
        })
