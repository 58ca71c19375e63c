"""The one clock actions read.

The demo back-fills a year of history by running the real actions at past instants; tests freeze time
with time-machine instead. Both go through `now()`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

_override: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("gridgov_clock", default=None)


def now() -> datetime:
    return _override.get() or timezone.now()


@contextlib.contextmanager
def at(instant: datetime) -> Iterator[None]:
    token = _override.set(instant)
    try:
        yield
    finally:
        _override.reset(token)
