from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from governance import permissions, receivers  # noqa: F401  (registers rules and receivers)
        from governance.health import overdue_escalations_check
        from pods.health import register_health_check

        register_health_check(overdue_escalations_check)
