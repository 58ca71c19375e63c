"""A year of case history made by running the real case actions at past instants (`clock.at`).

Every historical case goes through `case_submit`, `case_dispatch`, `case_accept`, … exactly as a
resident, dispatcher and handler would, so timelines, ratings, deadlines (from the working calendar) and
the KPIs computed from them are real. Each case gets a planned final status and a list of timed steps;
all steps of all cases run in one chronological sequence, so ids follow time and a merge finds its
original case open, as it would have been.
"""

from __future__ import annotations

import heapq
import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.cases import actions
from gridgov.cases.deadlines import deadline_for
from gridgov.cases.models import CaseStatus, Channel, RatingScore
from gridgov.catalog.models import MatterItem, ResponsibleLevel
from gridgov.core import clock
from gridgov.core.progress import progress
from gridgov.demo import geography, texts
from gridgov.demo.catalogue import ItemSpec, fits
from gridgov.demo.county import DemoCounty, GridInfo
from gridgov.people.models import User

SHANGHAI = ZoneInfo("Asia/Shanghai")
HISTORY_CASES = 400

# Share of each final status; every status appears at least twice whatever the size.
STATUS_SHARES: dict[str, float] = {
    CaseStatus.CLOSED: 0.60,
    CaseStatus.RESOLVED: 0.06,
    CaseStatus.ACCEPTED: 0.07,
    CaseStatus.DISPATCHED: 0.05,
    CaseStatus.SUBMITTED: 0.05,
    CaseStatus.RETURNED: 0.03,
    CaseStatus.REWORK: 0.03,
    CaseStatus.CANCELLED: 0.05,
    CaseStatus.MERGED: 0.06,
}
# Clock pauses (补充材料, 缓办): made through their own actions when the case machine has them.
PAUSES: dict[str, float] = {s: 0.02 for s in ("waiting_info", "postponed") if s in CaseStatus.values}
STATUS_SHARES.update(PAUSES)
STATUS_SHARES[CaseStatus.CLOSED] -= sum(PAUSES.values())
OPEN_FINAL = {
    *PAUSES,
    CaseStatus.SUBMITTED,
    CaseStatus.DISPATCHED,
    CaseStatus.RETURNED,
    CaseStatus.ACCEPTED,
    CaseStatus.REWORK,
}
CATEGORY_WEIGHTS = {
    "城乡建设": 30,
    "环境保护": 15,
    "社会治安与矛盾纠纷": 15,
    "交通运输": 10,
    "劳动和社会保障": 10,
    "卫生计生": 8,
    "商贸旅游": 6,
    "教育文体": 6,
}


@dataclass
class Plan:
    """One case to be made: who reports what where, and the timed steps of its life."""

    grid: GridInfo
    item: MatterItem
    spec: ItemSpec
    category: str
    channel: str
    reporter: User  # resident (web), grid worker (patrol) or dispatcher (phone)
    contact: tuple[str, str]
    point: tuple[float, float]
    place: str
    final: str
    steps: list[tuple[datetime, str, dict[str, Any]]] = field(default_factory=list)
    case_id: int | None = None

    def at(self, when: datetime, op: str, **kwargs: Any) -> datetime:
        self.steps.append((when, op, kwargs))
        return when

    @property
    def submitted_id(self) -> int:
        """The case's id; every step after "submit" is scheduled later than it, so it is set."""
        assert self.case_id is not None, "a step ran before the case was submitted"
        return self.case_id


def status_counts(total: int) -> dict[str, int]:
    counts = {status: max(2, round(total * share)) for status, share in STATUS_SHARES.items()}
    counts[CaseStatus.CLOSED] += total - sum(counts.values())
    return counts


def _office(when: datetime, rng: random.Random) -> datetime:
    """Staff act in office hours: move a night-time instant to the next morning."""
    local = when.astimezone(SHANGHAI)
    if local.hour < 8:
        local = local.replace(hour=8, minute=rng.randrange(0, 60))
    elif local.hour >= 18:
        local = (local + timedelta(days=1)).replace(hour=8, minute=rng.randrange(0, 60))
    return local


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low * 60, high * 60))


