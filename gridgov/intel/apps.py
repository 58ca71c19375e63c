from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "gridgov.intel"
    label = "intel"

    def ready(self) -> None:
        from gridgov.intel.warnings import warnings_tick
        from gridgov.notify.ticks import register_tick

        register_tick("intel-warnings", warnings_tick, 15 * 60)
