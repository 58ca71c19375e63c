"""Smart dispatch wired into the case loop: the category suggestion at submission and auto-dispatch.

Registered into `gridgov.cases.actions.submit` (`suggesters`, `after_submit`) by IntelConfig.ready(), so
the case loop runs without intel and never imports it.
"""

from __future__ import annotations

import logging

from gridgov.cases.actions import case_dispatch
from gridgov.cases.models import Case
from gridgov.catalog.models import Category, MatterItem, ResponsibleLevel
from gridgov.core.errors import DomainError
from gridgov.people.models import Role, RoleAssignment

log = logging.getLogger("gridgov.intel")


def suggest_fields(title: str, description: str) -> dict:
    """Ask the dispatch model for a category: the `suggested_*` fields of the new case."""
    from gridgov.intel.classifier import suggest

    suggestion = suggest(title, description)
    # A model trained on the dataset predicts category names; one trained on closed cases, item codes.
    category = Category.objects.filter(name=suggestion.label).first() if suggestion.label else None
    if category is None and suggestion.label:
        item = MatterItem.objects.filter(code=suggestion.label).select_related("category").first()
        category = item.category if item else None
    return {
        "suggested_category": category,
        "suggested_label": suggestion.label or "",
        "suggested_confidence": suggestion.confidence,
        "suggestion_model": suggestion.model_version,
    }


def auto_dispatch(case: Case) -> Case:
    """Dispatch a confident grid-level matter straight to the grid's worker, if the county allows it.

    Needs a model trained on catalogue item codes (from the platform's closed cases), a located case,
    a grid-level item and a worker for the grid; anything less leaves the case to the dispatcher.
    """
    from gridgov.intel.models import DispatchPolicy

    policy = DispatchPolicy.current()
    if not policy.auto_dispatch or case.grid_id is None or not case.suggested_label:
        return case
    if (case.suggested_confidence or 0) < policy.min_confidence:
        return case
    item = MatterItem.objects.filter(
        code=case.suggested_label, active=True, responsible_level=ResponsibleLevel.GRID
    ).first()
    worker = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, region_id=case.grid_id)
        .select_related("user")
        .first()
    )
    if item is None or worker is None:
        return case
    try:
        return case_dispatch(
            actor=None,
            case_id=case.pk,
            item=item,
            to_worker=worker.user,
            note=f"自动派单（置信度 {case.suggested_confidence:.2f}）",
        )
    except DomainError:
        log.exception("auto-dispatch of %s failed; left for the dispatcher", case.tracking_no)
        return case
