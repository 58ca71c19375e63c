"""The public look-up (the one public projection), the matter catalogue, and who the caller is."""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import Prefetch

from gridgov.cases.api.plumbing import code_ref, ref, router
from gridgov.cases.public import track_lookup
from gridgov.cases.schemas import (
    CatalogCategoryOut,
    MeOut,
    PublicCaseOut,
)
from gridgov.catalog.models import Category, MatterItem
from gridgov.core.api import ErrorOut, api_user
from gridgov.people.models import Role
from gridgov.people.selectors import user_roles


@router.get(
    "/track",
    auth=None,
    response={200: PublicCaseOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="凭受理编号和电话后四位查询进度（无需登录）",
)
def track(request, tracking_no: str = "", phone_last4: str = ""):
    """The public projection (as on /track/ and the board): masked, redacted, the same guard."""
    return asdict(track_lookup(tracking_no=tracking_no, phone_last4=phone_last4))


@router.get("/catalog", response=list[CatalogCategoryOut], summary="事项清单")
def catalog(request):
    items = MatterItem.objects.filter(active=True).select_related("department").order_by("code")
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "items": [
                {
                    "id": i.pk,
                    "code": i.code,
                    "name": i.name,
                    "responsible_level": i.responsible_level,
                    "department": ref(i.department),
                    "time_limit": i.time_limit,
                    "time_unit": i.time_unit,
                    "photo_required": i.photo_required,
                }
                for i in c.items.all()
            ],
        }
        for c in Category.objects.prefetch_related(Prefetch("items", queryset=items))
    ]


@router.get("/me", response=MeOut, summary="当前用户及其角色")
def me(request):
    user = api_user(request)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "is_superuser": user.is_superuser,
        "roles": [
            {
                "role": a.role,
                "role_label": str(Role(a.role).label),
                "region": code_ref(a.region),
                "department": ref(a.department),
            }
            for a in user_roles(user).assignments
        ],
    }
