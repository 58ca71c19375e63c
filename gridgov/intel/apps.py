from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "gridgov.intel"
    label = "intel"
