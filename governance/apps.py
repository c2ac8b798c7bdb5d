from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from governance import permissions, receivers  # noqa: F401  (registers rules and receivers)
        from governance.health import OVERDUE_ESCALATIONS
        from tenancy.registry import NavEntry, Panel, registry

        registry.register_health_check(OVERDUE_ESCALATIONS)
        registry.nav.register(NavEntry(label="Governance", url_name="governance:home", section="governance", order=10))
        registry.panels.register(
            Panel(page="pods.pod_detail", url_name="governance:pod_panel", html_id="governance-panel",
                  loading="Loading escalations…", trigger="load, podChanged from:body", order=10)
        )
        from integrations.events import register_event_types

        register_event_types({
            "escalation.filed": "A pod filed an escalation (routed to approvers or decided by the pod)",
            "escalation.decided": "An approver decided an escalation (or asked for more information)",
            "deployment.gated": "A pipeline submitted guardrail results and got the gate answer",
            "exception.raised": "A deployed model's production metric crossed its guardrail",
        })
