"""What the case endpoints share: the router, scope (404), id look-ups, and the shapes of a case."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, UploadedFile

from gridgov.cases import access, selectors
from gridgov.cases.models import (
    AttachmentKind,
    Case,
    CaseEvent,
    CaseStatus,
    RatingScore,
    TimelineEntry,
)
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.catalog.models import MatterItem
from gridgov.core.api import lookup
from gridgov.core.errors import InvalidInput
from gridgov.core.paging import Window, page_out
from gridgov.people.models import User
from gridgov.territory.models import Region, RegionLevel

router = Router(tags=["cases"])


# The action name a client calls for each event it may apply (rework is a rating).
ACTION_FOR_EVENT = {
    CaseEvent.DISPATCH: "dispatch",
    CaseEvent.ACCEPT: "accept",
    CaseEvent.RETURN: "return",
    CaseEvent.PROGRESS: "progress",
    CaseEvent.RESOLVE: "resolve",
    CaseEvent.RATE: "rate",
    CaseEvent.CLOSE: "close",
    CaseEvent.CANCEL: "cancel",
    CaseEvent.MERGE: "merge",
}


DETAIL_RELATED = (*selectors.LIST_RELATED, "merged_into")


def visible_case(user: User, case_id: int) -> Case:
    return access.case_for(user, case_id)


def lookup_id(model, pk: int | None, *, code: str, message: str, **filters):
    """`core.api.lookup` with the field named after the code (`invalid_grid` → `grid_id`)."""
    return lookup(
        model, pk, code=code, message=message, field=code.removeprefix("invalid_") + "_id", **filters
    )


def grid_by_id(pk: int | None) -> Region | None:
    return lookup_id(Region, pk, code="invalid_grid", message=_("所选网格不存在"), level=RegionLevel.GRID)


def item_by_id(pk: int | None) -> MatterItem | None:
    return lookup_id(MatterItem, pk, code="invalid_item", message=_("所选事项不存在"))


def ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def code_ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "code": obj.code, "name": obj.name}


def case_ref(case: Case | None) -> dict | None:
    if case is None:
        return None
    return {
        "id": case.pk,
        "tracking_no": case.tracking_no,
        "status": case.status,
        "status_label": case.get_status_display(),
    }


def role_part(label: str) -> str:
    # actor_label is "<roles> <name>"; the role part is what a stranger may read.
    return label.rsplit(" ", 1)[0] if " " in label else label


def attachment_out(att) -> dict:
    return {
        "id": att.pk,
        "kind": att.kind,
        "kind_label": str(AttachmentKind(att.kind).label),
        # Served by the scoped page view, never from MEDIA_ROOT directly.
        "url": f"/cases/{att.case_id}/photos/{att.pk}/",
        "content_type": att.content_type,
        "size": att.size,
        "created_at": att.created_at,
    }


def timeline_out(entries: list[TimelineEntry], case: Case, *, full_names: bool) -> list[dict]:
    rows = []
    for entry in entries:
        actor = selectors.shown_actor(entry, case, contact_visible=full_names)
        rows.append(
            {
                "id": entry.pk,
                "event": entry.event,
                "event_label": entry.get_event_display(),
                "from_status": entry.from_status,
                "to_status": entry.to_status,
                "actor": actor,
                "note": entry.note,
                "data": entry.data,
                "created_at": entry.created_at,
                "attachments": [attachment_out(a) for a in entry.attachments.all()],
            }
        )
    return rows


def suggestion_out(case: Case) -> dict:
    return {
        "label": case.suggested_label,
        "confidence": case.suggested_confidence,
        "model": case.suggestion_model,
        "category": ref(case.suggested_category),
    }


def list_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "tracking_no": case.tracking_no,
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "title": case.title,
        "category": ref(case.category),
        "item": code_ref(case.item),
        "grid": code_ref(case.grid),
        "address": case.address,
        "assignee_kind": case.assignee_kind,
        "handler": ref(case.handler),
        "department": ref(case.department),
        "created_at": case.created_at,
        "deadline_at": case.deadline_at,
        "rework_count": case.rework_count,
        "return_count": case.return_count,
    }


def allowed_actions(user: User, case: Case) -> list[str]:
    allowed = CASE_WORKFLOW.allowed_events(user, case, ACTION_FOR_EVENT)
    return [name for event, name in ACTION_FOR_EVENT.items() if event in allowed]


def detail_out(user: User, case_id: int) -> dict:
    case = Case.objects.select_related(*DETAIL_RELATED).get(pk=case_id)
    contact = selectors.case_contact(user, case)
    full = not contact.masked
    out = list_out(case)
    out.update(
        {
            "description": case.description,
            "lon": case.lon,
            "lat": case.lat,
            "contact_name": contact.name,
            "contact_phone": contact.phone,
            "contact_masked": contact.masked,
            "merged_into": case_ref(case.merged_into),
            "dispatched_at": case.dispatched_at,
            "accepted_at": case.accepted_at,
            "resolved_at": case.resolved_at,
            "closed_at": case.closed_at,
            "result": case.result,
            "suggestion": suggestion_out(case),
            "allowed_actions": allowed_actions(user, case),
            "timeline": timeline_out(selectors.case_timeline(case), case, full_names=full),
            "attachments": [attachment_out(a) for a in case.attachments.order_by("id")],
            "ratings": [
                {
                    "round": r.round,
                    "score": r.score,
                    "score_label": str(RatingScore(r.score).label),
                    "comment": r.comment,
                    "created_at": r.created_at,
                }
                for r in case.ratings.order_by("round")
            ],
        }
    )
    return out


def page_of(qs: QuerySet[Case], page: int, page_size: int) -> dict:
    """One page of cases in the shared page shape (`core.paging`); the query already bounded both."""
    return page_out(qs, Window.of_page(page=page, page_size=page_size), list_out)


def status_filter(status: str) -> str:
    if status and status not in CaseStatus.values:
        raise InvalidInput(
            _("状态无效，可选：%(choices)s") % {"choices": "、".join(CaseStatus.values)},
            code="invalid_status",
        )
    return status


def region_path_of(region_id: int | None) -> str:
    if region_id is None:
        return ""
    region = lookup_id(Region, region_id, code="invalid_grid", message=_("所选网格或区域不存在"))
    return region.path


def uploaded_files(request: HttpRequest, files: list[UploadedFile] | None) -> list[UploadedFile]:
    # Browsers' FormData conventions differ: accept both `files` and `files[]`.
    extra: list[Any] = list(request.FILES.getlist("files[]"))
    return [*(files or []), *extra]
