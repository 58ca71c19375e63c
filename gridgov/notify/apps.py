from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "gridgov.notify"
    label = "notify"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from gridgov.cases import actions as case_actions
        from gridgov.notify.case_notices import on_case_event

        # ready() can run more than once (tests, reloaders); the hook must be registered once.
        if on_case_event not in case_actions.event_hooks:
            case_actions.event_hooks.append(on_case_event)
