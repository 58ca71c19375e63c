from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gridgov.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from gridgov.audit.selectors import register_audit_chain

        register_audit_chain()
