"""Running the room as rules: moving through the agenda, the order and states of a list of speakers, and the
timers derived from stored times."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_svc.room.rules import (
    KINDS,
    ORDERED_PRIORITY,
    SPEAKER_ACTIONS,
    allotted,
    budget_used,
    priority,
    remaining_seconds,
    reorder_problem,
    slot_ends_at,
    speaker_transition,
    spoken_seconds,
    target_item,
)

A, B, C = (uuid.UUID(int=i) for i in (1, 2, 3))
AGENDA = [A, B, C]
STRANGER = uuid.UUID(int=99)

# --- moving through the agenda -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "current", "jump_to", "target"),
    [
        ("next", None, None, A),  # the first "next" opens the agenda
        ("next", A, None, B),
        ("next", B, None, C),
        ("previous", C, None, B),
        ("previous", B, None, A),
        ("jump", A, C, C),
        ("jump", None, B, B),
        ("jump", B, B, B),
        ("end", B, None, None),
        ("next", STRANGER, None, A),  # a current item no longer on the agenda: start again from the top
    ],
)
def test_the_room_moves_to_the_item_the_chair_asks_for(
    move: str, current: uuid.UUID | None, jump_to: uuid.UUID | None, target: uuid.UUID | None
) -> None:
    assert target_item(move, AGENDA, current, jump_to) == target


@pytest.mark.parametrize(
    ("move", "agenda", "current", "jump_to", "reason"),
    [
        ("next", AGENDA, C, None, "that was the last item"),
        ("previous", AGENDA, A, None, "this is the first item"),
        ("previous", AGENDA, None, None, "no agenda item is under way"),
        ("previous", AGENDA, STRANGER, None, "no agenda item is under way"),
        ("end", AGENDA, None, None, "no agenda item is under way"),
        ("jump", AGENDA, A, STRANGER, "item_id must be an item of this agenda"),
        ("jump", AGENDA, A, None, "item_id must be an item of this agenda"),
        ("next", [], None, None, "the agenda is empty"),
        ("previous", [], None, None, "the agenda is empty"),
    ],
)
def test_an_impossible_move_is_refused_with_its_reason(
    move: str, agenda: list[uuid.UUID], current: uuid.UUID | None, jump_to: uuid.UUID | None, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        target_item(move, agenda, current, jump_to)


@settings(max_examples=60)
@given(st.integers(min_value=1, max_value=6), st.lists(st.sampled_from(["next", "previous"]), max_size=12))
def test_next_and_previous_walk_the_agenda_one_step_at_a_time(size: int, moves: list[str]) -> None:
    agenda = [uuid.UUID(int=i) for i in range(size)]
    at: int | None = None
    for move in moves:
        try:
            target = target_item(move, agenda, None if at is None else agenda[at], None)
        except ValueError:
            # refused only at the ends, or going back before anything started
            assert (move, at) in {("next", size - 1), ("previous", 0), ("previous", None)}
            continue
        assert target is not None
        expected = 0 if at is None else at + (1 if move == "next" else -1)
        assert target == agenda[expected]
        at = expected


# --- a list of speakers --------------------------------------------------------------------------------


def test_a_point_of_order_comes_first_then_a_reply_then_everyone_else() -> None:
    assert priority("point_of_order") < priority("reply") < priority("contribution")
    # the rest wait in arrival order, on the same footing as those the chair has reordered
    assert {priority(k) for k in KINDS if k not in ("point_of_order", "reply")} == {ORDERED_PRIORITY}


STATUSES = ("waiting", "speaking", "paused", "done")
MOVES = {
    ("start", "waiting"): "speaking",
    ("pause", "speaking"): "paused",
    ("resume", "paused"): "speaking",
    ("end", "speaking"): "done",
    ("end", "paused"): "done",
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", tuple(SPEAKER_ACTIONS))
def test_a_speaker_moves_only_along_the_allowed_actions(action: str, status: str) -> None:
    assert speaker_transition(action, status) == MOVES.get((action, status))


@pytest.mark.parametrize("action", tuple(SPEAKER_ACTIONS))
def test_a_speaker_who_is_done_stays_done(action: str) -> None:
    assert speaker_transition(action, "done") is None


@pytest.mark.parametrize(
    ("waiting", "order", "ok"),
    [
        ([A, B, C], [C, A, B], True),
        ([A, B, C], [A, B, C], True),
        ([], [], True),
        ([A, B, C], [A, B], False),  # someone left out
        ([A, B], [A, B, C], False),  # someone not waiting
        ([A, B, C], [A, A, B, C], False),  # someone twice
        ([A, B, C], [A, B, B], False),
    ],
)
def test_a_reordering_must_list_every_waiting_speaker_exactly_once(
    waiting: list[uuid.UUID], order: list[uuid.UUID], ok: bool
) -> None:
    problem = reorder_problem(waiting, order)
    assert (problem is None) is ok
    if not ok:
        assert problem == "speaker_ids must list every waiting speaker exactly once"


@settings(max_examples=60)
@given(
    st.lists(st.integers(0, 30), unique=True, max_size=8).flatmap(
        lambda xs: st.tuples(st.just(xs), st.permutations(xs))
    )
)
def test_any_permutation_of_the_waiting_speakers_is_a_valid_order(case: tuple[list[int], list[int]]) -> None:
    waiting, order = ([uuid.UUID(int=i) for i in xs] for xs in case)
    assert reorder_problem(waiting, order) is None
    if order:
        assert reorder_problem(waiting, order[:-1]) is not None
        assert reorder_problem(waiting, [*order, order[0]]) is not None


# --- timers --------------------------------------------------------------------------------------------

T0 = dt.datetime(2026, 1, 14, 7, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def speaker(
    started: float | None = 0,
    *,
    paused_at: float | None = None,
    ended: float | None = None,
    paused_seconds: float = 0,
    allotted_seconds: int | None = None,
    department_id: uuid.UUID | None = None,
) -> dict[str, object]:
    return {
        "started_at": None if started is None else at(started),
        "paused_at": None if paused_at is None else at(paused_at),
        "ended_at": None if ended is None else at(ended),
        "paused_seconds": paused_seconds,
        "allotted_seconds": allotted_seconds,
        "department_id": department_id,
    }


@pytest.mark.parametrize(
    ("row", "now", "seconds"),
    [
        (speaker(None), 100, 0.0),  # still waiting
        (speaker(0), 45, 45.0),  # speaking
        (speaker(0, paused_at=30), 100, 30.0),  # paused: the clock stands still
        (speaker(0, paused_seconds=20), 100, 80.0),  # resumed after a 20 s pause
        (speaker(0, ended=60, paused_seconds=10), 500, 50.0),  # done: counted until the end
        (speaker(10), 5, 0.0),  # a clock that lags the start never gives negative time
    ],
)
def test_spoken_time_excludes_pauses_and_stops_at_the_end(row: dict[str, object], now: float, seconds: float) -> None:
    assert spoken_seconds(row, at(now)) == seconds


def test_the_countdown_runs_from_the_allotted_time_and_goes_negative_when_over() -> None:
    assert remaining_seconds(speaker(0, allotted_seconds=180), at(30)) == 150.0
    assert remaining_seconds(speaker(0, paused_at=50, allotted_seconds=180), at(170)) == 130.0
    assert remaining_seconds(speaker(0, allotted_seconds=60), at(80)) == -20.0
    assert remaining_seconds(speaker(0), at(80)) is None  # no limit, no countdown


def test_a_departments_budget_counts_only_its_speakers_who_have_started() -> None:
    sales, hr = uuid.uuid4(), uuid.uuid4()
    rows = [
        speaker(0, ended=60, department_id=sales),
        speaker(100, department_id=sales),
        speaker(0, ended=30, department_id=hr),
        speaker(None, department_id=hr),  # waiting: nothing spoken yet
        speaker(0, ended=90),  # no department: no budget
    ]
    assert budget_used(rows, at(130)) == {str(sales): 90.0, str(hr): 30.0}
    assert budget_used([], at(0)) == {}


@pytest.mark.parametrize(
    ("per_speaker", "budget_left", "result"),
    [
        (None, None, None),
        (180, None, 180),
        (None, 75.9, 75),  # what is left of a budget, in whole seconds
        (180, 75.0, 75),
        (60, 75.0, 60),
        (180, 0.0, 0),
    ],
)
def test_a_speakers_time_is_cut_to_what_remains_of_the_budget(
    per_speaker: int | None, budget_left: float | None, result: int | None
) -> None:
    assert allotted(per_speaker, budget_left) == result


def test_an_items_slot_runs_from_its_first_start_for_its_planned_minutes() -> None:
    assert slot_ends_at(T0, 15) == T0 + dt.timedelta(minutes=15)
    assert slot_ends_at(None, 15) is None
    assert slot_ends_at(T0, None) is None
    assert slot_ends_at(T0, 0) is None
