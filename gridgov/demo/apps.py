from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`gridgov demo` and the demo county's parts; no models."""

    name = "gridgov.demo"
    label = "demo"
