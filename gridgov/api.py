"""The JSON API: one NinjaAPI, each domain adds its router in its own api.py."""

from __future__ import annotations

from gridgov.core.api import build_api
from gridgov.core.import_api import router as imports_router

api = build_api()
api.add_router("/imports", imports_router)
