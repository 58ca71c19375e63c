from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "gridgov.intel"
    label = "intel"

    def ready(self) -> None:
        from gridgov.core.jobs import register_job
        from gridgov.intel.warnings import warnings_tick

        register_job("intel-warnings", warnings_tick, 15 * 60)
