from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "gridgov.kpi"
    label = "kpi"
