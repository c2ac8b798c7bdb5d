from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy"

    def ready(self) -> None:
        from strategy import permissions, tasks  # noqa: F401  (registers rules, tasks by name)
        from tenancy.registry import NavEntry, Panel, registry

        registry.nav.register(NavEntry(label="Strategy", url_name="strategy:home", section="strategy", order=15))
        registry.panels.register(
            Panel(page="pods.pod_detail", url_name="strategy:pod_panel", html_id="strategy-panel",
                  loading="Loading outcomes…", order=20)
        )

        from strategy import overview_selectors as ov
        from tenancy.cache import PODS, STRATEGY
        from tenancy.registry import AttentionSource

        registry.attention.register(AttentionSource(
            key="signals_waiting", label="Signals waiting for triage", collect=ov.signals_waiting,
            permission="strategy.triage_signal", order=60, scopes=(STRATEGY, PODS)))
        registry.attention.register(AttentionSource(
            key="outcomes_stale", label="Outcomes gone stale", collect=ov.outcomes_stale, order=70,
            scopes=(STRATEGY, PODS)))

        from integrations.events import register_event_types

        register_event_types({
            "outcome.stale": "An outcome has had no reading within its cadence",
            "signal.triaged": "A leader triaged a signal group (adopted, parked, declined…)",
        })
