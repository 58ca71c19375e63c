"""GET /api/board: the public board as JSON, with exactly the masking of the page (no login)."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router

from gridgov.board import selectors
from gridgov.core.api import ERRORS
from gridgov.core.paging import Window

router = Router(tags=["board"])


@router.get("", auth=None, response={200: dict, **ERRORS}, summary="晒单：已办结并评价的诉求（已脱敏）")
def board(
    request: HttpRequest,
    township: str = "",
    village: str = "",
    category: str = "",
    page: int = 1,
    page_size: int = selectors.PAGE_SIZE,
) -> dict:
    filters = selectors.board_filters(township=township, village=village, category=category)
    summary = selectors.board_summary(filters)
    # A page past the end shows the last page (as on /board/); a size over the maximum reads the maximum.
    window = Window.of_page(page=page, page_size=page_size, page_size_max=selectors.MAX_PAGE_SIZE)
    current = selectors.board_page(filters, page=window.page, page_size=window.limit)
    return {
        "filters": filters.as_params(),
        "summary": {**asdict(summary), "satisfaction_rate": summary.satisfaction_rate},
        "page": current.number,
        "pages": current.num_pages,
        "count": current.count,
        "results": [
            {
                **asdict(e),
                "submitted_on": e.submitted_on.isoformat(),
                "closed_on": e.closed_on.isoformat() if e.closed_on else None,
                "rating_is_earlier_round": e.rating_is_earlier_round,
            }
            for e in current.entries
        ],
    }
