"""A three-node JetStream cluster (the pinned nats-server) with streams of three replicas: a vote storm
while the node leading the RESOLUTIONS stream is SIGKILLed and restarted loses no acknowledged ballot
and no event. The publish latency seen during the failover is measured and printed (for
docs/operations.md), never asserted."""

from __future__ import annotations

import asyncio
import collections
import random
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import aiohttp
import asyncpg
import nats
import pytest
from nats.js.api import StreamConfig

from schemas.subjects import MEETINGS, RESOLUTIONS, Subjects
from tests.conftest import wait_for
from tests.faults.conftest import size
from tests.faults.meeting import (
    Ballot,
    call,
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


def outbox_empty(db: asyncpg.Connection[Any]) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return not await db.fetchval("select count(*) from outbox where sent_at is null")

    return probe


async def test_streams_have_three_replicas_and_a_service_starts_with_the_first_node_unreachable(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack(cluster=True) as stack:
        nc = await nats.connect(stack.direct_nats_url.split(","))
        try:
            js = nc.jetstream()
            for stream in (MEETINGS, RESOLUTIONS):
                info = await js.stream_info(Subjects(stack.namespace).stream_name(stream))
                assert info.config.num_replicas == 3
                assert info.cluster is not None and len(info.cluster.replicas or []) == 2
        finally:
            await nc.close()
        notifier = stack["notifier"]
        assert await notifier.terminate() == 0
        stack.nats_proxies[0].reset()  # the first node in NATS_URL refuses connections
        notifier.start()
        await notifier.ready()


async def test_a_vote_storm_loses_nothing_when_the_stream_leader_is_killed(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack(cluster=True) as stack, aiohttp.ClientSession() as session:
        meeting = await new_meeting(stack, session)
        await import_voters(stack, session, meeting, VOTERS)
        await start_meeting(stack, session, meeting)
        await resolution_knows_roster(stack, meeting)
        poll_id = await open_poll(stack, session, meeting, secret=True)
        rng = random.Random(3)
        ballots = [Ballot(v, voter_token(stack, meeting, v), rng.choice(("yes", "no"))) for v in meeting.voters]
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

        probe_nc = await nats.connect(
            stack.direct_nats_url.split(","), max_reconnect_attempts=-1, reconnect_time_wait=0.1
        )
        js = probe_nc.jetstream()
        probe_stream = f"{stack.namespace.upper()}_PROBE"
        await js.add_stream(StreamConfig(name=probe_stream, subjects=[f"{stack.namespace}.probe"], num_replicas=3))
        latencies: list[tuple[float, float]] = []  # (when, seconds to the acknowledgement)
        stop = asyncio.Event()

        async def publish_probe() -> None:
            for n in range(100_000):  # bounded; ends when the storm is over
                if stop.is_set():
                    return
                started = time.perf_counter()
                try:
                    await js.publish(f"{stack.namespace}.probe", b"x", timeout=10, headers={"Nats-Msg-Id": str(n)})
                except Exception:  # a timeout or a lost leader: the next one tries again, the wait counts
                    pass
                latencies.append((started, time.perf_counter() - started))
                await asyncio.sleep(0.02)

        async def failover() -> tuple[float, float]:
            await wait_for(answered(0.3), timeout=300, what="30% of the votes")
            info = await js.stream_info(Subjects(stack.namespace).stream_name(RESOLUTIONS))
            assert info.cluster is not None
            # the probe's stream is led by the same node, so the probe sees that leader's failover
            for _ in range(20):  # bounded; a step-down hands the lead to another node at random
                probe_info = await js.stream_info(probe_stream)
                if probe_info.cluster is not None and probe_info.cluster.leader == info.cluster.leader:
                    break
                await probe_nc.request(f"$JS.API.STREAM.LEADER.STEPDOWN.{probe_stream}", b"", timeout=5)
                await asyncio.sleep(0.5)
            leader = next(i for i, node in enumerate(stack.cluster_nodes.nodes) if node.name == info.cluster.leader)
            killed_at = time.perf_counter()
            await asyncio.to_thread(stack.cluster_nodes.nodes[leader].kill)
            await wait_for(answered(0.7), timeout=300, what="70% of the votes")

            async def probed_through_it() -> bool:
                return sum(1 for t, _ in latencies if t >= killed_at) >= 50

            await wait_for(probed_through_it, timeout=120, what="probe publishes while the node is down")
            await asyncio.to_thread(stack.cluster_nodes.restart, leader)
            return killed_at, time.perf_counter()

        prober = asyncio.create_task(publish_probe())
        try:
            results = await asyncio.gather(failover(), *(voter() for _ in range(CONCURRENCY)))
        finally:
            stop.set()
            await prober
            await probe_nc.close()
        killed_at, restarted_at = results[0]

        assert all(b.receipt is not None for b in ballots), collections.Counter(
            tuple(b.statuses) for b in ballots if b.receipt is None
        )
        api = f"{stack.url('resolution_svc')}/api/v1"
        _, refused = await call(session, "POST", f"{api}/polls/{poll_id}/close", meeting.organiser)
        result, _ = await call(session, "GET", f"{api}/polls/{poll_id}/result", meeting.organiser)
        chosen = collections.Counter(b.choice for b in ballots)
        assert {t["option"]: t["count"] for t in result["result"]["tallies"] if t["count"]} == dict(chosen)
        receipts, _ = await call(session, "GET", f"{api}/polls/{poll_id}/receipts", meeting.organiser)
        assert sorted((r["receipt"], r["choice"]) for r in receipts["items"]) == sorted(
            (b.receipt, b.choice) for b in ballots
        )

        # every event committed by either service is in its stream, once
        for schema, stream in (("meeting", MEETINGS), ("resolution", RESOLUTIONS)):
            db = await stack.db(schema)
            try:
                await wait_for(outbox_empty(db), timeout=120, interval=0.2, what=f"{schema}'s outbox published")
                committed = {r["event_id"] for r in await db.fetch("select event_id from outbox")}
            finally:
                await db.close()
            stored = collections.Counter(e.id for e in await stream_events(stack, stream))
            assert set(stored) == committed
            assert [i for i, n in stored.items() if n > 1] == []

        during = [s for t, s in latencies if killed_at <= t <= restarted_at]
        calm = sorted(s for t, s in latencies if t < killed_at)
        print(
            f"cluster failover: {VOTERS} voters; probe publishes before the kill p50 "
            f"{calm[len(calm) // 2] * 1000:.1f} ms; while the leader was down: {len(during)} publishes, "
            f"slowest {max(during, default=0) * 1000:.0f} ms; node down {restarted_at - killed_at:.1f} s; "
            f"the organiser's close was answered 503 {refused} times after the restart"
        )
