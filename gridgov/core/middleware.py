"""Request guards for the pages (the JSON API has the same rule in its parser, `core.api.TextGuardParser`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from gridgov.core.text import MESSAGE, bad_querydict_field

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectBadTextMiddleware:
    """400 for a page request whose query string or form fields hold a character `core.text` refuses.

    Page views read `request.GET`/`request.POST` in many places (filters, htmx panels, supervision
    actions); checking once here keeps NUL out of every query and every write (PostgreSQL refuses it
    in text columns with a 500). Django forms would refuse NUL too, but not every view uses a form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            field = bad_querydict_field(request.GET)
            if field is None and request.method == "POST" and request.content_type in FORM_TYPES:
                field = bad_querydict_field(request.POST)
            if field is not None:
                return HttpResponseBadRequest(str(MESSAGE), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
