from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import PubAck

from schemas import MEETINGS, Subjects
from schemas.bus import OutboxRelay, enqueue
from schemas.bus.outbox import BATCHES_REFUSED as REFUSED
from schemas.codec import new_event
from schemas.events import MeetingStarted
from tests.conftest import wait_for


class KilledRelay(OutboxRelay):
    """A relay whose task is cancelled once JetStream holds `kill_after` distinct events."""

    def __init__(self, *args: Any, kill_after: int, stored: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kill_after = kill_after
        self.stored = stored  # shared by successive relays: distinct events JetStream stored so far
        self.victim: asyncio.Task[None] | None = None

    async def _publish(self, row: asyncpg.Record) -> PubAck:
        ack = await super()._publish(row)
        if not ack.duplicate:
            self.stored[0] += 1
        if self.stored[0] >= self.kill_after and self.victim is not None:
            self.victim.cancel()
        return ack


async def _setup(database_url: str, js: JetStreamContext, namespace: str) -> tuple[asyncpg.Pool, Subjects]:
    subjects = Subjects(namespace)
    await js.add_stream(subjects.stream_config(MEETINGS))
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4, server_settings={"search_path": "meeting"})
    assert pool is not None
    return pool, subjects


async def _stream_event_ids(js: JetStreamContext, subjects: Subjects) -> list[str]:
    """Every message id in the stream, read back with an ephemeral ordered consumer."""
    info = await js.stream_info(subjects.stream_name(MEETINGS))
    ids: list[str] = []
    sub = await js.subscribe(subjects.all_of(MEETINGS), ordered_consumer=True)
    try:
        while len(ids) < info.state.messages:
            msg = await sub.next_msg(timeout=5)
            ids.append(msg.headers["Nats-Msg-Id"] if msg.headers else "")
    finally:
        await sub.unsubscribe()
    return ids


async def test_relay_killed_mid_batch_publishes_each_event_exactly_once(
    database_url: str, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    _, jsc = js
    pool, subjects = await _setup(database_url, jsc, namespace)
    meeting_id = uuid.uuid4()
    events = [new_event(MeetingStarted, meeting_id=meeting_id) for _ in range(1000)]
    async with pool.acquire() as conn, conn.transaction():
        await enqueue(conn, subjects, *events)

    # Kill the relay in the middle of a batch, three times: some events of the batch are in JetStream
    # but their rows are not marked sent, so the next relay publishes them again.
    stored = [0]
    for kill_after in (30, 150, 420):
        relay = KilledRelay(
            pool, jsc, schema="meeting", batch_size=100, poll_interval=0.05, kill_after=kill_after, stored=stored
        )
        relay.victim = asyncio.create_task(relay.run())
        await asyncio.gather(relay.victim, return_exceptions=True)
        in_stream = (await jsc.stream_info(subjects.stream_name(MEETINGS))).state.messages
        marked = await pool.fetchval("select count(*) from outbox where sent_at is not null")
        assert in_stream >= kill_after and marked < in_stream, "the kill did not land mid-batch"

    relay = OutboxRelay(pool, jsc, schema="meeting", batch_size=100, poll_interval=0.05)
    task = asyncio.create_task(relay.run())
    try:
        await wait_for(
            lambda: pool.fetchval("select count(*) = 0 from outbox where sent_at is null"),
            timeout=30,
            what="outbox drained",
        )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    ids = await _stream_event_ids(jsc, subjects)
    assert len(ids) == 1000
    assert sorted(ids) == sorted(str(e.id) for e in events)
    await pool.close()


async def test_only_one_relay_is_active_per_service(
    database_url: str, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    _, jsc = js
    pool, _ = await _setup(database_url, jsc, namespace)
    first = OutboxRelay(pool, jsc, schema="meeting", poll_interval=0.05)
    second = OutboxRelay(pool, jsc, schema="meeting", poll_interval=0.05)
    t1 = asyncio.create_task(first.run())
    await wait_for(lambda: asyncio.sleep(0, first.leading), what="first relay leads")
    t2 = asyncio.create_task(second.run())
    await asyncio.sleep(0.3)
    assert first.leading and not second.leading
    t1.cancel()
    await asyncio.gather(t1, return_exceptions=True)
    await wait_for(lambda: asyncio.sleep(0, second.leading), what="standby takes over")
    t2.cancel()
    await asyncio.gather(t2, return_exceptions=True)
    await pool.close()


async def test_new_rows_wake_the_relay_through_notify(
    database_url: str, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    _, jsc = js
    pool, subjects = await _setup(database_url, jsc, namespace)
    # A long poll interval: only NOTIFY can make the relay publish within the test's wait.
    relay = OutboxRelay(pool, jsc, schema="meeting", poll_interval=60)
    task = asyncio.create_task(relay.run())
    await wait_for(lambda: asyncio.sleep(0, relay.leading), what="relay leads")
    await asyncio.sleep(0.1)
    event = new_event(MeetingStarted, meeting_id=uuid.uuid4())
    async with pool.acquire() as conn, conn.transaction():
        await enqueue(conn, subjects, event)
    await wait_for(
        lambda: pool.fetchval("select sent_at is not null from outbox where event_id = $1", event.id),
        timeout=5,
        what="event published",
    )
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert await _stream_event_ids(jsc, subjects) == [str(event.id)]
    await pool.close()


async def test_a_batch_stored_before_a_crash_is_published_again_without_copies(
    database_url: str, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    pool, subjects = await _setup(database_url, jsc, namespace)
    events = [new_event(MeetingStarted, meeting_id=uuid.uuid4()) for _ in range(300)]
    async with pool.acquire() as conn, conn.transaction():
        await enqueue(conn, subjects, *events)
    relay = OutboxRelay(pool, jsc, schema="meeting", batch_size=100, nc=nc)
    refused = REFUSED._value.get()
    assert await relay.publish_batch() == 100
    assert REFUSED._value.get() == refused  # stored as one atomic batch
    # the relay crashed after JetStream stored the batch but before its rows were marked sent
    await pool.execute("update outbox set sent_at = null")
    while await relay.publish_batch():
        pass
    assert REFUSED._value.get() == refused + 1  # the batch with copies in it went one event at a time
    ids = await _stream_event_ids(jsc, subjects)
    assert sorted(ids) == sorted(str(e.id) for e in events)
    assert await pool.fetchval("select count(*) from outbox where sent_at is null") == 0
    await pool.close()


async def test_events_go_one_by_one_to_a_stream_without_atomic_batches(
    database_url: str, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS).evolve(allow_atomic=False))
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4, server_settings={"search_path": "meeting"})
    assert pool is not None
    events = [new_event(MeetingStarted, meeting_id=uuid.uuid4()) for _ in range(20)]
    async with pool.acquire() as conn, conn.transaction():
        await enqueue(conn, subjects, *events)
    refused = REFUSED._value.get()
    assert await OutboxRelay(pool, jsc, schema="meeting", nc=nc).publish_batch() == 20
    assert REFUSED._value.get() == refused + 1
    assert sorted(await _stream_event_ids(jsc, subjects)) == sorted(str(e.id) for e in events)
    await pool.close()
