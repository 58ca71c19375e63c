"""点单 pages (resident, patrol, phone), the landing page and map data, a resident's cases, the inbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.cases import access, actions, selectors
from gridgov.cases.forms import (
    CaseReportForm,
    new_idempotency_key,
)
from gridgov.cases.models import CaseStatus, Channel
from gridgov.cases.views.plumbing import (
    case_or_404,
    form_error,
    form_json,
    time_left,
    wants_json,
)
from gridgov.core import clock
from gridgov.core.errors import DomainError
from gridgov.people.selectors import signed_in_user
from gridgov.territory.models import Region, RegionLevel


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/landing.html")
    return redirect(access.landing_page(signed_in_user(request)))


@require_GET
def grids_geojson(request: HttpRequest) -> JsonResponse:
    """Grid boundaries and names for the maps; public territory data, nothing about people."""
    rows = (
        Region.objects.filter(level=RegionLevel.GRID, boundary__isnull=False)
        .order_by("path")
        .values("code", "name", "boundary", "parent__name")
    )
    features = [
        {
            "type": "Feature",
            "geometry": row["boundary"],
            "properties": {"code": row["code"], "name": row["name"], "community": row["parent__name"] or ""},
        }
        for row in rows
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=300"
    return response


def _case_form(request: HttpRequest, *, channel: str, template: str) -> HttpResponse:
    user = signed_in_user(request)  # every caller is @login_required
    status = 200
    if request.method == "POST":
        form = CaseReportForm(request.POST, channel=channel)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case, created = actions.case_submit(
                    actor=user,
                    channel=channel,
                    description=data["description"],
                    contact_phone=data["contact_phone"],
                    contact_name=data.get("contact_name") or "",
                    category=data["category"],
                    lon=data["lon"],
                    lat=data["lat"],
                    address=data["address"],
                    photos=request.FILES.getlist("photos"),
                    idempotency_key=data["idempotency_key"],
                )
            except DomainError as exc:
                status = form_error(form, exc)
            else:
                if channel == Channel.WEB:
                    target = reverse("cases:received", kwargs={"case_id": case.pk})
                else:
                    messages.success(request, _("已受理，受理编号 %(no)s") % {"no": case.tracking_no})
                    target = reverse("cases:detail", kwargs={"case_id": case.pk})
                if wants_json(request):
                    return JsonResponse(
                        {"ok": True, "tracking_no": case.tracking_no, "url": target},
                        status=201 if created else 200,
                    )
                return redirect(target)
        else:
            status = 400
        if wants_json(request):
            return form_json(form, status)
    else:
        form = CaseReportForm(
            initial={
                "idempotency_key": new_idempotency_key(),
                "contact_phone": user.phone if channel != Channel.PHONE else "",
            },
            channel=channel,
        )
    context = {
        "form": form,
        "channel": channel,
        "photos_lost": request.method == "POST" and bool(request.FILES),
        "max_photos": settings.GRIDGOV_MAX_PHOTOS,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    return _case_form(request, channel=Channel.WEB, template="cases/report.html")


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request: HttpRequest) -> HttpResponse:
    if not access.may_patrol(signed_in_user(request)):
        raise DjangoPermissionDenied
    return _case_form(request, channel=Channel.PATROL, template="cases/report.html")


@login_required
@require_http_methods(["GET", "POST"])
def console_phone(request: HttpRequest) -> HttpResponse:
    if not access.may_dispatch_anywhere(request.user):
        raise DjangoPermissionDenied
    return _case_form(request, channel=Channel.PHONE, template="cases/report.html")


@login_required
@require_GET
def received(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_or_404(request.user, case_id)
    return render(request, "cases/received.html", {"case": case})


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.resident_cases(request.user)[:200])
    return render(request, "cases/my.html", {"cases": cases})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    if not access.has_inbox(signed_in_user(request)):
        raise DjangoPermissionDenied
    now = clock.now()
    from gridgov.cases.sla import sla_snapshots

    cases = list(selectors.handler_inbox(request.user)[:300])
    views = sla_snapshots(cases, now)
    rows = [{"case": c, "left": time_left(c, now, views.get(c.pk))} for c in cases]
    waiting = sum(1 for c in cases if c.status in (CaseStatus.DISPATCHED, CaseStatus.REWORK))
    return render(
        request,
        "cases/inbox.html",
        {"rows": rows, "waiting": waiting, "is_worker": access.may_patrol(signed_in_user(request))},
    )
