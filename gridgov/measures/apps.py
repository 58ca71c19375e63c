from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """The measures kernel: the registry every domain adds its measures to, and the rollups they read."""

    name = "gridgov.measures"
    label = "measures"
