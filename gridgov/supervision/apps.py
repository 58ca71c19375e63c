from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gridgov.supervision"
    label = "supervision"

    def ready(self) -> None:
        from gridgov.cases import actions as case_actions
        from gridgov.supervision import measures

        measures.register()  # 吹哨报到 figures on the leaders' KPI page
        from gridgov.supervision.actions import lead_must_have_resolved

        if lead_must_have_resolved not in case_actions.resolve_guards:
            case_actions.resolve_guards.append(lead_must_have_resolved)
        try:
            from gridgov.notify.ticks import register_tick
        except ImportError:  # the worker module is optional for library use
            return
        from gridgov.supervision.ticks import sla_tick

        register_tick("sla", sla_tick, 60)
