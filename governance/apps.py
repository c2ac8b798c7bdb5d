from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from governance import permissions, receivers  # noqa: F401  (registers rules and receivers)
        from governance.health import overdue_escalations_check
        from pods.health import register_health_check

        register_health_check(overdue_escalations_check)
        from integrations.events import register_event_types

        register_event_types({
            "escalation.filed": "A pod filed an escalation (routed to approvers or decided by the pod)",
            "escalation.decided": "An approver decided an escalation (or asked for more information)",
            "deployment.gated": "A pipeline submitted guardrail results and got the gate answer",
            "exception.raised": "A deployed model's production metric crossed its guardrail",
        })
