from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gridgov.supervision"
    label = "supervision"

    def ready(self) -> None:
        from gridgov.cases import actions as case_actions
        from gridgov.core.jobs import register_job
        from gridgov.supervision.actions import lead_must_have_resolved
        from gridgov.supervision.ticks import sla_tick

        if lead_must_have_resolved not in case_actions.resolve_guards:
            case_actions.resolve_guards.append(lead_must_have_resolved)
        # The deadline lights: every minute, so a case turns red within a minute of its deadline.
        register_job("sla", sla_tick, 60)
