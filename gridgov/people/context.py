"""Template context: the current user's roles, for the navigation."""

from gridgov.people.selectors import user_roles


def roles(request):
    user = getattr(request, "user", None)
    role_set = user_roles(user)
    return {
        "user_roles": role_set.names,
        "is_staff_user": bool(user and user.is_authenticated and user.is_staff),
    }
