from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "gridgov.intel"
    label = "intel"

    def ready(self) -> None:
        from gridgov.cases.actions import submit
        from gridgov.intel.dispatching import auto_dispatch, suggest_fields

        if suggest_fields not in submit.suggesters:
            submit.suggesters.append(suggest_fields)
        if auto_dispatch not in submit.after_submit:
            submit.after_submit.append(auto_dispatch)
        from gridgov.core.jobs import register_job
        from gridgov.intel.warnings import warnings_tick

        register_job("intel-warnings", warnings_tick, 15 * 60)
