"""The `scale` profile of compose.yaml without Docker: a three-node NATS cluster, two replicas of each
service and HAProxy in front, configured from the profile's own devstack/haproxy.cfg. A reference
flow (a meeting, its roster, a secret poll voted and closed, the notifier's API) goes through HAProxy
only; then one meeting_svc replica is SIGKILLed under steady requests, started again, and the other is
SIGTERMed (it drains: /readyz 503 first). Invariants: every request started after the kill is
answered 2xx, as is every request during the SIGTERM; only a request in flight at the kill may fail
(a client retries it with its Idempotency-Key), and what it created exists once. The times HAProxy
takes to see a replica go and come back are measured from its log and printed (docs/operations.md)."""

from __future__ import annotations

import asyncio
import collections
import signal
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import wait_for
from tests.faults.balancer import Balancer, haproxy_binary
from tests.faults.meeting import TRANSIENT, Ballot, answer, call, cast, meeting_body, roster_csv, voter_token
from tests.faults.meeting import Meeting as MeetingRef
from tests.faults.stack import FaultStack

pytestmark = [
    pytest.mark.faults,
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        haproxy_binary() is None, reason="haproxy is not installed (apt-get install haproxy): scale topology not tested"
    ),
]

VOTERS = 20
CLIENTS = 4


