"""The barrier before a poll opens or closes (docs/consistency.md): ask meeting_svc how far the meeting's
events have gone (its latest meeting_seq, committed), then wait until this service's read model has applied
every event up to there. Bounded: past the wait, 503 with Retry-After, never a decision on stale facts."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import nats.errors
from prometheus_client import Histogram

from schemas.bus import positions
from servicekit.http import Problem
from servicekit.runtime import Runtime

WAITED = Histogram(
    "barrier_wait_seconds",
    "Time a poll open or close waited for the read model to catch up with meeting_svc",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RETRY_AFTER = {"Retry-After": "2"}


class PositionAnswer(msgspec.Struct, frozen=True, kw_only=True):
    position: int | None = None
    error: str | None = None


class Behind(Problem):
    def __init__(self, detail: str) -> None:
        super().__init__(503, "Not caught up with the meeting", detail, headers=RETRY_AFTER)


async def meeting_position(runtime: Runtime, meeting_id: uuid.UUID, deadline: float) -> int | None:
    """meeting_svc's latest meeting_seq of the meeting; retried (e.g. meeting_svc restarting) until `deadline`."""
    loop = asyncio.get_running_loop()
    if runtime.nc is None:
        raise Behind("not connected to NATS yet")
    while True:
        try:
            reply = await runtime.nc.request(
                runtime.subjects.meeting_position(),
                str(meeting_id).encode(),
                timeout=max(0.05, min(1.0, deadline - loop.time())),
            )
            answer = msgspec.json.decode(reply.data, type=PositionAnswer)
            if answer.error:
                raise Behind(f"meeting_svc: {answer.error}")
            return answer.position
        except (nats.errors.NoRespondersError, nats.errors.TimeoutError) as exc:
            if loop.time() >= deadline:
                raise Behind("meeting_svc did not say how far the meeting's events have gone") from exc
            await asyncio.sleep(0.05)


async def caught_up(runtime: Runtime, meeting_id: uuid.UUID, wait_s: float) -> int:
    """Wait until the read model has applied every meeting event acknowledged before now; the position."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + wait_s
    target = await meeting_position(runtime, meeting_id, deadline)
    if target is None:
        return 0  # meeting_svc knows no such meeting: nothing to wait for
    interval = 0.002
    while True:
        applied = await positions.position(runtime.db(), meeting_id)
        if applied >= target:
            WAITED.observe(loop.time() - started)
            return target
        if loop.time() >= deadline:
            WAITED.observe(loop.time() - started)
            raise Behind(
                f"the meeting's events up to {target} are acknowledged, {applied} applied here so far; try again"
            )
        await asyncio.sleep(interval)
        interval = min(interval * 2, 0.05)
