"""点单 over the API: JSON and multipart (with photos), with idempotency keys."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Status, UploadedFile

from gridgov.cases import actions
from gridgov.cases.api.plumbing import detail_out, item_by_id, lookup_id, router, uploaded_files
from gridgov.cases.schemas import (
    CaseOut,
    CaseSubmitIn,
)
from gridgov.catalog.models import Category
from gridgov.core.api import ERRORS, api_user


def _submit(request: HttpRequest, payload: CaseSubmitIn, photos: list[UploadedFile], header_key: str | None):
    user = api_user(request)
    category = lookup_id(Category, payload.category_id, code="invalid_category", message=_("所选类别不存在"))
    item = item_by_id(payload.item_id)
    case, created = actions.case_submit(
        actor=user,
        channel=payload.channel,
        description=payload.description or "",
        contact_phone=payload.contact_phone or "",
        title=payload.title or "",
        contact_name=payload.contact_name or "",
        category=category,
        item=item,
        lon=payload.lon,
        lat=payload.lat,
        address=payload.address or "",
        photos=photos,
        idempotency_key=header_key or payload.idempotency_key,
    )
    return Status(201 if created else 200, detail_out(user, case.pk))


@router.post("/cases", response={201: CaseOut, 200: CaseOut, **ERRORS}, summary="点单：提交诉求（JSON）")
def case_submit(
    request, payload: CaseSubmitIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    """201 with the new case; 200 with the same case when the idempotency key was seen before."""
    return _submit(request, payload, [], idempotency_key)


@router.post(
    "/cases/multipart", response={201: CaseOut, 200: CaseOut, **ERRORS}, summary="点单：提交诉求（含照片）"
)
def case_submit_multipart(
    request,
    payload: Form[CaseSubmitIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja idiom for an optional file list
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    return _submit(request, payload, uploaded_files(request, files), idempotency_key)
