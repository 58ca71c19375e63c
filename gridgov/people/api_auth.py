"""API authentication: a session, or a bearer token issued to an integration (people own the tokens)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from gridgov.people.selectors import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ggt_…` for integrations (hotline, sensors, county systems)."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """`X-Api-Token: ggt_…` for gateways that cannot set Authorization."""

    param_name = "X-Api-Token"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:
            return None
        return TokenAuth().authenticate(request, key)


AUTH = [TokenAuth(), TokenHeaderAuth(), django_auth]
