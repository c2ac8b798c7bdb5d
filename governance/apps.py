from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from governance import permissions, receivers  # noqa: F401  (registers rules and receivers)
        from governance.health import OVERDUE_ESCALATIONS
        from tenancy.registry import NavEntry, Panel, registry

        registry.register_health_check(OVERDUE_ESCALATIONS)
        from governance.selectors import first_passed_gate
        from tenancy.registry import PodMilestone

        registry.pod_milestones.register(PodMilestone(
            key="first_passed_gate", label="First deployment through the gate", dates=first_passed_gate))
        from governance.search_selectors import ESCALATION_SEARCH_KIND

        registry.search_kinds.register(ESCALATION_SEARCH_KIND)  # found only by those who may see it
        registry.nav.register(NavEntry(label="Governance", url_name="governance:home", section="governance", order=10))
        registry.panels.register(
            Panel(page="pods.pod_detail", url_name="governance:pod_panel", html_id="governance-panel",
                  loading="Loading escalations…", trigger="load, podChanged from:body", order=10)
        )
        from governance import overview_selectors as ov
        from tenancy.cache import ESCALATIONS, ORG, PODS, STAFFING
        from tenancy.registry import AttentionSource, OverviewTile, ScorecardMeasure, TileFigure

        registry.tiles.register(OverviewTile(
            key="approval_cycle_time", title="Approval cycle time", url_name="governance:dashboard",
            metrics=(ov.CYCLE_METRIC, ov.BREACH_METRIC),
            figures=(TileFigure("Median", ov.CYCLE_METRIC, "median", "h", better="down"),
                     TileFigure("p90", ov.CYCLE_METRIC, "p90", "h", better="down"),
                     TileFigure("SLA breaches", ov.BREACH_METRIC, "sum", "", better="down")),
            trend=TileFigure("Median", ov.CYCLE_METRIC, "median", "h", better="down"),
            collect=ov.cycle_time_facts, permission="governance.view_dashboard", order=20))
        registry.attention.register(AttentionSource(
            key="escalations_past_sla", label="Escalations past SLA", collect=ov.escalations_past_sla, order=10,
            see_all="governance.view_all",
            scopes=(ESCALATIONS, STAFFING, PODS, ORG)))
        registry.scorecard_measures.register(ScorecardMeasure(
            "governance.breached_open", "Open escalations past SLA", "governance", ov.breached_open_values))
        registry.scorecard_measures.register(ScorecardMeasure(
            "governance.gate_pass_rate", "Deployment reviews passing the gate (180 days)", "governance",
            ov.gate_pass_values, "%"))
        from integrations.events import register_event_types

        register_event_types({
            "escalation.filed": "A pod filed an escalation (routed to approvers or decided by the pod)",
            "escalation.decided": "An approver decided an escalation (or asked for more information)",
            "deployment.gated": "A pipeline submitted guardrail results and got the gate answer",
            "exception.raised": ("A monitoring exception: a production metric crossed its guardrail, or a "
                                 "gate check flagged a deployment that passed (a deprecated catalog model)"),
        })
