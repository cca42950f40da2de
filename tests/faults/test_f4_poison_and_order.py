"""F4: poison messages and out-of-order redelivery into the real consumers of resolution_svc and the
notifier, with both killed while they work through it.

Invariants: a poison message is dead-lettered once, on its first delivery, and the consumer goes on;
meetings whose events arrive shuffled, some twice, across SIGKILLs end in the state delivery in order
gives."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import nats
import pytest

from schemas.bus import positions
from schemas.codec import encode
from schemas.events import Event
from schemas.subjects import MEETINGS, Subjects
from tests.conftest import wait_for
from tests.consistency.history import history
from tests.faults.conftest import size
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

MEETING_COUNT = size(20, 200)
CONSUMERS = ("resolution_svc", "notifier")
SCHEMA = {"resolution_svc": "resolution", "notifier": "notifier"}


def script(meeting_id: uuid.UUID, people: list[uuid.UUID]) -> list[Event]:
    """A meeting whose end state is plain: person 0 made chair (weight 5) then removed; person 1 made an
    observer then a voting member of weight 3; person 2 checked in, out and in again."""
    ops = [
        ("update", 0, "chair", 5),
        ("update", 1, "observer", 2),
        ("check_in", 2),
        ("remove", 0),
        ("check_out", 2),
        ("update", 1, "voting_member", 3),
        ("check_in", 2),
    ]
    return history(meeting_id, people, ops)


EXPECTED_RESOLUTION = [("chair", 5, True, False), ("voting_member", 3, False, False), ("voting_member", 1, False, True)]
EXPECTED_NOTIFIER = [("chair", 5, True), ("voting_member", 3, False), ("voting_member", 1, False)]


async def test_poison_is_dead_lettered_at_once_and_shuffled_redelivery_ends_in_order(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack() as stack:
        subjects = Subjects(stack.namespace)
        nc = await nats.connect(stack.direct_nats_url)
        js = nc.jetstream()
        stream = subjects.stream_name(MEETINGS)
        try:
            # Poison first, alone: bytes that are no event, and JSON of no known shape.
            poison_meeting = uuid.uuid4()
            for n, payload in enumerate([b"\xff\xfe not an event", b'{"type": "participant.invited", "id": 7}']):
                await js.publish(
                    f"{subjects.meeting(MEETINGS, poison_meeting)[:-1]}participant.invited",
                    payload,
                    headers={"Nats-Msg-Id": f"poison-{n}"},
                )
            dbs = {name: await stack.db(SCHEMA[name]) for name in CONSUMERS}

            async def dead_lettered() -> bool:
                return all([await db.fetchval("select count(*) from dead_letters") >= 2 for db in dbs.values()])

            await wait_for(dead_lettered, timeout=60, what="the poison in both dead-letter tables")
            for db in dbs.values():
                assert await db.fetchval("select count(*) from dead_letters") == 2
            for info in await js.consumers_info(stream):
                assert info.num_redelivered == 0, info  # dead-lettered on the first delivery, not after retries
                assert info.num_ack_pending == 0, info

            # Shuffled, some twice, with both consumers killed halfway and restarted.
            rng = random.Random(4)
            meetings = {uuid.uuid4(): [uuid.uuid4() for _ in range(3)] for _ in range(MEETING_COUNT)}
            arrivals: list[Event] = []
            for mid, people in meetings.items():
                arrivals += script(mid, people)
            arrivals += rng.sample(arrivals, len(arrivals) // 5)  # redelivered: the same event again
            rng.shuffle(arrivals)
            last = {mid: len(script(mid, people)) for mid, people in meetings.items()}
            half = len(arrivals) // 2
            for n, event in enumerate(arrivals):
                if n == half:
                    for name in CONSUMERS:
                        await stack[name].kill()
                await js.publish(subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": f"{event.id}-{n}"})
            for name in CONSUMERS:
                stack[name].start()
            await asyncio.gather(*(stack[name].ready() for name in CONSUMERS))

            async def caught_up() -> bool:
                for db in dbs.values():
                    for mid, seq in last.items():
                        if await positions.position(db, mid) < seq:
                            return False
                return True

            await wait_for(caught_up, timeout=180, interval=0.5, what="both read models through every meeting")
            for mid, people in meetings.items():
                rows = await dbs["resolution_svc"].fetch(
                    "select id, role, weight, removed, present from participants where meeting_id = $1", mid
                )
                by_id = {r["id"]: (r["role"], r["weight"], r["removed"], r["present"]) for r in rows}
                assert [by_id[p] for p in people] == EXPECTED_RESOLUTION
                rows = await dbs["notifier"].fetch(
                    "select participant_id, role, weight, removed from participants where meeting_id = $1", mid
                )
                by_id = {r["participant_id"]: (r["role"], r["weight"], r["removed"]) for r in rows}
                assert [by_id[p] for p in people] == EXPECTED_NOTIFIER
            for db in dbs.values():
                assert await db.fetchval("select count(*) from dead_letters") == 2  # nothing good dead-lettered
                await db.close()
        finally:
            await nc.close()
