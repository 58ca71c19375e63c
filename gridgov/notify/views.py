"""Pages: the inbox (消息), the nav badge fragment, and the dead-letter list for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import DomainError
from gridgov.notify import access, actions, selectors
from gridgov.people.selectors import signed_in_user

PAGE_SIZE = 30
BADGE_POLL = "every 60s"


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notify/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
        },
    )


def _back(request: HttpRequest, fallback: str = "/notifications/") -> HttpResponse:
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = actions.notification_mark_read(
            actor=signed_in_user(request), notification_id=notification_id
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        raise
    # "Open" on a notification marks it read and goes where it points.
    return _back(request, fallback=notification.link or "/notifications/")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = actions.notifications_mark_all_read(actor=signed_in_user(request))
    messages.success(request, _("已将 %(n)d 条消息标为已读") % {"n": count})
    return _back(request)


@require_GET
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The nav's `<span id="unread-count">`, re-rendered with its own htmx poll so it keeps refreshing."""
    count = selectors.unread_count(request.user) if request.user.is_authenticated else 0
    # Rendered without the request: no context processors, so the poll costs session + user + count only.
    response = HttpResponse(
        render_to_string("notify/unread_badge.html", {"count": count, "poll": BADGE_POLL})
    )
    response["Cache-Control"] = "no-store"
    return response


def _require_manager(request: HttpRequest) -> None:
    if not access.may_manage_deliveries(request.user):
        raise Http404()


@login_required
@require_GET
def dead_letters(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    page = Paginator(selectors.dead_letters(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/dead_letters.html", {"page": page, "summary": selectors.outbox_summary()})


@login_required
@require_POST
def retry_delivery(request: HttpRequest, delivery_id: int) -> HttpResponse:
    _require_manager(request)
    try:
        actions.delivery_retry(actor=signed_in_user(request), delivery_id=delivery_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新加入发送队列"))
    return redirect("notify:dead_letters")
