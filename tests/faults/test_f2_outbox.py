"""F2: meeting_svc SIGKILLed in the middle of a CSV import and again in the middle of publishing its
outbox. Invariants: the import is all or nothing and a retry with its Idempotency-Key makes it once;
every committed event is in the stream exactly once per event id, and in every read model."""

from __future__ import annotations

import asyncio
import collections
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import aiohttp
import nats
import pytest

from schemas import Subjects
from schemas.subjects import MEETINGS
from tests.conftest import wait_for
from tests.faults.conftest import size
from tests.faults.meeting import Meeting, new_meeting, roster_csv
from tests.faults.stack import FaultStack, stream_events

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

PEOPLE = size(300, 2000)


async def import_until_done(
    stack: FaultStack, session: aiohttp.ClientSession, meeting: Meeting, prefix: str, key: str
) -> tuple[int, list[int]]:
    """POST the import (same Idempotency-Key each time) until it answers 201; the answers seen on the way."""
    seen: list[int] = []
    for _ in range(300):  # bounded
        try:
            async with session.post(
                f"{stack.url('meeting_svc')}/api/v1/meetings/{meeting.id}/participants:import",
                data=roster_csv(PEOPLE, prefix),
                headers={**meeting.organiser, "Content-Type": "text/csv", "Idempotency-Key": key},
                timeout=aiohttp.ClientTimeout(total=120),
            ) as response:
                seen.append(response.status)
                if response.status == 201:
                    return int((await response.json())["created"]), seen
                assert response.status in (502, 503, 504), await response.text()
        except (aiohttp.ClientError, TimeoutError):
            seen.append(0)
        await asyncio.sleep(0.2)
    raise AssertionError(f"the import never succeeded: {seen}")


async def stream_count(stack: FaultStack) -> int:
    nc = await nats.connect(stack.direct_nats_url)
    try:
        info = await nc.jetstream().stream_info(Subjects(stack.namespace).stream_name(MEETINGS))
        return int(info.state.messages)
    finally:
        await nc.close()


async def test_meeting_svc_killed_mid_import_and_mid_publish_loses_and_duplicates_nothing(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack() as stack, aiohttp.ClientSession() as session:
        meeting = await new_meeting(stack, session)
        meeting_svc = stack["meeting_svc"]
        db = await stack.db("meeting")
        try:
            # Mid-import: every round trip to PostgreSQL is slowed so that the import's transaction is
            # open for a while; meeting_svc dies while it is.
            async def all_sent() -> bool:
                return not await db.fetchval("select count(*) from outbox where sent_at is null")

            stack.pg_proxy.latency(0.002)
            first = asyncio.create_task(import_until_done(stack, session, meeting, "a", "import-a"))

            async def import_open() -> bool:
                return bool(
                    await db.fetchval(
                        "select count(*) from pg_stat_activity where usename = 'hoinghi_meeting'"
                        " and xact_start is not null and query ilike '%participants%'"
                    )
                )

            await wait_for(import_open, timeout=60, what="the import's transaction")
            await meeting_svc.kill()
            stack.pg_proxy.passthrough()
            mid = uuid.UUID(meeting.id)
            half = await db.fetchval("select count(*) from participants where meeting_id = $1", mid)
            assert half == 0  # all or nothing
            meeting_svc.start()
            created, seen = await first
            assert created == PEOPLE and 0 in seen, seen

            # Mid-publish: the way to and from NATS is slowed, so acknowledgements lag behind the stream;
            # meeting_svc dies with events in the stream whose outbox rows are not marked sent.
            await wait_for(all_sent, timeout=120, interval=0.2, what="the first import published")
            before = await stream_count(stack)
            stack.nats_proxies[0].latency(0.3)
            second = asyncio.create_task(import_until_done(stack, session, meeting, "b", "import-b"))

            async def half_published() -> bool:
                unsent = await db.fetchval("select count(*) from outbox where sent_at is null")
                return bool(unsent > 0 and await stream_count(stack) > before)

            created, _ = await second
            assert created == PEOPLE
            await wait_for(half_published, timeout=60, what="an outbox half published")
            await meeting_svc.kill()
            unsent = await db.fetchval("select count(*) from outbox where sent_at is null")
            print(f"F2: killed with {await stream_count(stack) - before} events in the stream, {unsent} rows unsent")
            stack.nats_proxies[0].passthrough()
            meeting_svc.start()
            await meeting_svc.ready()

            await wait_for(all_sent, timeout=120, interval=0.2, what="the outbox published")
            committed = {r["event_id"] for r in await db.fetch("select event_id from outbox")}
            people = {r["id"] for r in await db.fetch("select id from participants where meeting_id = $1", mid)}
        finally:
            await db.close()
        assert len(people) == 2 * PEOPLE

        in_stream = collections.Counter(e.id for e in await stream_events(stack, MEETINGS))
        assert set(in_stream) == committed
        assert [i for i, n in in_stream.items() if n > 1] == []

        resolution, notifier = await stack.db("resolution"), await stack.db("notifier")
        try:

            async def read_models_caught_up() -> bool:
                known = await resolution.fetchval("select count(*) from participants where meeting_id = $1", mid)
                heard = await notifier.fetchval("select count(*) from events where event_id = any($1)", committed)
                return bool(known == len(people) and heard == len(committed))

            await wait_for(read_models_caught_up, timeout=120, interval=0.2, what="both read models")
            ids = {r["id"] for r in await resolution.fetch("select id from participants where meeting_id = $1", mid)}
            assert ids == people
            ids = {
                r["participant_id"]
                for r in await notifier.fetch("select participant_id from participants where meeting_id = $1", mid)
            }
            assert ids == people
        finally:
            await resolution.close()
            await notifier.close()
