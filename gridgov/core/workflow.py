"""The workflow kernel: a state machine is a transition table plus one gateway.

A domain declares its machine once:

    DISPUTE_WORKFLOW = Workflow(
        name="disputes",
        model=Dispute,
        timeline=DisputeEntry,                    # a TimelineBase subclass with SUBJECT_FIELD = "dispute"
        transitions={(S.OPEN, E.ACCEPT): S.ACCEPTED, ...},   # anything absent is refused
        scope=access.dispute_for,                 # (user, pk) -> subject, NotFound outside the scope
        may=access.may_apply,                     # (user, subject, event) -> bool
        system_events={E.ESCALATE},               # events the system (actor=None) may apply
        status_label=..., event_label=..., actor_label=...,
    )

and every write that changes the status goes through `DISPUTE_WORKFLOW.apply(...)`, which owns its
transaction and always runs the same steps in the same order:

    scope (404, on the unlocked row, so an outsider learns nothing)
    → lock the row (select_for_update)
    → table lookup (absent → 409: whoever may see it learns "it is already accepted")
    → permission (403)
    → the caller's `change(subject)` (its own checks may still refuse: the transaction rolls back)
    → write the status and an append-only, hash-chained timeline entry
    → the registered hooks, in the same transaction (an outbox row commits with the event, or not at all)

`allowed_events(user, subject)` answers "what may this user do now" from the same table and the same
permission function, so pages, API and panels never compute it themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core import clock
from gridgov.core.errors import Conflict, PermissionDenied
from gridgov.core.timeline import TimelineBase, TimelineSubject

S = TypeVar("S", bound=TimelineSubject)
E = TypeVar("E", bound=TimelineBase)

# A hook gets the subject and its new entry (a domain's own types; the kernel only passes them on).
Hook = Callable[[Any, Any], None]


@dataclass(frozen=True)
class StateTable:
    """A bare transition table, for sub-machines that record on their parent's timeline (e.g. a
    department's part in a whistle: called → acknowledged → resolved)."""

    transitions: Mapping[tuple[str, str], str]

    def next(self, status: str, event: str) -> str | None:
        return self.transitions.get((status, event))

    def events_from(self, status: str) -> list[str]:
        return [event for (from_status, event) in self.transitions if from_status == status]


@dataclass
class Workflow(Generic[S, E]):
    """One domain's state machine: its table, its scope and permission rules, its timeline."""

    name: str
    model: type[S]
    timeline: type[E]
    transitions: Mapping[tuple[str, str], str]
    scope: Callable[[Any, int], S]
    may: Callable[[Any, S, str], bool]
    status_label: Callable[[str], str]
    event_label: Callable[[str], str]
    actor_label: Callable[[Any], str]
    system_events: frozenset[str] = frozenset()
    status_field: str = "status"
    # Each domain words its refusals for its own subject ("工单当前状态为…", "纠纷当前状态为…").
    conflict_message: Any = gettext_lazy("当前状态为「%(status)s」，不能%(event)s")
    forbidden_message: Any = gettext_lazy("您无权执行此操作")
    hooks: list[Hook] = field(default_factory=list)
    # Whether to offer an allowed event now, beyond table and permission: e.g. "decide an extension" only
    # while one is pending. Only `allowed_events` asks; the gateway leaves such checks to `change`,
    # which refuses with its own 409 and message.
    offer: Callable[[Any, S, str], bool] | None = None

    # ── the table ────────────────────────────────────────────────────────────────────────────────
    def next_status(self, status: str, event: str) -> str | None:
        return self.transitions.get((status, event))

    def statuses(self) -> list[str]:
        return sorted({s for s, _e in self.transitions} | set(self.transitions.values()))

    def events(self) -> list[str]:
        return sorted({e for _s, e in self.transitions})

    def allowed_events(self, user: Any, subject: S, events: Iterable[str] | None = None) -> set[str]:
        """What `user` may do to `subject` now (a subject they can already see): the page never shows a
        button the gateway would refuse."""
        status = getattr(subject, self.status_field)
        candidates = self.events() if events is None else events
        return {
            str(event)
            for event in candidates
            if self.next_status(status, event) is not None
            and self.may(user, subject, event)
            and (self.offer is None or self.offer(user, subject, event))
        }

    def register_hook(self, hook: Hook) -> None:
        """Run `hook(subject, entry)` inside the transaction of every event (notifications, rollups)."""
        if hook not in self.hooks:
            self.hooks.append(hook)

    def unregister_hook(self, hook: Hook) -> None:
        if hook in self.hooks:
            self.hooks.remove(hook)

    # ── the gateway ──────────────────────────────────────────────────────────────────────────────
    def apply(
        self,
        *,
        actor: Any,
        pk: int,
        event: str,
        note: str = "",
        data: dict | None = None,
        change: Callable[[S], None] | None = None,
    ) -> tuple[S, E]:
        """Apply `event` to the subject `pk` as `actor` (None: the system). See the module docstring."""
        with transaction.atomic():
            if actor is None:
                if event not in self.system_events:
                    raise PermissionDenied(_("系统不能执行此操作"), code="forbidden")
            else:
                self.scope(actor, pk)
            subject = self.model._default_manager.select_for_update().get(pk=pk)
            from_status = getattr(subject, self.status_field)
            to_status = self.next_status(from_status, event)
            if to_status is None:
                raise Conflict(
                    str(self.conflict_message)
                    % {"status": self.status_label(from_status), "event": self.event_label(event)},
                    code="invalid_transition",
                )
            if actor is not None and not self.may(actor, subject, event):
                raise PermissionDenied(str(self.forbidden_message), code="forbidden")
            setattr(subject, self.status_field, to_status)
            if change is not None:
                change(subject)
            entry = self.new_entry(
                subject, event=event, actor=actor, from_status=from_status, note=note, data=data
            )
            subject.save()
            entry.save()
            self.run_hooks(subject, entry)
            return subject, entry

    def new_entry(
        self,
        subject: S,
        *,
        event: str,
        actor: Any,
        from_status: str,
        note: str = "",
        data: dict | None = None,
    ) -> E:
        """An unsaved entry sealed after the subject's chain head, and the subject's head moved to it.

        The caller saves the subject (the new head) and then the entry, in one transaction, holding the
        subject's row lock (or having just created the subject): that is what keeps a chain from forking.
        """
        entry = self.timeline(
            event=event,
            actor=actor,
            actor_label=self.actor_label(actor),
            from_status=from_status,
            to_status=getattr(subject, self.status_field),
            note=note,
            data=data or {},
            created_at=clock.now(),
        )
        setattr(entry, self.timeline.SUBJECT_FIELD, subject)
        subject.timeline_head = entry.seal(subject.timeline_head)
        return entry

    def create(self, subject: S, *, event: str, actor: Any, note: str = "", data: dict | None = None) -> E:
        """Insert a new subject with its first entry (there is no "from" status), in one transaction.

        The entry is sealed before the subject's row exists, so the head goes in with the INSERT.
        """
        with transaction.atomic():
            entry = self.new_entry(subject, event=event, actor=actor, from_status="", note=note, data=data)
            subject.save(force_insert=True)
            entry.save()
            self.run_hooks(subject, entry)
            return entry

    def run_hooks(self, subject: S, entry: E) -> None:
        for hook in list(self.hooks):
            hook(subject, entry)
