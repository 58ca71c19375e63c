"""Every write to a case, one module per use case. Views, API, admin, CLI and the demo all call these.

| module | use case |
|---|---|
| `gateway` | the case gateway (`apply_event`), event hooks, resolve guards, photo storage |
| `submit` | 点单 (web, patrol, phone, API), with auto-dispatch when the county allows it |
| `dispatch` | 派单 one case or a batch, suggested assignee, 合并 a duplicate |
| `handling` | 接单, 退单, progress, 办结, 补充材料, 缓办, 延期 |
| `closing` | 评单 (or 返工), 结案, 撤销, 提级 |
| `lookup` | the anonymous look-up |
"""

from gridgov.cases.actions.closing import ESCALATION_LEVELS, case_cancel, case_close, case_escalate, case_rate
from gridgov.cases.actions.dispatch import (
    BATCH_MAX,
    case_dispatch,
    case_merge,
    cases_dispatch_batch,
    suggest_assignee,
)
from gridgov.cases.actions.gateway import NOTE_MAX, apply_event, event_hooks, resolve_guards
from gridgov.cases.actions.handling import (
    case_accept,
    case_extension_decide,
    case_extension_request,
    case_postpone,
    case_progress,
    case_request_info,
    case_resolve,
    case_resume,
    case_return,
    case_supply_info,
)
from gridgov.cases.actions.lookup import case_lookup
from gridgov.cases.actions.submit import DESCRIPTION_MAX, DESCRIPTION_MIN, TITLE_MAX, case_submit

__all__ = [
    "BATCH_MAX",
    "DESCRIPTION_MAX",
    "DESCRIPTION_MIN",
    "ESCALATION_LEVELS",
    "NOTE_MAX",
    "TITLE_MAX",
    "apply_event",
    "case_accept",
    "case_cancel",
    "case_close",
    "case_dispatch",
    "case_escalate",
    "case_extension_decide",
    "case_extension_request",
    "case_lookup",
    "case_merge",
    "case_postpone",
    "case_progress",
    "case_rate",
    "case_request_info",
    "case_resolve",
    "case_resume",
    "case_return",
    "case_submit",
    "case_supply_info",
    "cases_dispatch_batch",
    "event_hooks",
    "resolve_guards",
    "suggest_assignee",
]
