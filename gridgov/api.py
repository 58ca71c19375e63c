"""The JSON API: one NinjaAPI (built in core), and here the list of every domain's router.

A new domain adds one line below; its router lives in its own `api.py`. Core must not import domain apps,
which is why the mounting is here and not in `gridgov/core/api.py`.
"""

from __future__ import annotations

from gridgov.board.api import router as board_router
from gridgov.cases.api import router as cases_router
from gridgov.core.api import build_api
from gridgov.core.import_api import router as imports_router
from gridgov.kpi.api import router as kpi_router
from gridgov.notify.api import router as notify_router
from gridgov.people.api_auth import AUTH
from gridgov.supervision.api import router as supervision_router

api = build_api(auth=AUTH)

api.add_router("/", cases_router)
api.add_router("/board", board_router)
api.add_router("/kpi", kpi_router)
api.add_router("/notifications", notify_router)
api.add_router("/", supervision_router)
api.add_router("/imports", imports_router)
