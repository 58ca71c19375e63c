from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "gridgov.notify"
    label = "notify"
