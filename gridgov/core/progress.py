"""Progress bars for long commands (demo build, bulk load, imports, model training).

tqdm with `disable=None` draws only when stderr is a terminal, so CI logs and cron mail stay clean and
tests see nothing; `enabled=False` turns it off outright (web requests run the same code).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(
    iterable: Iterable[T] | None = None,
    *,
    total: int | None = None,
    desc: str = "",
    unit: str = "it",
    enabled: bool = True,
) -> tqdm:
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        disable=None if enabled else True,
        dynamic_ncols=True,
        leave=False,
    )
