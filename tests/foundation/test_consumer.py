from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import nats
import nats.js.errors
import pytest
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from devstack.infra import NatsServer
from schemas import MEETINGS, Subjects, encode
from schemas.bus import EventConsumer, NotYet, PoisonEvent
from schemas.codec import new_event
from schemas.events import Event, MeetingCancelled, MeetingStarted
from tests.conftest import wait_for


class Recorder:
    """A handler that records what it handled in the database, and can fail on demand."""

    def __init__(self, fail_times: int = 0, poison: set[uuid.UUID] | None = None) -> None:
        self.calls = 0
        self.fail_times = fail_times
        self.poison = poison or set()

    async def __call__(self, conn: asyncpg.Connection, event: Event) -> None:
        self.calls += 1
        if event.id in self.poison:
            raise PoisonEvent("meeting does not exist")
        if self.fail_times > 0:
            self.fail_times -= 1
            raise ConnectionError("transient")
        await conn.execute("insert into handled (event_id) values ($1)", event.id)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4, server_settings={"search_path": "meeting"})
    assert pool is not None
    await pool.execute("create table handled (event_id uuid not null)")
    yield pool
    await pool.close()


def _consumer(
    pool: asyncpg.Pool, nc: NATS, js: JetStreamContext, subjects: Subjects, handler: Recorder, **kwargs: object
) -> EventConsumer:
    return EventConsumer(
        pool=pool,
        nc=nc,
        js=js,
        durable=f"{subjects.namespace}-test",
        stream=subjects.stream_name(MEETINGS),
        filter_subject=subjects.all_of(MEETINGS),
        handler=handler,
        fetch_timeout=0.2,
        **kwargs,
    )  # type: ignore[arg-type]


async def _handled(pool: asyncpg.Pool) -> list[uuid.UUID]:
    return [r["event_id"] for r in await pool.fetch("select event_id from handled")]


