"""查询进度: the anonymous look-up page (the same projection and guard as `GET /api/track`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from gridgov.cases.forms import TrackForm
from gridgov.cases.public import track_lookup
from gridgov.core.errors import DomainError


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Tracking number + last four digits of the contact phone; shows the public projection."""
    if request.method == "GET":
        return render(request, "cases/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    form.is_valid()
    try:
        found = track_lookup(
            tracking_no=form.cleaned_data.get("tracking_no", ""),
            phone_last4=form.cleaned_data.get("phone_last4", ""),
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "cases/track.html", {"form": form}, status=exc.status)
    return render(request, "cases/track.html", {"form": TrackForm(), "found": found})
