from django.apps import AppConfig


class PlatformCatalogConfig(AppConfig):
    name = "platform_catalog"
    verbose_name = "Platform catalog"

    def ready(self) -> None:
        from governance import gate_checks
        from platform_catalog import permissions, receivers  # noqa: F401  (rules; governance's decisions)
        from platform_catalog.gate import GATE_CHECK
        from tenancy.registry import registry

        gate_checks.register(GATE_CHECK)

        from platform_catalog.search_index import KINDS
        from tenancy.registry import NavEntry, SearchKind

        for kind, label in KINDS.items():
            registry.search_kinds.register(SearchKind(kind=kind, label=label))
        registry.nav.register(NavEntry(label="Catalog", url_name="platform_catalog:home", section="catalog", order=40))

        from platform_catalog import overview_selectors as ov
        from tenancy.cache import CATALOG, KNOWLEDGE, PODS
        from tenancy.registry import AttentionSource, OverviewTile, TileFigure

        registry.tiles.register(OverviewTile(
            key="coordination_quality", title="Coordination quality", url_name="platform_catalog:home",
            metrics=(ov.ADOPTION_METRIC, ov.REUSING_METRIC, ov.DUPLICATES_METRIC),
            figures=(TileFigure("Pods reusing", ov.REUSING_METRIC, "share:1", "%"),
                     TileFigure("New adoptions", ov.ADOPTION_METRIC, "sum"),
                     TileFigure("Open duplicates", ov.DUPLICATES_METRIC, "last", better="down")),
            trend=TileFigure("Pods reusing", ov.REUSING_METRIC, "share:1", "%"),
            collect=ov.coordination_facts, order=50, gauges=(ov.DUPLICATES_METRIC,)))
        registry.attention.register(AttentionSource(
            key="contract_breaches", label="Data contract breaches", collect=ov.contract_breaches, order=30,
            scopes=(CATALOG, KNOWLEDGE, PODS)))
