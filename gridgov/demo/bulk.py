"""Bulk load of synthetic case history for benchmarks: `gridgov demo --cases N`.

This deliberately bypasses the case actions. A million cases through `case_submit` → `case_dispatch`
→ … would take hours (each action locks, checks scope and writes one row at a time); here Case,
TimelineEntry and Rating rows are built in memory and written with `bulk_create` in batches. It is a
bulk load of *history*, not a way to change live cases: no hooks run, no notifications are queued.

What the rows still guarantee, so pages and KPIs behave as on real data:
- every case's status is reachable through the state machine, and its timeline has one entry per event
  that happened, in time order, each with from/to status; the last entry's to_status is the status;
- timestamps (dispatched/accepted/resolved/closed) and the deadline (from the item's time limit and the
  working calendar, as at dispatch) match the timeline; some cases are resolved late;
- a merged case points at an original in the same grid, which gets a `merged_in` entry;
- ratings exist for every rating event (one per round); tracking numbers are unique (prefix GB, a
  sequence, so they never collide with the random GG numbers of real submissions);
- region_path is the grid's path, as `case_submit` would copy it.
Evidence photos are not generated; closed photo-required items therefore have no attachment.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from shapely.geometry import shape

from gridgov.cases.models import (
    AssigneeKind,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Rating,
    RatingScore,
    TimelineEntry,
)
from gridgov.catalog.models import MatterItem, ResponsibleLevel
from gridgov.core.chain import GENESIS, digest
from gridgov.core.progress import progress
from gridgov.demo import geography, texts
from gridgov.demo.catalogue import CATEGORIES, ItemSpec, fits
from gridgov.people.models import Department, Role, RoleAssignment, User
from gridgov.territory.models import Compound, Region, RegionLevel
from gridgov.workcal.selectors import load_calendar

E, S = CaseEvent, CaseStatus
BATCH = 5000
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SHARES = {
    S.CLOSED: 70,
    S.RESOLVED: 5,
    S.ACCEPTED: 6,
    S.DISPATCHED: 4,
    S.SUBMITTED: 4,
    S.RETURNED: 2,
    S.REWORK: 2,
    S.CANCELLED: 4,
    S.MERGED: 3,
}
_ROLE_LABELS = dict(Role.choices)


class NoDemoCounty(Exception):
    pass


@dataclass
class _Grid:
    id: int
    path: str
    street: str
    urban: bool
    worker_id: int
    points: list[tuple[float, float]]
    places: list[str]


@dataclass
class _Item:
    obj: MatterItem
    spec: ItemSpec
    category: str
    handler_id: int | None  # department handler


def _base32(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 32)
        out.append(_ALPHABET[r])
    return "".join(reversed(out))


def _label(user: User, role: str) -> str:
    # Same shape as the actions' actor label ("网格员 张三"), computed once per user instead of per row.
    return f"{_ROLE_LABELS[role]} {user}" if role != Role.RESIDENT else f"居民 {user}"


class BulkLoader:
    def __init__(self, rng: random.Random, now: datetime):
        self.rng, self.now = rng, now
        self.calendar = load_calendar()
        grids = list(
            Region.objects.filter(level=RegionLevel.GRID).select_related("parent__parent").order_by("code")
        )
        if not grids:
            raise NoDemoCounty("没有网格数据：请先运行 gridgov demo 生成示范县")
        workers = {
            a.region_id: a.user
            for a in RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user")
        }
        compounds: dict[int, list[str]] = {}
        for grid_id, name, buildings in Compound.objects.order_by("id").values_list(
            "grid_id", "name", "buildings"
        ):
            compounds.setdefault(grid_id, []).append(f"{name}{rng.choice(buildings)}" if buildings else name)
        self.labels: dict[int, str] = {}
        self.grids: list[_Grid] = []
        for grid in grids:
            worker = workers.get(grid.id)
            if worker is None:
                continue
            self.labels[worker.pk] = _label(worker, Role.GRID_WORKER)
            village = grid.parent
            # A grid sits under a village/community, which sits under a township (region_parent_required).
            assert village is not None and village.parent is not None
            polygon = shape(grid.boundary)
            points = [(p.x, p.y) for p in (geography.random_point_in(polygon, rng) for _ in range(50))]
            places = [f"{village.name}{c}" for c in sorted(compounds.get(grid.id, []))] or [grid.name]
            urban = village.kind == "社区"
            self.grids.append(
                _Grid(grid.id, grid.path, village.parent.name, urban, worker.pk, points, places)
            )
        handlers = {
            a.department_id: a.user
            for a in RoleAssignment.objects.filter(role=Role.DEPARTMENT).select_related("user").order_by("id")
            if a.department_id is not None  # always (department_role_has_department)
        }
        for user in handlers.values():
            self.labels[user.pk] = _label(user, Role.DEPARTMENT)
        self.departments = [
            (d, handlers[d.pk].pk) for d in Department.objects.filter(pk__in=handlers).order_by("code")
        ]
        specs = {(name, spec.name): spec for _, name, specs in CATEGORIES for spec in specs}
        self.items = []
        for item in (
            MatterItem.objects.filter(active=True).select_related("category", "department").order_by("code")
        ):
            spec = specs.get((item.category.name, item.name)) or ItemSpec(
                item.name, "", 1, "d", False, (item.name,), "处理"
            )
            handler = handlers.get(item.department_id) if item.department_id is not None else None
            if item.responsible_level == ResponsibleLevel.DEPARTMENT and handler is None:
                continue
            self.items.append(
                _Item(
                    item,
                    spec,
                    item.category.name if item.category.name in texts.CONSEQUENCE else "城乡建设",
                    handler.pk if handler else None,
                )
            )
        self.urban_items = [i for i in self.items if fits(i.obj.name, urban=True)]
        self.rural_items = [i for i in self.items if fits(i.obj.name, urban=False)]
        if not self.items:
            raise NoDemoCounty("没有事项清单：请先运行 gridgov demo 生成示范县")
        dispatcher = (
            RoleAssignment.objects.filter(role=Role.DISPATCHER).select_related("user").order_by("id").first()
        )
        if dispatcher is None:
            raise NoDemoCounty("没有派单员：请先运行 gridgov demo 生成示范县")
        self.dispatcher = dispatcher.user
        self.labels[self.dispatcher.pk] = _label(self.dispatcher, Role.DISPATCHER)
        residents = list(User.objects.filter(roles__role=Role.RESIDENT).order_by("id"))
        for user in residents:
            self.labels[user.pk] = _label(user, Role.RESIDENT)
        self.residents = residents or [self.dispatcher]
        self.statuses, self.weights = list(SHARES), list(SHARES.values())

    # One case: (Case, [timeline tuples], [rating tuples]); times are aware datetimes.
    def make(self, seq: int) -> tuple[Case, list[tuple], list[tuple]]:
        rng = self.rng
        final = rng.choices(self.statuses, self.weights)[0]
        if final == S.MERGED:
            final = S.SUBMITTED  # merges are made afterwards from submitted cases, see merge()
        grid = rng.choice(self.grids)
        item = rng.choice(self.urban_items if grid.urban else self.rural_items)
        channel = rng.choices((Channel.WEB, Channel.PATROL, Channel.PHONE), (50, 25, 25))[0]
        if final in (S.SUBMITTED, S.DISPATCHED, S.RETURNED, S.ACCEPTED, S.REWORK):
            created = self.now - timedelta(minutes=rng.uniform(30, 30 * 24 * 60))
        else:
            created = self.now - timedelta(minutes=rng.uniform(20 * 24 * 60, 365 * 24 * 60))
        submitter = rng.choice(self.residents) if channel == Channel.WEB else None
        if channel == Channel.PATROL:
            recorder_id, contact = grid.worker_id, self.labels[grid.worker_id].split(" ", 1)[1]
        elif channel == Channel.PHONE:
            recorder_id, contact = self.dispatcher.pk, ""
        else:
            assert submitter is not None  # a web report always comes from a resident
            recorder_id, contact = None, submitter.display_name
        place = rng.choice(grid.places)
        title, description = texts.case_text(
            rng,
            item=item.spec,
            category=item.category,
            place=place,
            home=place,
            patrol=channel == Channel.PATROL,
        )
        lon, lat = rng.choice(grid.points)
        case = Case(
            id=seq,
            tracking_no=f"GB{created:%y%m%d}{_base32(seq, 7)}",
            status=S.SUBMITTED,
            channel=channel,
            title=title,
            description=description,
            lon=lon,
            lat=lat,
            address=f"{grid.street}{place}",
            grid_id=grid.id,
            region_path=grid.path,
            submitter=submitter,
            recorded_by_id=recorder_id,
            created_at=created,
            contact_name=contact or "群众",
            contact_phone=submitter.phone
            if submitter and submitter.phone
            else f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        )
        events: list[tuple] = []
        ratings: list[tuple] = []
        t = created
        reporter_id = submitter.pk if submitter else recorder_id
        events.append(
            (
                t,
                E.SUBMIT,
                reporter_id,
                "",
                S.SUBMITTED,
                f"渠道：{Channel(channel).label}",
                {"channel": channel},
            )
        )

        def step(hours_low: float, hours_high: float) -> datetime:
            nonlocal t
            t = t + timedelta(minutes=rng.uniform(hours_low * 60, hours_high * 60))
            return t

        def add(event, actor_id, to, note="", data=None):
            events.append((t, event, actor_id, case.status, to, note, data or {}))
            case.status = to

        if final == S.SUBMITTED:
            return case, events, ratings
        if final == S.CANCELLED and rng.random() < 0.5:
            step(0.2, 6)
            case.closed_at = t
            add(E.CANCEL, reporter_id, S.CANCELLED, rng.choice(texts.CANCEL_REASON))
            return self._fit(case, events, ratings)
        department = (
            item.obj.department if item.obj.responsible_level == ResponsibleLevel.DEPARTMENT else None
        )
        handler_id = item.handler_id if department else grid.worker_id
        misroute = final == S.RETURNED or rng.random() < 0.05
        dispatch_data = {"item": item.obj.code, "kind": "department" if department else "worker"}
        if misroute:
            wrong, wrong_handler_id = rng.choice([d for d in self.departments if d[0] != department])
            step(0.2, 8)
            case.item, case.category_id, case.department = item.obj, item.obj.category_id, wrong
            case.dispatched_at, case.assignee_kind = t, AssigneeKind.DEPARTMENT
            case.deadline_at = self.calendar.add(t, item.obj.time_limit, item.obj.time_unit)
            add(E.DISPATCH, self.dispatcher.pk, S.DISPATCHED, data={**dispatch_data, "kind": "department"})
            step(0.5, 8)
            case.return_count = 1
            add(E.RETURN, wrong_handler_id, S.RETURNED, rng.choice(texts.RETURN_REASON))
        if final != S.RETURNED:
            step(0.2, 8)
            case.item, case.category_id, case.department = item.obj, item.obj.category_id, department
            case.assignee_kind = AssigneeKind.DEPARTMENT if department else AssigneeKind.GRID
            case.handler_id = None if department else grid.worker_id
            case.dispatched_at = t
            case.deadline_at = self.calendar.add(t, item.obj.time_limit, item.obj.time_unit)
            add(E.DISPATCH, self.dispatcher.pk, S.DISPATCHED, data=dispatch_data)
        if final in (S.RETURNED, S.DISPATCHED):
            return self._fit(case, events, ratings)
        if final == S.CANCELLED:
            step(0.5, 12)
            case.closed_at = t
            add(E.CANCEL, reporter_id, S.CANCELLED, rng.choice(texts.CANCEL_REASON))
            return self._fit(case, events, ratings)
        step(0.1, 10)
        case.accepted_at, case.handler_id = t, handler_id
        add(E.ACCEPT, handler_id, S.ACCEPTED)
        if final == S.ACCEPTED:
            return self._fit(case, events, ratings)
        rater_id = submitter.pk if submitter else self.dispatcher.pk
        rounds = 2 if final == S.REWORK or rng.random() < 0.05 else 1
        for round_ in range(rounds):
            t = self._resolve_time(case, t, rng)
            case.result = texts.result_text(rng, item=item.spec, rework=round_ > 0)
            add(E.RESOLVE, handler_id, S.RESOLVED, case.result)
            if final == S.RESOLVED:
                return self._fit(case, events, ratings)
            step(1, 72)
            if round_ == 0 and rounds == 2:
                comment = rng.choice(texts.UNSATISFIED)
                ratings.append((0, RatingScore.UNSATISFIED, comment, rater_id, t))
                case.rework_count, case.resolved_at, case.accepted_at = 1, None, None
                add(E.REWORK, rater_id, S.REWORK, comment, {"score": RatingScore.UNSATISFIED})
                if final == S.REWORK:
                    return self._fit(case, events, ratings)
                step(0.5, 20)
                case.accepted_at = t
                add(E.ACCEPT, handler_id, S.ACCEPTED)
        case.closed_at = t
        if submitter is not None and rng.random() < 0.12:
            t = case.closed_at = t + timedelta(days=7)
            add(E.CLOSE, self.dispatcher.pk, S.CLOSED, "超过评价期未评价，由中心结案")
        else:
            score = rng.choices((RatingScore.SATISFIED, RatingScore.BASIC), (85, 15))[0]
            ratings.append((case.rework_count, score, "", rater_id, t))
            add(E.RATE, rater_id, S.CLOSED, "", {"score": score})
        return self._fit(case, events, ratings)

    def _resolve_time(self, case: Case, t: datetime, rng: random.Random) -> datetime:
        """Set and return when the case is resolved."""
        deadline = case.deadline_at
        assert deadline is not None  # set at dispatch, before any resolution
        if rng.random() < 0.12 or deadline <= t:
            resolved = max(deadline, t) + timedelta(minutes=rng.uniform(60, 72 * 60))
        else:
            resolved = t + max(timedelta(minutes=30), (deadline - t) * rng.uniform(0.1, 0.9))
        case.resolved_at = resolved
        return resolved

    def _fit(self, case: Case, events: list[tuple], ratings: list[tuple]):
        """Slide a case's whole life back if its last event would lie in the future."""
        overshoot = events[-1][0] - self.now
        if overshoot > timedelta(0):
            shift = overshoot + timedelta(minutes=self.rng.uniform(5, 600))
            for name in (
                "created_at",
                "dispatched_at",
                "accepted_at",
                "resolved_at",
                "closed_at",
                "deadline_at",
            ):
                value = getattr(case, name)
                if value is not None:
                    setattr(case, name, value - shift)
            events[:] = [(e[0] - shift, *e[1:]) for e in events]
            ratings[:] = [(*r[:4], r[4] - shift) for r in ratings]
        return case, events, ratings


