"""Test helpers every domain's tests use for the checks every domain has (see docs/architecture.md).

- `every_pair(workflow)`: each (status, event) with the status the table moves it to (None: refused),
  for the test that walks every pair against the gateway.
- `nothing_written(...)`: a context manager asserting that a refused write left the given tables, the
  audit log and every timeline exactly as they were.
- `chains_intact()`: every hash chain verifies (call it at the end of a test that wrote history).
- `assert_hidden(response)`: an outsider's answer looks exactly like a missing record (404).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import models

from gridgov.core.chain import registered, verify_all
from gridgov.core.workflow import Workflow


def every_pair(workflow: Workflow[Any, Any]) -> Iterator[tuple[str, str, str | None]]:
    """(status, event, the status after, or None when the table refuses the move)."""
    for status in workflow.statuses():
        for event in workflow.events():
            yield status, event, workflow.next_status(status, event)


def _counts(tables: Iterable[type[models.Model]]) -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in tables}


def _history_tables() -> list[type[models.Model]]:
    """The audit log and every registered timeline: a refused write adds nothing to any of them."""
    found: list[type[models.Model]] = []
    for table in registered():
        try:
            found.append(apps.get_model(table.label))
        except (LookupError, ValueError):
            continue
    return found


@contextlib.contextmanager
def nothing_written(*tables: type[models.Model]) -> Iterator[None]:
    """Assert that the block (which must refuse) changed no row count of `tables` or of any history."""
    watched = [*tables, *_history_tables()]
    before = _counts(watched)
    yield
    after = _counts(watched)
    assert after == before, f"a refused write changed the tables: {before} → {after}"


def chains_intact() -> None:
    breaks = [str(found) for found in verify_all()]
    assert breaks == [], breaks


def assert_hidden(response: Any) -> None:
    """Not-found and not-allowed look the same to the caller: 404, and nothing of the record."""
    assert response.status_code == 404, response.status_code
