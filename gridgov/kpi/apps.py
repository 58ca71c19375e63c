from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "gridgov.kpi"
    label = "kpi"

    def ready(self) -> None:
        # The case measures live in kpi until cases takes them over (see case_measures' docstring).
        from gridgov.kpi import case_measures

        case_measures.register()