def _adapter(field) -> Callable[[Any], Any]:
    """The value the database driver expects for a field, without Django's per-value compile cost."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else ops.adapt_datetimefield_value(v)
    if isinstance(field, models.JSONField):
        return lambda v: ops.adapt_json_value(v, field.encoder)
    return lambda v: v


class _Table:
    """INSERT … VALUES for one model's concrete columns, run with executemany."""

    def __init__(self, model: type[models.Model], *, with_id: bool):
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.adapters = [_adapter(f) for f in self.fields]
        qn = connection.ops.quote_name
        quoted = []
        for f in self.fields:
            assert f.column is not None  # every concrete field has a column
            quoted.append(qn(f.column))
        columns = ", ".join(quoted)
        placeholders = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
        # Columns the generator does not set get the field default, computed once.
        self.defaults = {f.attname: f.get_default() for f in self.fields}

    def row(self, values: dict[str, Any]) -> tuple:
        defaults = self.defaults
        return tuple(a(values.get(n, defaults[n])) for n, a in zip(self.attnames, self.adapters, strict=True))

    def row_of(self, obj: models.Model) -> tuple:
        return tuple(a(getattr(obj, n)) for n, a in zip(self.attnames, self.adapters, strict=True))

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.executemany(self.sql, rows)  # SQLite: one prepared statement, no round trips
                return
            # PostgreSQL: COPY streams the rows; executemany would be one round trip per row.
            with cursor.cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)


