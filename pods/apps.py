from django.apps import AppConfig


class PodsConfig(AppConfig):
    name = "pods"
    verbose_name = "Pods"

    def ready(self) -> None:
        from pods import overview_selectors as ov
        from pods import permissions, receivers  # noqa: F401
        from pods.health_services import health_on_write
        from tenancy.cache import ORG, POD_LIST_SCOPES
        from tenancy.registry import (
            AttentionSource,
            OverviewTile,
            PodDimension,
            ScorecardMeasure,
            TileFigure,
            registry,
        )
        from tenancy.writes import before_commit_hook

        before_commit_hook(health_on_write)
        registry.tiles.register(OverviewTile(
            key="pod_health", title="Pod health", url_name="pods:org_home", metrics=(ov.HEALTH_METRIC,),
            figures=(TileFigure("Healthy", ov.HEALTH_METRIC, "latest:0", "pods"),
                     TileFigure("At risk", ov.HEALTH_METRIC, "latest:1", "pods", better="down"),
                     TileFigure("Unhealthy", ov.HEALTH_METRIC, "latest:2", "pods", better="down")),
            trend=TileFigure("Healthy share", ov.HEALTH_METRIC, "share:0", "%"),
            collect=ov.health_facts, order=10))
        registry.pod_dimensions.register(PodDimension(
            key="pod_type", label="Pod type", values=ov.team_type_values, choices=ov.team_type_choices,
            order=20))
        registry.pod_dimensions.register(PodDimension(
            key="sponsor", label="Sponsor", values=ov.sponsor_values, choices=ov.sponsor_choices, order=30))
        registry.attention.register(AttentionSource(
            key="pods_at_risk", label="Pods at risk", collect=ov.pods_at_risk, order=50,
            scopes=(*POD_LIST_SCOPES, ORG)))
        for measure in (
            ScorecardMeasure("pods.health_level", "Health level (0 healthy, 1 at risk, 2 unhealthy)",
                             "health", ov.health_level_values),
            ScorecardMeasure("pods.protected_share", "Members with protected time", "health",
                             ov.protected_share_values, "%"),
            ScorecardMeasure("pods.charter_current", "Charter reviewed in time (1 yes, 0 no)", "health",
                             ov.charter_current_values),
        ):
            registry.scorecard_measures.register(measure)
