"""The rules of running the room, free of HTTP and SQL: moving through the agenda, the order of a list
of speakers, what a chair's action does to a speaker, and the timers derived from stored times."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import get_args

from schemas.events import SpeakerKind
from servicekit import pg

KINDS: tuple[str, ...] = get_args(SpeakerKind)
# A point of order jumps the queue; a reply to the current speaker comes right after; the rest wait in
# arrival order. The chair's reordering puts everyone it orders on the same footing.
PRIORITY: dict[str, int] = {"point_of_order": 0, "reply": 1}
ORDERED_PRIORITY = 2
MOVES = ("next", "previous", "jump", "end")
PROJECTOR_MODES = ("item", "speakers", "vote")
# Meeting states in which the room runs (items move, speakers speak) and in which lists take requests.
RUNNING = frozenset({"in_progress"})
QUEUEING = frozenset({"scheduled", "in_progress"})

# action -> (statuses it may start from, status it leads to)
SPEAKER_ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({"waiting"}), "speaking"),
    "pause": (frozenset({"speaking"}), "paused"),
    "resume": (frozenset({"paused"}), "speaking"),
    "end": (frozenset({"speaking", "paused"}), "done"),
}


def priority(kind: str) -> int:
    return PRIORITY.get(kind, ORDERED_PRIORITY)


def target_item(
    move: str, agenda: Sequence[uuid.UUID], current: uuid.UUID | None, jump_to: uuid.UUID | None
) -> uuid.UUID | None:
    """The item the room moves to (None: no current item afterwards). Raises ValueError with the reason
    when the move is impossible (past the last item, before the first, an unknown item)."""
    if move == "end":
        if current is None:
            raise ValueError("no agenda item is under way")
        return None
    if move == "jump":
        if jump_to is None or jump_to not in agenda:
            raise ValueError("item_id must be an item of this agenda")
        return jump_to
    if not agenda:
        raise ValueError("the agenda is empty")
    if current is None or current not in agenda:
        if move == "previous":
            raise ValueError("no agenda item is under way")
        return agenda[0]
    at = agenda.index(current) + (1 if move == "next" else -1)
    if not 0 <= at < len(agenda):
        raise ValueError("that was the last item" if move == "next" else "this is the first item")
    return agenda[at]


def speaker_transition(action: str, status: str) -> str | None:
    sources, target = SPEAKER_ACTIONS[action]
    return target if status in sources else None


def spoken_seconds(row: pg.RowLike, now: dt.datetime) -> float:
    """How long a speaker has spoken (pauses excluded) up to `now`, or until they ended."""
    started = row["started_at"]
    if started is None:
        return 0.0
    until = row["ended_at"] or row["paused_at"] or now
    return max(0.0, (until - started).total_seconds() - row["paused_seconds"])


def remaining_seconds(row: pg.RowLike, now: dt.datetime) -> float | None:
    """A speaker's countdown at `now` (negative once over time), None without a time limit."""
    if row["allotted_seconds"] is None:
        return None
    return row["allotted_seconds"] - spoken_seconds(row, now)


def budget_used(speakers: Sequence[pg.RowLike], now: dt.datetime) -> dict[str, float]:
    """Seconds each department has spoken under the item."""
    used: dict[str, float] = {}
    for s in speakers:
        if s["department_id"] is not None and s["started_at"] is not None:
            key = str(s["department_id"])
            used[key] = used.get(key, 0.0) + spoken_seconds(s, now)
    return used


def allotted(speaking_seconds: int | None, budget_left: float | None) -> int | None:
    """A speaker's time: the list's time per speaker, cut to what remains of their department's budget."""
    limits = [x for x in (speaking_seconds, None if budget_left is None else int(budget_left)) if x is not None]
    return min(limits) if limits else None


def slot_ends_at(started_at: dt.datetime | None, planned_minutes: int | None) -> dt.datetime | None:
    """When an item's time slot (its planned duration from when it first started) runs out."""
    if started_at is None or not planned_minutes:
        return None
    return started_at + dt.timedelta(minutes=planned_minutes)


def reorder_problem(waiting: Sequence[uuid.UUID], order: Sequence[uuid.UUID]) -> str | None:
    if len(order) != len(set(order)) or set(order) != set(waiting):
        return "speaker_ids must list every waiting speaker exactly once"
    return None
