"""F1: a vote storm while resolution_svc is SIGKILLed twice and NATS once (restarted on the same store).

Invariants: every receipt given is counted once with the choice cast; the published result equals
the ballots; every voter gets their receipt again (same ballot, same nonce) after close."""

from __future__ import annotations

import asyncio
import collections
import random
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager

import aiohttp
import pytest

from schemas.events import PollClosed
from schemas.subjects import RESOLUTIONS
from tests.conftest import wait_for
from tests.faults.conftest import size
from tests.faults.meeting import (
    Ballot,
    answer,
    cast,
    import_voters,
    new_meeting,
    open_poll,
    resolution_knows_roster,
    voter_token,
)
from tests.faults.meeting import start as start_meeting
from tests.faults.stack import FaultStack, stream_events

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

VOTERS = size(300, 2000)
CONCURRENCY = 32
CHOICES = ("yes", "no", "abstain")


async def test_a_vote_storm_survives_kills_of_resolution_svc_and_nats(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack() as stack, aiohttp.ClientSession() as session:
        meeting = await new_meeting(stack, session)
        await import_voters(stack, session, meeting, VOTERS)
        await start_meeting(stack, session, meeting)
        await resolution_knows_roster(stack, meeting)
        poll_id = await open_poll(stack, session, meeting, secret=True)
        rng = random.Random(18)
        ballots = [Ballot(v, voter_token(stack, meeting, v), rng.choice(CHOICES)) for v in meeting.voters]
        url = f"{stack.url('resolution_svc')}/api/v1/polls/{poll_id}/ballots"
        queue: asyncio.Queue[Ballot] = asyncio.Queue()
        for b in ballots:
            queue.put_nowait(b)

        async def voter() -> None:
            while not queue.empty():
                await cast(session, url, queue.get_nowait())

        def answered(share: float) -> Callable[[], Awaitable[bool]]:
            async def probe() -> bool:
                return sum(1 for b in ballots if b.receipt is not None) >= VOTERS * share

            return probe

        async def faults() -> None:
            resolution = stack["resolution_svc"]
            for share in (0.25, 0.6):
                await wait_for(answered(share), timeout=300, what=f"{share:.0%} of the votes")
                await resolution.kill()
                resolution.start()
                await resolution.ready()
            await wait_for(answered(0.8), timeout=300, what="80% of the votes")
            await asyncio.to_thread(stack.crash_nats)

        await asyncio.gather(faults(), *(voter() for _ in range(CONCURRENCY)))

        assert all(b.receipt is not None for b in ballots), collections.Counter(
            tuple(b.statuses) for b in ballots if b.receipt is None
        )
        kills_seen = sum(1 for b in ballots if any(s != 201 for s in b.statuses))
        print(f"F1: {VOTERS} voters, {kills_seen} of them saw a failed attempt and retried")

        await answer(
            await session.post(f"{stack.url('resolution_svc')}/api/v1/polls/{poll_id}/close", headers=meeting.organiser)
        )
        result = await answer(
            await session.get(f"{stack.url('resolution_svc')}/api/v1/polls/{poll_id}/result", headers=meeting.organiser)
        )
        cast_choices = collections.Counter(b.choice for b in ballots)
        assert {t["option"]: t["count"] for t in result["result"]["tallies"]} == {c: cast_choices[c] for c in CHOICES}
        receipts = await answer(
            await session.get(
                f"{stack.url('resolution_svc')}/api/v1/polls/{poll_id}/receipts", headers=meeting.organiser
            )
        )
        listed = [(r["receipt"], r["choice"]) for r in receipts["items"]]
        assert len(listed) == len(set(listed)) == VOTERS  # each receipt counted once
        assert set(listed) == {(b.receipt, b.choice) for b in ballots}

        # the close commits poll.closed to the outbox; the relay publishes it once it has NATS back (after
        # the crash it may still be in its reconnect backoff when the close is answered)
        async def closed_events() -> list[PollClosed]:
            events = await stream_events(stack, RESOLUTIONS)
            return [e for e in events if isinstance(e, PollClosed) and str(e.poll_id) == poll_id]

        published = await wait_for(closed_events, timeout=60, interval=0.2, what="poll.closed in the stream")
        assert len(published) == 1
        assert {t.option: t.count for t in published[0].result.tallies} == {c: cast_choices[c] for c in CHOICES}

        # every voter can get their receipt again after close: the same ballot with its nonce
        given = {b.voter: b.receipt for b in ballots}
        for b in ballots:
            b.receipt = None
            queue.put_nowait(b)
        await asyncio.gather(*(voter() for _ in range(CONCURRENCY)))
        assert {b.voter: b.receipt for b in ballots} == given
