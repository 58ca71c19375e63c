"""查询进度: the anonymous look-up page."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.cases import actions, selectors
from gridgov.cases.forms import (
    TrackForm,
)
from gridgov.cases.models import Case, CaseStatus
from gridgov.core.errors import DomainError, NotFound
from gridgov.core.masking import mask_name, mask_phone

# Misses allowed per tracking number in TRACK_WINDOW seconds: the last four digits of a phone are only
# 10,000 guesses. Counted per number, not per client address, because behind the county's proxy every
# resident would share one address and lock each other out.
TRACK_LIMIT = 20


TRACK_WINDOW = 600


def _track_key(tracking_no: str) -> str:
    return "gridgov:track-misses:" + (tracking_no or "").strip().upper()[:20]


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """查询进度: tracking number + last four digits of the contact phone; shows a masked view."""
    if request.method == "GET":
        return render(request, "cases/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    form.is_valid()
    key = _track_key(form.cleaned_data.get("tracking_no", ""))
    if cache.get(key, 0) >= TRACK_LIMIT:
        form.add_error(None, _("查询过于频繁，请 10 分钟后再试"))
        return render(request, "cases/track.html", {"form": form}, status=429)
    try:
        case = actions.case_lookup(
            tracking_no=form.cleaned_data.get("tracking_no", ""),
            phone_last4=form.cleaned_data.get("phone_last4", ""),
        )
    except DomainError as exc:
        if isinstance(exc, NotFound):
            cache.add(key, 0, TRACK_WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, TRACK_WINDOW)
        form.add_error(None, exc.message)
        return render(request, "cases/track.html", {"form": form}, status=exc.status)
    return render(request, "cases/track.html", {"form": TrackForm(), "found": _masked(case)})


def _masked(case: Case) -> dict:
    """What an anonymous caller may see: the progress, no names or numbers of anyone."""
    entries = selectors.case_timeline(case)
    return {
        "tracking_no": case.tracking_no,
        "status": case.get_status_display(),
        "status_code": case.status,
        "title": case.title,
        "category": case.category.name if case.category is not None else "",
        "grid": case.grid.name if case.grid is not None else "",
        "created_at": case.created_at,
        "contact": f"{mask_name(case.contact_name)} {mask_phone(case.contact_phone)}",
        "result": case.result if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) else "",
        "merged_into": case.merged_into.tracking_no if case.merged_into is not None else "",
        "events": [
            {
                "label": entry.get_event_display(),
                "at": entry.created_at,
                "role": entry.actor_label.split(" ")[0],
            }
            for entry in entries
        ],
    }
