from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"

    def ready(self) -> None:
        from gridgov.core import checks  # noqa: F401  (registers the start-up checks)
