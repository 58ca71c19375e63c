"""Reads for the public board (晒单): closed, rated cases with every personal detail masked.

Everything shown publicly is built here, once, as `BoardEntry` rows, so the page and the JSON twin
cannot disagree about what is masked. Neither ever sees a `Case` object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import Case, CaseStatus, Rating, RatingScore
from gridgov.cases.public import PUBLIC_RELATED, known_secrets, public_case
from gridgov.catalog.models import Category
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.core.redaction import redact_text
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.scope import within_q

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _LatestRating(TypedDict):
        """What `published_cases` annotates: the case's latest rating."""

        latest_score: str
        latest_comment: str
        latest_round: int


PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
SATISFIED_SCORES = (RatingScore.SATISFIED, RatingScore.BASIC)
_SCORE_LABELS = dict(RatingScore.choices)


@dataclass(frozen=True)
class BoardFilters:
    """What the visitor chose: a township, optionally one of its villages/communities, a category."""

    township: Region | None = None
    village: Region | None = None
    category: Category | None = None

    @property
    def region(self) -> Region | None:
        return self.village or self.township

    def as_params(self) -> dict[str, str]:
        params = {}
        if self.township:
            params["township"] = self.township.code
        if self.village:
            params["village"] = self.village.code
        if self.category:
            params["category"] = str(self.category.pk)
        return params


def board_filters(*, township: str = "", village: str = "", category: str = "") -> BoardFilters:
    """Turn GET parameters into filters; an unknown code is a clear 404/400, never a silent empty list."""
    township = (township or "").strip()
    village = (village or "").strip()
    category = (category or "").strip()
    town = vil = cat = None
    codes = [c for c in (township, village) if c]
    regions = (
        {
            r.code: r
            for r in Region.objects.filter(code__in=codes)
            .select_related("parent")
            .defer("boundary", "parent__boundary")
        }
        if codes
        else {}
    )
    if township:
        town = regions.get(township)
        if town is None or town.level != RegionLevel.TOWNSHIP:
            raise NotFound(_("未找到该乡镇/街道"), code="region_not_found")
    if village:
        vil = regions.get(village)
        if vil is None or vil.level != RegionLevel.VILLAGE:
            raise NotFound(_("未找到该村/社区"), code="region_not_found")
        if town is not None and vil.parent_id != town.pk:
            raise NotFound(_("该村/社区不属于所选乡镇/街道"), code="region_not_found")
        town = vil.parent
    if category:
        # isdecimal, not isdigit ("²" is a digit int() refuses), and short enough to be an id.
        if not category.isdecimal() or len(category) > 18:
            raise InvalidInput(_("类别参数无效"), code="invalid_category")
        cat = Category.objects.filter(pk=int(category)).first()
        if cat is None:
            raise NotFound(_("未找到该类别"), code="category_not_found")
    return BoardFilters(township=town, village=vil, category=cat)


def _latest_rating(field: str) -> Subquery:
    return Subquery(Rating.objects.filter(case=OuterRef("pk")).order_by("-round", "-id").values(field)[:1])


def published_cases(filters: BoardFilters | None = None) -> QuerySet[WithAnnotations[Case, _LatestRating]]:
    """Closed cases with at least one rating, newest first, with the latest rating annotated.

    A case the centre closed after the rating period still appears if the resident rated an earlier
    round (e.g. 不满意 before rework): its latest rating is shown with that round, not hidden.
    Cancelled, merged, open and never-rated cases never appear.
    """
    filters = filters or BoardFilters()
    qs = Case.objects.filter(status=CaseStatus.CLOSED).filter(
        Exists(Rating.objects.filter(case=OuterRef("pk")))
    )
    if filters.region is not None:
        qs = qs.filter(within_q(filters.region))
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    return qs.annotate(
        latest_score=_latest_rating("score"),
        latest_comment=_latest_rating("comment"),
        latest_round=_latest_rating("round"),
    )


@dataclass(frozen=True)
class BoardSummary:
    published: int
    satisfied: int
    basic: int
    unsatisfied: int

    @property
    def satisfaction_rate(self) -> float | None:
        """(满意 + 基本满意) / published, by each case's latest rating; None when nothing is published."""
        if not self.published:
            return None
        return round(100 * (self.satisfied + self.basic) / self.published, 1)


def board_summary(filters: BoardFilters | None = None) -> BoardSummary:
    row = published_cases(filters).aggregate(
        published=Count("pk"),
        satisfied=Count("pk", filter=Q(latest_score=RatingScore.SATISFIED)),
        basic=Count("pk", filter=Q(latest_score=RatingScore.BASIC)),
        unsatisfied=Count("pk", filter=Q(latest_score=RatingScore.UNSATISFIED)),
    )
    return BoardSummary(**row)


@dataclass(frozen=True)
class BoardEntry:
    """One published case as the public may see it: masked, redacted, no address, no coordinates."""

    id: int
    title: str
    category: str
    community: str
    grid: str
    submitted_on: date
    closed_on: date | None
    description: str
    result: str
    handler: str
    contact_name: str
    contact_phone: str
    rating: str
    rating_label: str
    rating_comment: str
    rating_round: int
    rework_count: int

    @property
    def rating_is_earlier_round(self) -> bool:
        """The resident rated an earlier round (不满意 → rework) and not the final result."""
        return self.rating_round < self.rework_count


def _entry(case: WithAnnotations[Case, _LatestRating]) -> BoardEntry:
    # The one public projection decides what is masked; the board adds the latest rating.
    public = public_case(case)
    local = timezone.localtime
    return BoardEntry(
        id=case.pk,
        title=public.title,
        category=public.category,
        community=public.community,
        grid=public.grid,
        submitted_on=local(public.created_at).date(),
        closed_on=local(public.closed_at).date() if public.closed_at else None,
        description=public.description,
        result=public.result,
        handler=public.handler,
        contact_name=public.contact_name,
        contact_phone=public.contact_phone,
        rating=case.latest_score,
        rating_label=str(_SCORE_LABELS.get(case.latest_score, "")),
        rating_comment=redact_text(case.latest_comment, known=known_secrets(case)),
        rating_round=case.latest_round,
        rework_count=public.rework_count,
    )


@dataclass(frozen=True)
class BoardPage:
    entries: list[BoardEntry]
    number: int
    num_pages: int
    count: int
    has_previous: bool
    has_next: bool


def board_page(
    filters: BoardFilters | None = None, *, page: str | int | None = 1, page_size: int = PAGE_SIZE
) -> BoardPage:
    """One page of published cases, newest closed first; an out-of-range page number shows the last page."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    qs = (
        published_cases(filters)
        .select_related(*PUBLIC_RELATED)
        .defer("grid__boundary", "grid__parent__boundary")
        .order_by("-closed_at", "-id")
    )
    current = Paginator(qs, page_size).get_page(page)
    return BoardPage(
        entries=[_entry(case) for case in current.object_list],
        number=current.number,
        num_pages=current.paginator.num_pages,
        count=current.paginator.count,
        has_previous=current.has_previous(),
        has_next=current.has_next(),
    )


def board_townships() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.TOWNSHIP).defer("boundary").order_by("code")


def board_villages(township: Region | None) -> QuerySet[Region]:
    if township is None:
        return Region.objects.none()
    return (
        Region.objects.filter(parent=township, level=RegionLevel.VILLAGE).defer("boundary").order_by("code")
    )


def board_categories() -> QuerySet[Category]:
    return Category.objects.all()
