"""Reads about who holds which roles where."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from gridgov.people.models import ApiToken, Role, RoleAssignment, User

# Whoever is looking: a signed-in user or the anonymous visitor (every access rule answers for both).
Viewer = User | AnonymousUser


@dataclass
class RoleSet:
    """A user's role assignments, loaded once per request."""

    assignments: list[RoleAssignment] = field(default_factory=list)

    def has(self, role: str) -> bool:
        return any(a.role == role for a in self.assignments)

    def regions(self, *roles: str) -> list:
        return [a.region for a in self.assignments if a.role in roles and a.region is not None]

    def department_ids(self) -> list[int]:
        return [a.department_id for a in self.assignments if a.role == Role.DEPARTMENT and a.department_id]

    @property
    def names(self) -> list[str]:
        return sorted({a.role for a in self.assignments})


def signed_in_user(request: HttpRequest) -> User:
    """`request.user` in a view behind @login_required, where it cannot be an AnonymousUser."""
    return cast(User, request.user)


def user_roles(user: Viewer | None) -> RoleSet:
    if user is None or not user.is_authenticated:
        return RoleSet()
    cached = getattr(user, "_gridgov_roles", None)
    if cached is None:
        cached = RoleSet(
            list(RoleAssignment.objects.filter(user=user).select_related("region", "department"))
        )
        user._gridgov_roles = cached
    return cached


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.filter(token_hash=ApiToken.digest(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def actor_label(actor: User | None) -> str:
    """How a timeline names who acted: their roles (not 居民) and their name; None is the system."""
    if actor is None:
        return "系统"
    role_names = dict(Role.choices)
    shown = [str(role_names[r]) for r in user_roles(actor).names if r != Role.RESIDENT]
    prefix = "、".join(shown) if shown else "居民"
    return f"{prefix} {actor}"
