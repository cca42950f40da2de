"""How many live streams a session, a client address and the process may hold at once: a stream under
every limit gets a slot, one that would go over any of them is refused with the limit it hit, and a slot
given back (once, however many times it is released) makes room again."""

from __future__ import annotations

import pytest

from notifier.live.slots import Slot, StreamLimits, StreamSlots

LIMITS = StreamLimits(per_session=2, per_address=3, total=4)


def opened(slots: StreamSlots, streams: list[tuple[str, str | None]]) -> list[Slot]:
    held = []
    for session, address in streams:
        slot = slots.acquire(session, address)
        assert isinstance(slot, Slot), (session, address, slot)
        held.append(slot)
    return held


@pytest.mark.parametrize(
    ("already", "asking", "answer"),
    [
        ([], ("s1", "a1"), "slot"),
        ([("s1", "a1")], ("s1", "a1"), "slot"),  # under the session's limit
        ([("s1", "a1"), ("s1", "a1")], ("s1", "a1"), "per session"),  # at it
        ([("s1", "a1"), ("s1", "a2")], ("s1", "a3"), "per session"),  # a session's streams from any address
        ([("s1", "a1"), ("s1", "a1")], ("s2", "a1"), "slot"),  # another session is not held up by it
        ([("s1", "a1"), ("s2", "a1"), ("s3", "a1")], ("s4", "a1"), "per address"),  # the address is full
        ([("s1", "a1"), ("s2", "a1"), ("s3", "a1")], ("s4", "a2"), "slot"),  # another address is not
        ([("s1", "a1"), ("s2", "a1"), ("s3", "a1")], ("s4", None), "slot"),  # an address not counted
        ([("s1", None), ("s2", None), ("s3", None), ("s4", None)], ("s5", None), "total"),
        ([("s1", "a1"), ("s2", "a2"), ("s3", "a3"), ("s4", "a4")], ("s5", "a5"), "total"),
    ],
)
def test_a_stream_gets_a_slot_only_under_every_limit(
    already: list[tuple[str, str | None]], asking: tuple[str, str | None], answer: str
) -> None:
    slots = StreamSlots(LIMITS)
    opened(slots, already)
    result = slots.acquire(*asking)
    assert (result if isinstance(result, str) else "slot") == answer
    assert slots.open == len(already) + (answer == "slot")  # a refusal takes nothing


@pytest.mark.parametrize(
    ("limits", "streams"),
    [
        (StreamLimits(per_session=0, per_address=0, total=0), 50),  # 0: not limited
        (StreamLimits(per_session=0, per_address=0, total=50), 50),
    ],
)
def test_a_limit_of_zero_limits_nothing(limits: StreamLimits, streams: int) -> None:
    slots = StreamSlots(limits)
    opened(slots, [("s1", "a1")] * streams)
    assert slots.by_session("s1") == slots.by_address("a1") == streams


def test_a_released_slot_makes_room_under_each_of_its_limits() -> None:
    slots = StreamSlots(LIMITS)
    first, _ = opened(slots, [("s1", "a1"), ("s1", "a1")])
    assert slots.acquire("s1", "a1") == "per session"
    slots.release(first)
    assert (slots.by_session("s1"), slots.by_address("a1"), slots.open) == (1, 1, 1)
    assert isinstance(slots.acquire("s1", "a1"), Slot)


def test_a_slot_released_twice_frees_one_place_only() -> None:
    slots = StreamSlots(LIMITS)
    first, _ = opened(slots, [("s1", "a1"), ("s1", "a1")])
    slots.release(first)
    slots.release(first)  # e.g. the stream's own exit and the shutdown both letting go
    assert (slots.by_session("s1"), slots.by_address("a1"), slots.open) == (1, 1, 1)
    assert isinstance(slots.acquire("s1", "a1"), Slot)
    assert slots.acquire("s1", "a1") == "per session"


def test_every_slot_released_leaves_nothing_counted() -> None:
    slots = StreamSlots(LIMITS)
    held = opened(slots, [("s1", "a1"), ("s2", "a1"), ("s2", None)])
    for slot in held:
        slots.release(slot)
    assert (slots.by_session("s1"), slots.by_session("s2"), slots.by_address("a1"), slots.open) == (0, 0, 0, 0)
    opened(slots, [("s3", "a1")] * 2 + [("s4", "a1")] * 1 + [("s5", "a2")])  # the whole room again
