"""The public board page (晒单): no login, phone first."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from gridgov.board import selectors
from gridgov.core.errors import DomainError


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    try:
        filters = selectors.board_filters(
            township=request.GET.get("township", ""),
            village=request.GET.get("village", ""),
            category=request.GET.get("category", ""),
        )
    except DomainError as exc:
        context: dict[str, Any] = {
            "error": exc.message,
            "townships": selectors.board_townships(),
            "categories": selectors.board_categories(),
        }
        return render(request, "board/board.html", context, status=exc.status)
    page = selectors.board_page(filters, page=request.GET.get("page", 1))
    context = {
        "filters": filters,
        "summary": selectors.board_summary(filters),
        "page": page,
        "townships": selectors.board_townships(),
        "villages": selectors.board_villages(filters.township),
        "categories": selectors.board_categories(),
        "query": urlencode(filters.as_params()),
    }
    return render(request, "board/board.html", context)