def _entry_rows(
    table: _Table, case_id: int, events: list[tuple], labels: dict[int, str], heads: dict[int, str]
) -> list[tuple]:
    """Rows of one case's entries, sealed into its hash chain in insertion order; `heads` keeps each
    case's chain head, which the case row then carries (see gridgov.core.timeline)."""
    rows = []
    for when, event, actor_id, from_status, to_status, note, data in events:
        values = {
            "case_id": case_id,
            "event": event,
            "actor_id": actor_id,
            "actor_label": labels.get(actor_id, "系统"),
            "from_status": from_status,
            "to_status": to_status,
            "note": note,
            "data": data or {},
            "created_at": when,
        }
        prev = heads.get(case_id, GENESIS)
        values["prev_hash"] = prev
        values["hash"] = heads[case_id] = digest(prev, {k: values[k] for k in TimelineEntry.CHAIN_FIELDS})
        rows.append(table.row(values))
    return rows


def bulk_cases(
    count: int,
    *,
    seed: int = 1,
    batch: int = BATCH,
    now: datetime | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Insert `count` synthetic cases with timelines and ratings; returns {"cases", "entries", "seconds", "rate"}."""
    rng = random.Random(f"bulk:{seed}:{count}")
    now = now or timezone.now()
    loader = BulkLoader(rng, now)
    cases_t, entries_t = _Table(Case, with_id=True), _Table(TimelineEntry, with_id=False)
    ratings_t = _Table(Rating, with_id=False)
    # Case ids are given explicitly (one block after the current maximum) so timelines can be written
    # without reading ids back; the PostgreSQL sequence is moved past them at the end.
    start_seq = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    started = time.perf_counter()
    done = entries_total = 0
    bar = progress(total=count, desc="cases", unit="case")
    while done < count:
        size = min(batch, count - done)
        made = [loader.make(start_seq + done + k) for k in range(size)]
        n_merge = round(size * SHARES[S.MERGED] / sum(SHARES.values()))
        merge_entries = _merge(loader, made, n_merge)
        heads: dict[int, str] = {}
        entries = [
            r
            for case, events, _ in made
            for r in _entry_rows(entries_t, case.pk, events, loader.labels, heads)
        ]
        entries += [
            r
            for case_id, events in merge_entries
            for r in _entry_rows(entries_t, case_id, events, loader.labels, heads)
        ]
        for case, _events, _ratings in made:
            case.timeline_head = heads.get(case.pk, "")
        ratings = [
            ratings_t.row(
                {"case_id": case.pk, "round": r, "score": sc, "comment": c, "rated_by_id": u, "created_at": w}
            )
            for case, _, rs in made
            for r, sc, c, u, w in rs
        ]
        with transaction.atomic():
            # Originals first: a merged duplicate's foreign key points at a case of the same batch.
            cases_t.insert([cases_t.row_of(case) for case, _, _ in made if case.merged_into_id is None])
            cases_t.insert([cases_t.row_of(case) for case, _, _ in made if case.merged_into_id is not None])
            entries_t.insert(entries)
            ratings_t.insert(ratings)
        done += size
        bar.update(size)
        entries_total += len(entries)
        elapsed = time.perf_counter() - started
        log(
            f"  {done:>9,} / {count:,} cases  {entries_total:>10,} timeline entries  {elapsed:7.1f} s  "
            f"{done / elapsed:,.0f} cases/s"
        )
    bar.close()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
            cursor.execute(sql)
    elapsed = time.perf_counter() - started
    return {
        "cases": count,
        "entries": entries_total,
        "seconds": elapsed,
        "rate": count / elapsed if elapsed else 0.0,
    }


def _merge(loader: BulkLoader, made: list, n_merge: int) -> list[tuple[int, list[tuple]]]:
    """Turn some still-submitted cases into duplicates of an earlier case of the same grid that was open."""
    by_grid: dict[int, list[tuple[Case, list[tuple]]]] = {}
    for case, events, _ in made:
        by_grid.setdefault(case.grid_id, []).append((case, events))
    submitted = [(case, events) for case, events, _ in made if case.status == S.SUBMITTED]
    loader.rng.shuffle(submitted)
    extra: list[tuple[int, list[tuple]]] = []
    originals: set[int] = set()
    merged = 0
    for duplicate, dup_events in submitted:
        if merged >= n_merge:
            break
        if duplicate.pk in originals:
            continue  # already absorbed a duplicate; merging it away too would make a chain
        for original, events in by_grid[duplicate.grid_id]:
            if original is duplicate or original.status == S.MERGED:
                continue
            # The original must still be open (no resolve/cancel yet) when the duplicate arrives and is merged.
            closing = next((e[0] for e in events if e[4] in (S.RESOLVED, S.CANCELLED)), loader.now)
            if not events[0][0] < duplicate.created_at < closing - timedelta(minutes=10):
                continue
            merged_at = duplicate.created_at + (closing - duplicate.created_at) * loader.rng.uniform(0.1, 0.9)
            status_then = [e for e in events if e[0] <= merged_at][-1][4]
            duplicate.status, duplicate.merged_into_id, duplicate.closed_at = S.MERGED, original.pk, merged_at
            dup_events.append(
                (
                    merged_at,
                    E.MERGE,
                    loader.dispatcher.pk,
                    S.SUBMITTED,
                    S.MERGED,
                    f"与工单 {original.tracking_no} 重复，已合并",
                    {"into": original.tracking_no},
                )
            )
            extra.append(
                (
                    original.pk,
                    [
                        (
                            merged_at,
                            E.MERGED_IN,
                            loader.dispatcher.pk,
                            status_then,
                            status_then,
                            f"并入重复诉求 {duplicate.tracking_no}",
                            {"duplicate": duplicate.tracking_no},
                        )
                    ],
                )
            )
            originals.add(original.pk)
            merged += 1
            break
    return extra