async def _run(consumer: EventConsumer) -> asyncio.Task[None]:
    return asyncio.create_task(consumer.run())


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_one_event_delivered_three_times_is_handled_once(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    event = new_event(MeetingStarted, meeting_id=uuid.uuid4())
    # Three copies with distinct message ids get past JetStream's dedupe: the consumer sees all three.
    for copy in range(3):
        await jsc.publish(subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": f"{event.id}-{copy}"})
    handler = Recorder()
    task = await _run(_consumer(pool, nc, jsc, subjects, handler))
    await wait_for(lambda: _acked(jsc, subjects, 3), what="three deliveries acked")
    await _stop(task)
    assert await _handled(pool) == [event.id]
    assert handler.calls == 1


async def _acked(jsc: JetStreamContext, subjects: Subjects, n: int) -> bool:
    try:
        info = await jsc.consumer_info(subjects.stream_name(MEETINGS), f"{subjects.namespace}-test")
    except nats.js.errors.NotFoundError:
        return False  # not subscribed yet
    return info.ack_floor.stream_seq >= n and info.num_ack_pending == 0


async def _one_event_published(jsc: JetStreamContext, namespace: str) -> tuple[Subjects, Event]:
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    event = new_event(MeetingStarted, meeting_id=uuid.uuid4())
    await jsc.publish(subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": str(event.id)})
    return subjects, event


async def test_transient_failure_is_retried_and_handled_once(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects, event = await _one_event_published(jsc, namespace)
    handler = Recorder(fail_times=2)
    task = await _run(_consumer(pool, nc, jsc, subjects, handler))
    await wait_for(lambda: _handled(pool), timeout=15, what="handled after retries")
    await _stop(task)
    assert await _handled(pool) == [event.id]
    assert handler.calls == 3
    assert await pool.fetchval("select count(*) from dead_letters") == 0


class Waiter(Recorder):
    """A handler whose event depends on one that arrives only after `waits` attempts."""

    def __init__(self, waits: int, fail_times: int = 0) -> None:
        super().__init__(fail_times=fail_times)
        self.waits = waits

    async def __call__(self, conn: asyncpg.Connection, event: Event) -> None:
        if self.waits > 0:
            self.waits -= 1
            raise NotYet("the meeting")
        await super().__call__(conn, event)


async def test_an_event_waiting_for_a_related_one_is_never_dead_lettered(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects, event = await _one_event_published(jsc, namespace)
    # more waits than max_deliver, then a transient failure: the waits are not failures, so it is retried
    handler = Waiter(waits=5, fail_times=1)
    task = await _run(_consumer(pool, nc, jsc, subjects, handler, max_deliver=3))
    await wait_for(lambda: _handled(pool), timeout=20, what="handled once the related event came")
    await _stop(task)
    assert await _handled(pool) == [event.id]
    assert await pool.fetchval("select count(*) from dead_letters") == 0
    assert await pool.fetchval("select count(*) from processed_events") == 1


async def test_poison_messages_are_dead_lettered_and_consumption_goes_on(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    meeting_id = uuid.uuid4()
    before = new_event(MeetingStarted, meeting_id=meeting_id)
    rejected = new_event(MeetingStarted, meeting_id=meeting_id)
    after = [new_event(MeetingStarted, meeting_id=meeting_id) for _ in range(5)]
    subject = subjects.for_event(before)
    await jsc.publish(subject, encode(before))
    await jsc.publish(subject, b'{"type": "meeting.started", "id": "not-a-uuid"')
    await jsc.publish(subject, "không phải JSON".encode())
    await jsc.publish(subject, encode(rejected))
    for e in after:
        await jsc.publish(subject, encode(e))
    handler = Recorder(poison={rejected.id})
    task = await _run(_consumer(pool, nc, jsc, subjects, handler))
    await wait_for(lambda: pool.fetchval("select count(*) = 6 from handled"), what="good events handled")
    await wait_for(lambda: pool.fetchval("select count(*) = 3 from dead_letters"), what="dead letters")
    await _stop(task)
    assert set(await _handled(pool)) == {before.id, *(e.id for e in after)}
    letters = await pool.fetch("select subject, payload, reason from dead_letters order by id")
    assert [bytes(r["payload"]) for r in letters[:2]] == [
        b'{"type": "meeting.started", "id": "not-a-uuid"',
        "không phải JSON".encode(),
    ]
    assert all(r["subject"] == subject for r in letters)
    assert letters[0]["reason"].startswith("undecodable")
    assert "meeting does not exist" in letters[2]["reason"]


async def test_consumption_resumes_after_nats_restart(pool: asyncpg.Pool, tmp_path: Path) -> None:
    server = NatsServer(tmp_path / "nats").start()
    try:
        nc = await nats.connect(server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        jsc = nc.jetstream()
        subjects = Subjects("restart")
        await jsc.add_stream(subjects.stream_config(MEETINGS))
        consumer = _consumer(pool, nc, jsc, subjects, Recorder())

        async def on_reconnect() -> None:
            consumer.on_reconnect()

        nc._reconnected_cb = on_reconnect
        task = await _run(consumer)
        meeting_id = uuid.uuid4()
        first = [new_event(MeetingStarted, meeting_id=meeting_id) for _ in range(50)]
        for e in first:
            await jsc.publish(subjects.for_event(e), encode(e), headers={"Nats-Msg-Id": str(e.id)})
        await wait_for(lambda: pool.fetchval("select count(*) = 50 from handled"), what="first half")

        server.stop()
        await wait_for(lambda: asyncio.sleep(0, not nc.is_connected), what="client notices the outage")
        server.start()
        await wait_for(lambda: asyncio.sleep(0, nc.is_connected), timeout=20, what="client reconnects")

        second = [new_event(MeetingStarted, meeting_id=meeting_id) for _ in range(50)]
        for e in second:
            await jsc.publish(subjects.for_event(e), encode(e), headers={"Nats-Msg-Id": str(e.id)})
        await wait_for(
            lambda: pool.fetchval("select count(*) = 100 from handled"),
            timeout=30,
            what="consumption resumed after the restart",
        )
        await _stop(task)
        assert sorted(await _handled(pool)) == sorted(e.id for e in first + second)
        await nc.close()
    finally:
        server.stop()


async def test_an_event_the_database_refuses_as_data_is_dead_lettered_at_once(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    await pool.execute("create table reasons (reason text not null)")
    calls = 0

    async def store_reason(conn: asyncpg.Connection, event: Event) -> None:
        nonlocal calls
        calls += 1
        await conn.execute("insert into reasons (reason) values ($1)", getattr(event, "reason", ""))

    meeting_id = uuid.uuid4()
    poisoned = new_event(MeetingCancelled, meeting_id=meeting_id, reason="Hoãn\x00 vì bão")
    fine = new_event(MeetingCancelled, meeting_id=meeting_id, reason="Hoãn vì bão")
    for event in (poisoned, fine):
        await jsc.publish(subjects.for_event(event), encode(event))
    consumer = _consumer(pool, nc, jsc, subjects, store_reason)  # type: ignore[arg-type]
    task = await _run(consumer)
    await wait_for(lambda: pool.fetchval("select count(*) = 1 from reasons"), what="the good event handled")
    await wait_for(lambda: pool.fetchval("select count(*) = 1 from dead_letters"), what="the dead letter")
    await _stop(task)
    assert calls == 2  # the poisoned event was tried once, not max_deliver times
    reason = await pool.fetchval("select reason from dead_letters")
    assert reason.startswith("refused by the database")


class Ordered(Recorder):
    """Records the order events were handled in and the transaction each was committed in."""

    async def __call__(self, conn: asyncpg.Connection, event: Event) -> None:
        await super().__call__(conn, event)
        await conn.execute("insert into handled_order (event_id) values ($1)", event.id)


async def _backlog(pool: asyncpg.Pool, jsc: JetStreamContext, namespace: str, n: int) -> tuple[Subjects, list[Event]]:
    """`n` events of one meeting in the stream before the consumer starts, so it fetches them in batches."""
    await pool.execute(
        "create table handled_order (n serial primary key, event_id uuid not null,"
        " tx bigint not null default txid_current())"
    )
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    meeting_id = uuid.uuid4()
    events: list[Event] = [new_event(MeetingStarted, meeting_id=meeting_id) for _ in range(n)]
    for e in events:
        await jsc.publish(subjects.for_event(e), encode(e), headers={"Nats-Msg-Id": str(e.id)})
    return subjects, events


async def test_a_backlog_is_handled_in_batches_in_stream_order_each_event_once(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects, events = await _backlog(pool, jsc, namespace, 30)
    twice = events[5]  # delivered again inside the backlog (another message id gets past the dedupe)
    await jsc.publish(subjects.for_event(twice), encode(twice), headers={"Nats-Msg-Id": f"{twice.id}-again"})
    handler = Ordered()
    task = await _run(_consumer(pool, nc, jsc, subjects, handler, batch=10))
    await wait_for(lambda: _acked(jsc, subjects, 31), what="every message acked")
    await _stop(task)
    rows = await pool.fetch("select event_id, tx from handled_order order by n")
    assert [r["event_id"] for r in rows] == [e.id for e in events]
    assert handler.calls == 30
    # committed in batches: fewer transactions than events
    assert len({r["tx"] for r in rows}) < 30


async def test_a_poison_event_in_a_batch_neither_blocks_nor_drops_the_others(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects, events = await _backlog(pool, jsc, namespace, 20)
    rejected, failing_once = events[7], events[12]
    handler = FailingOnce(failing_once.id, poison={rejected.id})
    task = await _run(_consumer(pool, nc, jsc, subjects, handler, batch=50))
    good = [e.id for e in events if e is not rejected]
    await wait_for(lambda: pool.fetchval("select count(*) = 19 from handled"), timeout=15, what="the others handled")
    await wait_for(lambda: pool.fetchval("select count(*) = 1 from dead_letters"), what="the poison dead-lettered")
    await _stop(task)
    handled = [r["event_id"] for r in await pool.fetch("select event_id from handled_order order by n")]
    assert sorted(handled) == sorted(good) and len(handled) == len(set(handled))
    # the batch's order is kept for everything but the one retried later
    assert [h for h in handled if h != failing_once.id] == [g for g in good if g != failing_once.id]
    assert "meeting does not exist" in await pool.fetchval("select reason from dead_letters")


class FailingOnce(Ordered):
    def __init__(self, fails: uuid.UUID, poison: set[uuid.UUID]) -> None:
        super().__init__(poison=poison)
        self.fails = fails

    async def __call__(self, conn: asyncpg.Connection, event: Event) -> None:
        if event.id == self.fails:
            self.fails = uuid.UUID(int=0)
            raise ConnectionError("transient")
        await super().__call__(conn, event)


class Held(Recorder):
    """A handler that holds the first event until released: a batch is in hand when the stop comes."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, conn: asyncpg.Connection, event: Event) -> None:
        self.holding.set()
        await self.release.wait()
        await super().__call__(conn, event)


async def test_a_stop_lets_the_batch_in_hand_commit_and_ack_then_ends_the_consumer(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects, event = await _one_event_published(jsc, namespace)
    handler = Held()
    consumer = _consumer(pool, nc, jsc, subjects, handler)
    task = await _run(consumer)
    await asyncio.wait_for(handler.holding.wait(), 30)
    assert consumer.stop_after_batch()  # busy: a shutdown waits for it
    handler.release.set()
    await asyncio.wait_for(task, 30)  # it ends on its own, without being cancelled
    assert await _handled(pool) == [event.id]
    # nothing left for the next process to redeliver: the ack is a message of its own, which the server
    # takes in a moment after the consumer has ended (a process's drain flushes it before exiting)
    await wait_for(lambda: _acked(jsc, subjects, 1), what="the batch acknowledged")


async def test_a_stop_while_idle_ends_the_consumer_with_nothing_in_hand(
    pool: asyncpg.Pool, js: tuple[NATS, JetStreamContext], namespace: str
) -> None:
    nc, jsc = js
    subjects = Subjects(namespace)
    await jsc.add_stream(subjects.stream_config(MEETINGS))
    consumer = _consumer(pool, nc, jsc, subjects, Recorder())
    task = await _run(consumer)
    await wait_for(lambda: _acked(jsc, subjects, 0), what="subscribed")
    assert not consumer.stop_after_batch()  # nothing in hand: the shutdown need not wait
    await asyncio.wait_for(task, 30)  # ends after its fetch times out
