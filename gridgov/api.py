"""The JSON API: one NinjaAPI, each domain adds its router in its own api.py."""

from __future__ import annotations

from gridgov.core.api import build_api

api = build_api()