@dataclass
class Load:
    """Steady requests through the balancer, each on a fresh connection, each remembered with the
    phase it started in and what the client saw on its first try."""

    phase: str = "before"
    seen: dict[str, collections.Counter[int]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    created: set[str] = field(default_factory=set)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def answered(self, *phases: str) -> int:
        return sum(sum(self.seen[p].values()) for p in phases)


async def steady(lb: str, meeting: MeetingRef, load: Load) -> None:
    url = f"{lb}/api/v1/meetings/{meeting.id}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        for n in range(100_000):  # bounded; ends when the test says so
            if load.stop.is_set():
                return
            phase, key = load.phase, uuid.uuid4().hex
            write = n % 2 == 1
            first = True
            for _ in range(50):  # a failed write is tried again with its key, as a client would (bounded)
                status = 0
                try:
                    if write:
                        headers = {**meeting.organiser, "Idempotency-Key": key}
                        body = {"name": f"Đại biểu {key[:6]}", "role": "observer"}
                        async with session.post(f"{url}/participants", json=body, headers=headers) as response:
                            status = response.status
                            if status == 201:
                                load.created.add((await response.json())["id"])
                    else:
                        async with session.get(url, headers=meeting.organiser) as response:
                            status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                if first:
                    # one that started before the kill and ended after it was in flight at the kill
                    in_flight = phase in ("before", "kill") and load.phase != phase
                    load.seen["kill" if in_flight else phase][status] += 1
                    first = False
                if status in (200, 201) or (status and status not in TRANSIENT):
                    break
                await asyncio.sleep(0.1)


def health_change(log: Path, server: str, state: str) -> bool:
    return f"Server {server} is {state}" in log.read_text(errors="replace")


async def test_the_scale_topology_behind_haproxy_keeps_answering_when_a_meeting_svc_replica_goes(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]], tmp_path: Path
) -> None:
    # a drain longer than HAProxy's check interval times its fall count (2 s x 2 in devstack/haproxy.cfg)
    async with (
        fault_stack(replicas=2, cluster=True, extra_env={"SHUTDOWN_DRAIN_S": "6"}) as stack,
        aiohttp.ClientSession() as session,
    ):
        balancer = Balancer(tmp_path / "lb", {name: [s.port for s in stack.services[name]] for name in stack.services})
        balancer.start()
        try:
            lb = balancer.url
            await wait_for(lambda: asyncio.to_thread(balancer.listening), timeout=30, what="haproxy listening")

            async def routed() -> bool:
                for path in ("/readyz", "/resolution/readyz", "/notifier/readyz"):
                    try:
                        async with session.get(lb + path) as response:
                            if response.status != 200:
                                return False
                    except aiohttp.ClientError:
                        return False
                return True

            await wait_for(routed, timeout=60, what="every backend routed")

            # the reference flow, through the balancer only
            org, organiser = await stack.organiser()
            created = await answer(
                await session.post(f"{lb}/api/v1/meetings", json=meeting_body(), headers=organiser), 201
            )
            meeting = MeetingRef(created["id"], org, organiser)
            imported = await answer(
                await session.post(
                    f"{lb}/api/v1/meetings/{meeting.id}/participants:import",
                    data=roster_csv(VOTERS),
                    headers={**organiser, "Content-Type": "text/csv"},
                ),
                201,
            )
            meeting.voters = [uuid.UUID(p["id"]) for p in imported["items"]]
            for action in ("schedule", "start"):
                await answer(await session.post(f"{lb}/api/v1/meetings/{meeting.id}/{action}", headers=organiser))
            question = {"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}, "secret": True}
            api = f"{lb}/resolution/api/v1"
            poll, _ = await call(session, "POST", f"{api}/meetings/{meeting.id}/polls", organiser, 201, json=question)
            await call(session, "POST", f"{api}/polls/{poll['id']}/open", organiser)
            ballots = [Ballot(v, voter_token(stack, meeting, v), "yes") for v in meeting.voters]
            await asyncio.gather(*(cast(session, f"{api}/polls/{poll['id']}/ballots", b) for b in ballots))
            assert all(b.receipt for b in ballots), [b.statuses for b in ballots if not b.receipt]
            await call(session, "POST", f"{api}/polls/{poll['id']}/close", organiser)
            result, _ = await call(session, "GET", f"{api}/polls/{poll['id']}/result", organiser)
            assert {t["option"]: t["count"] for t in result["result"]["tallies"]}.get("yes") == VOTERS
            await answer(await session.get(f"{lb}/notifier/api/v1/subscriptions", headers=organiser))

            # one replica of meeting_svc SIGKILLed under steady requests, then started again
            load = Load()
            clients = [asyncio.create_task(steady(lb, meeting, load)) for _ in range(CLIENTS)]
            await wait_for(lambda: _at_least(load.answered("before"), CLIENTS * 4), timeout=60, what="load")
            first, second = stack.services["meeting_svc"]
            load.phase = "kill"
            killed_at = time.perf_counter()
            await first.kill()
            load.phase = "after kill"
            await wait_for(
                lambda: _true(health_change(balancer.log, "meeting/meeting1", "DOWN")), timeout=60, interval=0.05
            )
            seen_down_s = time.perf_counter() - killed_at
            await wait_for(lambda: _at_least(load.answered("after kill"), CLIENTS * 8), timeout=60, what="load")
            restarted_at = time.perf_counter()
            first.start()
            await first.ready()
            await wait_for(
                lambda: _true(health_change(balancer.log, "meeting/meeting1", "UP")), timeout=60, interval=0.05
            )
            back_s = time.perf_counter() - restarted_at

            # the other one SIGTERMed: it drains, HAProxy takes it out, it exits; nobody sees an error
            load.phase = "sigterm"
            second.signal(signal.SIGTERM)
            await wait_for(
                lambda: _true(health_change(balancer.log, "meeting/meeting2", "DOWN")), timeout=60, interval=0.05
            )
            assert await second.exited(60) == 0
            await wait_for(lambda: _at_least(load.answered("sigterm"), CLIENTS * 8), timeout=60, what="load")
            load.stop.set()
            await asyncio.gather(*clients)
        finally:
            balancer.stop()

        seen = {phase: dict(counter) for phase, counter in load.seen.items()}
        print(
            f"scale: first tries by phase {seen}; HAProxy saw the SIGKILLed replica DOWN after {seen_down_s:.1f} s,"
            f" the restarted one UP {back_s:.1f} s after its start"
        )
        ok = {200, 201}
        assert set(load.seen["before"]) <= ok
        assert set(load.seen["after kill"]) <= ok  # a dead replica is retried past (retries, redispatch)
        assert set(load.seen["sigterm"]) <= ok  # drained: never routed to after it stopped answering
        # only what was in flight at the kill may fail (at most one request per client), as a 502 or a cut
        assert sum(n for status, n in load.seen["kill"].items() if status not in ok) <= CLIENTS
        assert set(load.seen["kill"]) <= ok | set(TRANSIENT) | {0}
        listed = await answer(
            await session.get(
                f"{stack.url('meeting_svc', 0)}/api/v1/meetings/{meeting.id}/participants?role=observer&limit=2000",
                headers=meeting.organiser,
            )
        )
        observers = {p["id"] for p in listed["items"]}
        assert observers == load.created  # each write once, its retries included


async def _at_least(value: int, wanted: int) -> bool:
    return value >= wanted


async def _true(value: bool) -> bool:
    return value
