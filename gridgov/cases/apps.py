from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    label = "cases"
