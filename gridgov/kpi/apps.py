from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "gridgov.kpi"
    label = "kpi"

    def ready(self) -> None:
        # The case and supervision measures are computed with kpi's own case queries, so they live here;
        # a new domain registers its measures from its own app through `gridgov.measures.registry`.
        from gridgov.kpi import case_measures, supervision_measures

        case_measures.register()
        supervision_measures.register()  # 吹哨报到 figures on the leaders' KPI page