class HistoryMaker:
    def __init__(self, demo: DemoCounty, rng: random.Random, now: datetime):
        self.demo, self.rng, self.now = demo, rng, now
        self.photo_count = 0
        self.by_category: dict[str, list[tuple[MatterItem, ItemSpec]]] = {}
        for item, spec, category in demo.items:
            self.by_category.setdefault(category, []).append((item, spec))

    # -- planning ---------------------------------------------------------------------------------
    def plan(self, total: int) -> list[Plan]:
        counts = status_counts(total)
        finals = [s for s, n in counts.items() if s != CaseStatus.MERGED for _ in range(n)]
        self.rng.shuffle(finals)
        plans = [self._plan_one(final) for final in finals]
        candidates = [
            p for p in plans if p.final != CaseStatus.CANCELLED and self._open_window(p) > timedelta(hours=2)
        ]
        for original in self.rng.sample(candidates, min(counts[CaseStatus.MERGED], len(candidates))):
            plans.append(self._plan_duplicate(original))
        return plans

    def _open_window(self, plan: Plan) -> timedelta:
        """How long the case stays open (mergeable into) after it is submitted."""
        submitted = plan.steps[0][0]
        resolved = next((when for when, op, _ in plan.steps if op == "resolve"), None)
        return min(resolved or self.now, self.now) - timedelta(minutes=20) - submitted

    def _pick(self) -> tuple[GridInfo, MatterItem, ItemSpec, str]:
        rng = self.rng
        grid = rng.choices(self.demo.grids, weights=[3 if g.urban else 1 for g in self.demo.grids])[0]
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        item, spec = rng.choice(
            [pair for pair in self.by_category[category] if fits(pair[1].name, urban=grid.urban)]
        )
        return grid, item, spec, category

    def _reporter(self, channel: str, grid: GridInfo) -> tuple[User, tuple[str, str]]:
        if channel == Channel.WEB:
            user = self.rng.choice(self.demo.residents)
            return user, (user.display_name, user.phone)
        if channel == Channel.PATROL:
            worker = grid.worker
            assert worker is not None  # the demo county puts a worker on every grid
            return worker, (worker.display_name, worker.phone)
        return self.demo.dispatcher, self.rng.choice(self.demo.phone_contacts)

    def _plan_one(self, final: str) -> Plan:
        rng = self.rng
        grid, item, spec, category = self._pick()
        channel = rng.choices([Channel.WEB, Channel.PATROL, Channel.PHONE], weights=(50, 25, 25))[0]
        reporter, contact = self._reporter(channel, grid)
        point = geography.random_point_in(grid.polygon, rng)
        plan = Plan(
            grid=grid,
            item=item,
            spec=spec,
            category=category,
            channel=channel,
            reporter=reporter,
            contact=contact,
            point=(point.x, point.y),
            place=rng.choice(grid.places),
            final=final,
        )
        if final in OPEN_FINAL:
            # Open cases are recent; a few are old and overdue, which is what supervision is for.
            start = self.now - (
                timedelta(days=rng.uniform(20, 60)) if rng.random() < 0.15 else _hours(rng, 2, 20 * 24)
            )
        else:
            start = self.now - timedelta(days=rng.uniform(25, 365))
        start = start.astimezone(SHANGHAI).replace(hour=rng.choice(range(7, 23)), minute=rng.randrange(60))
        self._lifecycle(plan, start)
        # Nothing may happen in the future: slide the whole life back if needed.
        last = plan.steps[-1][0]
        if last > self.now - timedelta(minutes=5):
            shift = last - self.now + timedelta(minutes=rng.uniform(5, 600))
            plan.steps = [(when - shift, op, kw) for when, op, kw in plan.steps]
        return plan

    def _assignee(self, plan: Plan) -> dict[str, Any]:
        if plan.item.responsible_level == ResponsibleLevel.DEPARTMENT:
            return {"to_department": plan.item.department}
        return {"to_worker": plan.grid.worker}

    def _handler(self, assignee: dict[str, Any]) -> User:
        if "to_worker" in assignee:
            return assignee["to_worker"]
        return self.demo.handlers[assignee["to_department"].pk]

    def _lifecycle(self, plan: Plan, t: datetime) -> None:
        rng, final = self.rng, plan.final
        t = plan.at(t, "submit")
        if final == CaseStatus.SUBMITTED:
            return
        if final == CaseStatus.CANCELLED and rng.random() < 0.5:
            plan.at(t + _hours(rng, 0.2, 6), "cancel", actor=self._canceller(plan))
            return
        right = self._assignee(plan)
        misroute = final == CaseStatus.RETURNED or rng.random() < 0.08
        first = right
        if misroute:
            others = [
                d
                for d in self.demo.departments.values()
                if d.pk != getattr(right.get("to_department"), "pk", None)
            ]
            first = {"to_department": rng.choice(others)}
        t = plan.at(_office(t + _hours(rng, 0.2, 8), rng), "dispatch", assignee=first)
        if misroute:
            t = plan.at(_office(t + _hours(rng, 0.5, 8), rng), "return", actor=self._handler(first))
            if final == CaseStatus.RETURNED:
                return
            t = plan.at(_office(t + _hours(rng, 0.3, 4), rng), "dispatch", assignee=right)
        dispatched_at = t
        if final == CaseStatus.DISPATCHED:
            return
        if final == CaseStatus.CANCELLED:
            plan.at(t + _hours(rng, 0.5, 12), "cancel", actor=self._canceller(plan))
            return
        handler = self._handler(right)
        t = plan.at(_office(t + _hours(rng, 0.1, 10), rng), "accept", actor=handler)
        deadline = deadline_for(plan.item, dispatched_at)
        if rng.random() < 0.3:
            t = plan.at(t + _hours(rng, 0.5, 6), "progress", actor=handler)
        if final == CaseStatus.ACCEPTED:
            return
        if final in PAUSES:
            op = "request_info" if final == "waiting_info" else "postpone"
            plan.at(_office(t + _hours(rng, 1, 24), rng), op, actor=handler)
            return
        t = self._resolve(plan, t, deadline, handler)
        rater = plan.reporter if plan.channel == Channel.WEB else self.demo.dispatcher
        if final == CaseStatus.RESOLVED:
            return
        rework = final == CaseStatus.REWORK or rng.random() < 0.07
        if rework:
            t = plan.at(t + _hours(rng, 2, 72), "rate", actor=rater, score=RatingScore.UNSATISFIED)
            if final == CaseStatus.REWORK:
                return
            t = plan.at(_office(t + _hours(rng, 0.5, 20), rng), "accept", actor=handler)
            t = self._resolve(plan, t, deadline, handler, rework=True)
        if plan.channel != Channel.WEB or rng.random() < 0.85:
            score = rng.choices([RatingScore.SATISFIED, RatingScore.BASIC], weights=(85, 15))[0]
            plan.at(t + _hours(rng, 1, 72), "rate", actor=rater, score=score)
        else:
            plan.at(_office(t + timedelta(days=rng.uniform(7, 9)), rng), "close")

    def _resolve(
        self, plan: Plan, t: datetime, deadline: datetime, handler: User, *, rework: bool = False
    ) -> datetime:
        rng = self.rng
        if rng.random() < 0.15 or deadline <= t:  # late: resolved after the deadline
            when = max(deadline, t) + _hours(rng, 1, 72)
        else:
            when = _office(t + max(timedelta(minutes=30), (deadline - t) * rng.uniform(0.1, 0.9)), rng)
            when = max(when, t + timedelta(minutes=30))
        return plan.at(when, "resolve", actor=handler, rework=rework)

    def _canceller(self, plan: Plan) -> User:
        return plan.reporter

    def _plan_duplicate(self, original: Plan) -> Plan:
        """A second report of the same problem, merged into the original while it is still open."""
        rng = self.rng
        submitted = original.steps[0][0]
        open_until = submitted + self._open_window(original)
        start = submitted + min(open_until - submitted, timedelta(days=2)) * rng.uniform(0.1, 0.6)
        channel = rng.choice([Channel.WEB, Channel.PHONE])
        reporter, contact = self._reporter(channel, original.grid)
        point = geography.random_point_in(original.grid.polygon, rng)
        plan = Plan(
            grid=original.grid,
            item=original.item,
            spec=original.spec,
            category=original.category,
            channel=channel,
            reporter=reporter,
            contact=contact,
            point=(point.x, point.y),
            place=original.place,
            final=CaseStatus.MERGED,
        )
        plan.at(start, "submit", duplicate=True)
        plan.at(start + (open_until - start) * rng.uniform(0.2, 0.8), "merge", into=original)
        return plan

    # -- running ----------------------------------------------------------------------------------
    def run(self, plans: list[Plan]) -> None:
        queue = [(when, n, k) for n, plan in enumerate(plans) for k, (when, _, _) in enumerate(plan.steps)]
        heapq.heapify(queue)
        bar = progress(total=len(queue), desc="history", unit="step")
        while queue:
            bar.update(1)
            when, n, k = heapq.heappop(queue)
            plan = plans[n]
            _, op, kwargs = plan.steps[k]
            with clock.at(when):
                getattr(self, f"_do_{op}")(plan, **kwargs)
        bar.close()

    def _do_submit(self, plan: Plan, duplicate: bool = False) -> None:
        title, description = texts.case_text(
            self.rng,
            item=plan.spec,
            category=plan.category,
            place=plan.place,
            home=self.rng.choice(plan.grid.homes),
            patrol=plan.channel == Channel.PATROL,
            duplicate=duplicate,
        )
        case, _ = actions.case_submit(
            actor=plan.reporter,
            channel=plan.channel,
            title=title,
            description=description,
            contact_name=plan.contact[0],
            contact_phone=plan.contact[1],
            lon=plan.point[0],
            lat=plan.point[1],
            address=f"{plan.grid.street}{plan.place}",
        )
        plan.case_id = case.pk

    def _do_dispatch(self, plan: Plan, assignee: dict[str, Any]) -> None:
        actions.case_dispatch(
            actor=self.demo.dispatcher, case_id=plan.submitted_id, item=plan.item, **assignee
        )

    def _do_return(self, plan: Plan, actor: User) -> None:
        actions.case_return(
            actor=actor, case_id=plan.submitted_id, reason=self.rng.choice(texts.RETURN_REASON)
        )

    def _do_accept(self, plan: Plan, actor: User) -> None:
        actions.case_accept(actor=actor, case_id=plan.submitted_id)

    def _do_progress(self, plan: Plan, actor: User) -> None:
        actions.case_progress(actor=actor, case_id=plan.submitted_id, note=self.rng.choice(texts.PROGRESS))

    def _do_resolve(self, plan: Plan, actor: User, rework: bool) -> None:
        photos = [self._photo()] if plan.item.photo_required else []
        actions.case_resolve(
            actor=actor,
            case_id=plan.submitted_id,
            photos=photos,
            result=texts.result_text(self.rng, item=plan.spec, rework=rework),
        )

    def _do_rate(self, plan: Plan, actor: User, score: str) -> None:
        comment = self.rng.choice(
            texts.UNSATISFIED if score == RatingScore.UNSATISFIED else texts.RATE_COMMENT
        )
        actions.case_rate(actor=actor, case_id=plan.submitted_id, score=score, comment=comment)

    def _do_request_info(self, plan: Plan, actor: User) -> None:
        actions.case_request_info(
            actor=actor, case_id=plan.submitted_id, note=self.rng.choice(texts.REQUEST_INFO)
        )

    def _do_postpone(self, plan: Plan, actor: User) -> None:
        # 缓办 is approved by the centre on the handler's request.
        actions.case_postpone(
            actor=self.demo.dispatcher, case_id=plan.submitted_id, reason=self.rng.choice(texts.POSTPONE)
        )

    def _do_close(self, plan: Plan) -> None:
        actions.case_close(actor=self.demo.dispatcher, case_id=plan.submitted_id)

    def _do_cancel(self, plan: Plan, actor: User) -> None:
        actions.case_cancel(
            actor=actor, case_id=plan.submitted_id, reason=self.rng.choice(texts.CANCEL_REASON)
        )

    def _do_merge(self, plan: Plan, into: Plan) -> None:
        actions.case_merge(actor=self.demo.dispatcher, case_id=plan.submitted_id, into_id=into.submitted_id)

    def _photo(self) -> SimpleUploadedFile:
        """A small, real PNG: the evidence photo the catalogue demands for physical fixes."""
        from PIL import Image, ImageDraw

        self.photo_count += 1
        image = Image.new("RGB", (96, 72), tuple(self.rng.randrange(80, 200) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(6):
            x, y = self.rng.randrange(96), self.rng.randrange(72)
            draw.rectangle(
                [x, y, x + self.rng.randrange(8, 30), y + self.rng.randrange(6, 20)],
                fill=tuple(self.rng.randrange(256) for _ in range(3)),
            )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return SimpleUploadedFile(
            f"evidence-{self.photo_count}.png", buffer.getvalue(), content_type="image/png"
        )


def make_history(demo: DemoCounty, rng: random.Random, *, total: int, now: datetime) -> int:
    maker = HistoryMaker(demo, rng, now)
    plans = maker.plan(total)
    maker.run(plans)
    return len(plans)
