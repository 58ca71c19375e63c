"""The shipped holiday files (data/calendar_<year>.json): reading and checking them, no database.

One file per year, as published by the State Council each November (国务院办公厅关于<year>年部分节假日
安排的通知). A file flagged `provisional` was computed, not published, and an admin must confirm it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class HolidayEntry:
    """One override day as shipped."""

    day: date
    is_workday: bool
    name: str
    note: str = ""


@dataclass(frozen=True)
class HolidayYear:
    """A year's shipped overrides and where they come from."""

    year: int
    provisional: bool
    source: str
    entries: tuple[HolidayEntry, ...]


def shipped_years() -> list[int]:
    return sorted(int(p.stem.removeprefix("calendar_")) for p in DATA_DIR.glob("calendar_*.json"))


def read_year(year: int) -> HolidayYear:
    """Parse and check data/calendar_<year>.json; raises FileNotFoundError or ValueError."""
    raw = json.loads((DATA_DIR / f"calendar_{year}.json").read_text(encoding="utf-8"))
    if raw.get("year") != year:
        raise ValueError(f"calendar_{year}.json says year {raw.get('year')!r}")
    entries = []
    seen: set[date] = set()
    for item in raw["days"]:
        day = date.fromisoformat(item["date"])
        if day.year != year:
            raise ValueError(f"calendar_{year}.json lists {day}, outside {year}")
        if day in seen:
            raise ValueError(f"calendar_{year}.json lists {day} twice")
        seen.add(day)
        if not isinstance(item["is_workday"], bool):
            raise ValueError(f"{day}: is_workday must be true or false")
        entries.append(
            HolidayEntry(day=day, is_workday=item["is_workday"], name=item["name"], note=item.get("note", ""))
        )
    return HolidayYear(
        year=year,
        provisional=bool(raw.get("provisional", False)),
        source=raw.get("source", ""),
        entries=tuple(sorted(entries, key=lambda e: e.day)),
    )


def shipped_overrides(years: list[int] | None = None) -> dict[date, bool]:
    """{date: is_workday} straight from the files, for tests and for a calendar without a database."""
    overrides: dict[date, bool] = {}
    for year in years if years is not None else shipped_years():
        overrides.update({e.day: e.is_workday for e in read_year(year).entries})
    return overrides
