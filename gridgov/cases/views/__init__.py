"""Pages of the case loop: report (点单), follow, handle (接单/办结), dispatch (派单), rate (评单), track.

A view parses input with a form, reads through `access`/`selectors` and writes only by calling an
action; a `DomainError` becomes the form's Chinese message. One module per use case:

| module | pages |
|---|---|
| `plumbing` | what they share: scope (404), allowed events, form errors, htmx/JSON answers |
| `intake` | landing page and map data, 点单 (resident, patrol, phone), received, my cases, inbox |
| `console` | the dispatcher's console, its panel, suggestions, 批量派单 |
| `detail` | one case's page and its forms (accept, return, progress, resolve, rate, cancel, close, dispatch, merge) |
| `track` | 查询进度, the anonymous look-up |
"""

from gridgov.cases.views.console import console, console_dispatch_batch, console_panel, console_suggest
from gridgov.cases.views.detail import (
    case_accept,
    case_cancel,
    case_close,
    case_detail,
    case_dispatch,
    case_merge,
    case_photo,
    case_progress,
    case_rate,
    case_resolve,
    case_return,
)
from gridgov.cases.views.intake import (
    console_phone,
    grids_geojson,
    home,
    inbox,
    my_cases,
    patrol,
    received,
    report,
)
from gridgov.cases.views.plumbing import time_left
from gridgov.cases.views.track import track

__all__ = [
    "case_accept",
    "case_cancel",
    "case_close",
    "case_detail",
    "case_dispatch",
    "case_merge",
    "case_photo",
    "case_progress",
    "case_rate",
    "case_resolve",
    "case_return",
    "console",
    "console_dispatch_batch",
    "console_panel",
    "console_phone",
    "console_suggest",
    "grids_geojson",
    "home",
    "inbox",
    "my_cases",
    "patrol",
    "received",
    "report",
    "time_left",
    "track",
]
