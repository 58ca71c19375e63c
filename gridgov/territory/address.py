"""Address text → grid (智能派单: locate from words, when a case has no coordinates).

Entries are rows of the territory tree, each linked to the grid that covers it:
    AddressEntry(grid_key, township="城关镇", village="东门社区", compound="阳光花园", building="3栋")
A row may stop at any level (a whole village grid has no compound/building).

Matching finds every entry name mentioned in the text, in several variants: the full name, the
name without its administrative suffix (县/镇/乡/街道/社区/村/居委会/小区 …), full-width or
half-width digits, and building numbers written as 3栋 / 3号楼 / 3幢 / 3座 / 三栋 / 叁号楼. Each
entry scores the levels it has in common with the text; a level only counts when its parent levels
present in the text agree (a compound of the same name in another village does not match).
The best-scoring entries must agree on one grid, otherwise the answer is ambiguous (grid_key None):
precision over recall, because a wrong grid sends a worker to the wrong place.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

LEVELS = ("township", "village", "compound", "building")
# How much a mention of each level says about the location.
_WEIGHT = {"township": 1.0, "village": 2.0, "compound": 4.0, "building": 3.0}
_CONFIDENCE = {"township": 0.3, "village": 0.6, "compound": 0.85, "building": 0.97}

_SUFFIXES = {
    "township": ("街道办事处", "街道办", "街道", "镇", "乡", "县", "区"),
    "village": ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村", "居"),
    "compound": ("小区", "住宅区", "家属区", "苑区"),
}
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100}
_NUM = r"[0-9]+|[零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰]+|[a-z]"
# "3楼" is a floor and "12号" a street number, so neither alone marks a building.
_BUILDING = re.compile(rf"({_NUM})\s*(?:号楼|号栋|号幢|栋|幢|座|号楼栋)")
_NOISE = re.compile(r"[\s\W_]+")


def chinese_number(text: str) -> int | None:
    """ "三"→3, "十二"→12, "二十三"→23, "一百零五"→105; None if not a numeral."""
    if not text:
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def _normalize(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "").lower())


def building_number(token: str) -> str | None:
    """Canonical building id ("3", "a") of a building name or mention; None if unrecognised."""
    token = _normalize(token)
    m = _BUILDING.search(token) or re.fullmatch(rf"({_NUM})", token)
    if not m:
        return None
    raw = m.group(1)
    if raw.isdigit():
        return str(int(raw))
    if len(raw) == 1 and raw.isascii():
        return raw
    n = chinese_number(raw)
    return None if n is None else str(n)


def name_variants(name: str, level: str) -> list[tuple[str, float]]:
    """(alias, strength) pairs: the full name (1.0) and the name without its suffix (0.8)."""
    full = _normalize(name)
    if not full:
        return []
    out = [(full, 1.0)]
    for suffix in _SUFFIXES.get(level, ()):
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            out.append((full[: -len(suffix)], 0.8))
            break
    return out


@dataclass(frozen=True)
class AddressEntry:
    """One row of the territory tree linked to its grid."""

    grid_key: Hashable
    township: str = ""
    village: str = ""
    compound: str = ""
    building: str = ""

    def name(self, level: str) -> str:
        return getattr(self, level)


@dataclass(frozen=True)
class AddressMatch:
    """Result of `AddressMatcher.match`; grid_key None when nothing or nothing unambiguous matched."""

    grid_key: Hashable | None
    matched: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0


class AddressMatcher:
    def __init__(self, entries: Iterable[AddressEntry | tuple]) -> None:
        self.entries: list[AddressEntry] = [
            e if isinstance(e, AddressEntry) else AddressEntry(*e) for e in entries
        ]
        # alias -> list of (level, canonical name, strength); indexed by first two characters so
        # a message is scanned once instead of once per alias.
        self._aliases: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
        self._by_prefix: dict[str, set[str]] = defaultdict(set)
        self._short: set[str] = set()
        for entry in self.entries:
            for level in ("township", "village", "compound"):
                name = entry.name(level)
                for alias, strength in name_variants(name, level):
                    if (level, name, strength) not in self._aliases[alias]:
                        self._aliases[alias].append((level, name, strength))
                    if len(alias) >= 2:
                        self._by_prefix[alias[:2]].add(alias)
                    else:
                        self._short.add(alias)

    def _mentions(self, norm: str) -> dict[tuple[str, str], float]:
        """(level, name) → strength of every territory name found in the normalised text."""
        found: dict[tuple[str, str], float] = {}
        candidates = {a for a in self._short if a in norm}
        for i in range(len(norm) - 1):
            for alias in self._by_prefix.get(norm[i : i + 2], ()):
                if norm.startswith(alias, i):
                    candidates.add(alias)
        # A short alias inside a longer matched alias ("东门" inside "东门社区") is not separate evidence.
        for alias in candidates:
            for level, name, strength in self._aliases[alias]:
                key = (level, name)
                found[key] = max(found.get(key, 0.0), strength)
        return found

    def match(self, text: str) -> AddressMatch:
        norm = _normalize(text)
        if not norm:
            return AddressMatch(None, {}, 0.0)
        mentions = self._mentions(norm)
        buildings = {b for b in (building_number(m.group(0)) for m in _BUILDING.finditer(norm)) if b}
        if not mentions:
            return AddressMatch(None, {}, 0.0)

        best_score = 0.0
        best: list[tuple[AddressEntry, dict[str, str], float]] = []
        for entry in self.entries:
            score = 0.0
            matched: dict[str, str] = {}
            conflict = False
            for level in ("township", "village", "compound"):
                name = entry.name(level)
                if not name:
                    continue
                strength = mentions.get((level, name))
                if strength:
                    score += _WEIGHT[level] * strength
                    matched[level] = name
                elif any(lvl == level for lvl, _ in mentions):
                    # The text names a different unit at this level: this entry is elsewhere.
                    conflict = True
            if conflict or not matched:
                continue
            if entry.building:
                wanted = building_number(entry.building)
                if "compound" in matched and wanted is not None and wanted in buildings:
                    score += _WEIGHT["building"]
                    matched["building"] = entry.building
                elif buildings and "compound" in matched:
                    continue  # the text names another building of this compound
            elif buildings and "compound" in matched:
                score -= 0.01  # prefer the building-level row when a building is named
            if score > best_score + 1e-9:
                best_score, best = score, [(entry, matched, score)]
            elif abs(score - best_score) <= 1e-9:
                best.append((entry, matched, score))
        if not best:
            return AddressMatch(None, {}, 0.0)
        grids = {e.grid_key for e, _, _ in best}
        deepest = max(best[0][1], key=LEVELS.index)
        matched = best[0][1]
        if len(grids) > 1:
            # Mentioned units span several grids (e.g. a village with five grids): say what was
            # recognised, but do not guess the grid.
            common = {
                lvl: name for lvl, name in matched.items() if all(m.get(lvl) == name for _, m, _ in best)
            }
            return AddressMatch(None, common, round(_CONFIDENCE[deepest] / len(grids), 3))
        strength = min(mentions.get((lvl, n), 1.0) for lvl, n in matched.items() if lvl != "building")
        confidence = _CONFIDENCE[deepest] * (1.0 if strength >= 1.0 else 0.95)
        return AddressMatch(next(iter(grids)), dict(matched), round(confidence, 3))
