"""F6: SIGTERM of each service under load. Invariants: it drains first (`/readyz` 503 while requests
are still answered, so a load balancer stops routing to it before it stops listening); every request
the service accepted gets its answer (none cut), no answer is a 5xx, the process exits cleanly; what
it wrote is there after a restart.

Each request opens its own connection, so "not accepted" (connection refused once the listener is
closed) is told apart from "accepted and cut" (the connection dropped with no answer)."""

from __future__ import annotations

import asyncio
import collections
import signal
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from tests.conftest import wait_for
from tests.faults.conftest import size
from tests.faults.meeting import Meeting, answer, new_meeting
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

CLIENTS = size(16, 48)


@dataclass
class Outcomes:
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    refused: int = 0  # not accepted: the listener was closed
    cut: list[str] = field(default_factory=list)  # accepted, then dropped without an answer
    spanning: int = 0  # sent before the signal, answered after it
    created: list[str] = field(default_factory=list)
    # no answer after the signal: never handled (reset in the listen backlog, or closed before its
    # request was read) unless a replay of its Idempotency-Key shows it was committed
    unanswered: list[tuple[str, str, Any, str]] = field(default_factory=list)


def requests_for(service: str, meeting: Meeting, hook: str) -> list[tuple[str, str, Any]]:
    mid = meeting.id
    if service == "meeting_svc":
        person = {"name": "Nguyễn Văn An", "role": "voting_member"}
        return [("GET", f"/api/v1/meetings/{mid}", None), ("POST", f"/api/v1/meetings/{mid}/participants", person)]
    if service == "resolution_svc":
        poll = {"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}}
        return [("GET", f"/api/v1/meetings/{mid}/polls", None), ("POST", f"/api/v1/meetings/{mid}/polls", poll)]
    subscription = {"url": hook, "event_types": ["poll.closed"]}
    return [("GET", "/api/v1/subscriptions", None), ("POST", "/api/v1/subscriptions", subscription)]


async def load(
    base: str, meeting: Meeting, plan: list[tuple[str, str, Any]], signalled: asyncio.Event, out: Outcomes
) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        for n in range(2000):  # bounded; ends at the first refused connection
            method, path, body = plan[n % len(plan)]
            key = uuid.uuid4().hex
            before = signalled.is_set()
            try:
                async with session.request(
                    method,
                    base + path,
                    json=body,
                    headers={**meeting.organiser, "Idempotency-Key": key} if body else meeting.organiser,
                    timeout=aiohttp.ClientTimeout(total=60),
                ) as response:
                    out.statuses[response.status] += 1
                    if not before and signalled.is_set():
                        out.spanning += 1
                    if response.status == 201:
                        out.created.append((await response.json())["id"])
            except aiohttp.ClientConnectorError:
                out.refused += 1
                return
            except (aiohttp.ClientError, TimeoutError) as exc:
                if signalled.is_set():
                    out.unanswered.append((method, path, body, key))
                    out.refused += 1
                else:
                    out.cut.append(f"{method} {path}: {exc!r}")
                return


@pytest.mark.parametrize("service", ["meeting_svc", "resolution_svc", "notifier"])
async def test_sigterm_under_load_finishes_what_it_accepted(
    service: str, fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]]
) -> None:
    # a SIGTERM lands while requests wait on the database, not only between them; the drain lasts
    # until a second signal, which the test sends once it has seen the drain at work
    async with (
        fault_stack(extra_env={"SHUTDOWN_TIMEOUT_S": "20", "SHUTDOWN_DRAIN_S": "600"}) as stack,
        aiohttp.ClientSession() as session,
    ):
        meeting = await new_meeting(stack, session)
        db = await stack.db("resolution")
        try:

            async def known() -> bool:
                return bool(await db.fetchval("select count(*) from meetings where id = $1", uuid.UUID(meeting.id)))

            await wait_for(known, timeout=60, what="the meeting in resolution_svc")
        finally:
            await db.close()
        target = stack[service]
        stack.pg_proxy.latency(0.01)
        signalled, out = asyncio.Event(), Outcomes()
        plan = requests_for(service, meeting, "http://127.0.0.1:9/hook")
        clients = [asyncio.create_task(load(target.url, meeting, plan, signalled, out)) for _ in range(CLIENTS)]

        async def busy() -> bool:
            return sum(out.statuses.values()) >= CLIENTS * 2

        await wait_for(busy, timeout=60, what="load")
        target.signal(signal.SIGTERM)
        signalled.set()

        async def draining() -> bool:
            async with session.get(f"{target.url}/readyz") as response:
                return response.status == 503 and (await response.json())["checks"].get("draining") == "yes"

        await wait_for(draining, timeout=60, what="readyz 503 while draining")
        answered_when_unready = sum(out.statuses.values())

        async def served_while_draining() -> bool:
            return sum(out.statuses.values()) >= answered_when_unready + CLIENTS * 2

        await wait_for(served_while_draining, timeout=60, what="requests answered while draining")
        assert out.refused == 0 and out.cut == []  # still listening, nothing cut
        target.signal(signal.SIGTERM)  # ends the drain: the listener closes, what is in flight finishes
        code = await target.exited(60)
        await asyncio.gather(*clients)
        stack.pg_proxy.passthrough()

        print(
            f"F6 {service}: {dict(out.statuses)}, {out.spanning} answered across the signal, "
            f"{answered_when_unready} answered by the time readyz said 503, "
            f"{out.refused} refused ({len(out.unanswered)} of them after connecting)"
        )
        assert code == 0, target.log.read_text(errors="replace")[-2000:]
        assert out.cut == []
        assert [s for s in out.statuses if s >= 500] == []
        assert set(out.statuses) <= {200, 201}, out.statuses
        assert out.refused == CLIENTS  # every client ended at the closed listener, none earlier

        # what was answered 201 is there after a restart
        target.start()
        await target.ready()
        get = {
            "meeting_svc": f"/api/v1/meetings/{meeting.id}/participants/{{}}",
            "resolution_svc": "/api/v1/polls/{}",
            "notifier": "/api/v1/subscriptions/{}",
        }[service]
        for created in out.created:
            await answer(await session.get(target.url + get.format(created), headers=meeting.organiser))
        # a write left without an answer must not have been committed: its answer would have been owed
        for method, path, body, key in out.unanswered:
            if method == "POST":
                headers = {**meeting.organiser, "Idempotency-Key": key}
                async with session.post(target.url + path, json=body, headers=headers) as response:
                    assert response.status == 201
                    assert "Idempotent-Replayed" not in response.headers, f"{path} was committed, its answer lost"
