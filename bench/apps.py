from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Elastic bench"

    def ready(self) -> None:
        from bench import permissions, receivers, tasks  # noqa: F401  (rules, receivers, tasks by name)
        from tenancy.registry import NavEntry, registry

        registry.nav.register(NavEntry(label="Bench", url_name="bench:home", section="bench", order=15))

        from integrations.events import register_event_types

        register_event_types({"staffing.accepted": "A pod lead accepted a person for a staffing request"})

        from bench import overview_selectors as ov
        from tenancy.cache import BENCH, PODS
        from tenancy.registry import AttentionSource, OverviewTile, TileFigure

        registry.tiles.register(OverviewTile(
            key="bench", title="Elastic bench", url_name="bench:home", metrics=(ov.REQUEST_METRIC, ov.OPEN_METRIC),
            figures=(TileFigure("Fill rate", ov.REQUEST_METRIC, "share:1", "%"),
                     TileFigure("Requests", ov.REQUEST_METRIC, "count"),
                     TileFigure("Waiting now", ov.OPEN_METRIC, "last", better="down")),
            trend=TileFigure("Fill rate", ov.REQUEST_METRIC, "share:1", "%"),
            collect=ov.bench_facts, order=40, gauges=(ov.OPEN_METRIC,)))
        registry.attention.register(AttentionSource(
            key="staffing_past_start", label="Staffing needs past their start", collect=ov.requests_past_start,
            order=40, scopes=(BENCH, PODS)))
