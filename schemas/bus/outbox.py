"""Transactional outbox: events commit with the state change, a relay publishes them to JetStream.

A crash anywhere may publish an event twice (JetStream drops the copy by `Nats-Msg-Id` within the
duplicate window) but never loses one: a row is marked sent only after JetStream acknowledged it.

With a connection to publish on, consecutive rows of one stream go as one atomic batch (NATS 2.12+, the
stream's `allow_atomic`): JetStream stores and syncs them to disk together, where publishing them one at a
time costs one disk sync per event (a roster import is 10,000 events). A batch JetStream refuses (a copy
of an event it already has, after a crash; a stream without atomic batches; a lost reply) is published
again one event at a time, each one deduplicated on its own, so the guarantees above do not depend on
batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence

import nats.errors
import structlog
from asyncpg.pool import PoolConnectionProxy
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import Header, PubAck
from prometheus_client import Counter, Gauge

from schemas.bus.wake import woken_or_timeout
from schemas.codec import encode
from schemas.events import Event
from schemas.subjects import Subjects
from servicekit import pg

log = structlog.get_logger("outbox")

PUBLISHED = Counter("outbox_published_total", "Events the relay published and JetStream acknowledged")
PUBLISH_ERRORS = Counter("outbox_publish_errors_total", "Publish attempts that failed")
BATCHES_REFUSED = Counter("outbox_batches_refused_total", "Atomic batches refused, published one event at a time")
LEADER = Gauge("outbox_relay_leader", "1 while this process holds the relay lock")

OutboxRow = tuple[object, str, bytes, str | None]

PURGE_EVERY_S = 600.0
ATOMIC_MAX = 1000  # the server's default limit of messages in one atomic batch
SENT_RETENTION_S = 86400.0

_INSERT = "insert into outbox (event_id, subject, payload, correlation_id) values ($1, $2, $3, $4)"


def outbox_row(subjects: Subjects, event: Event) -> OutboxRow:
    """The values of one outbox row, for statements that write state and outbox together."""
    return (event.id, subjects.for_event(event), encode(event), event.correlation_id)


async def enqueue(conn: pg.Connection, subjects: Subjects, *events: Event) -> None:
    """Add events to the outbox inside the caller's transaction."""
    if len(events) == 1:
        await conn.execute(_INSERT, *outbox_row(subjects, events[0]))
    elif events:
        await conn.executemany(_INSERT, [outbox_row(subjects, e) for e in events])


class OutboxRelay:
    """Publishes unsent outbox rows in order; exactly one relay per service is active (advisory lock)."""

    def __init__(
        self,
        pool: pg.Pool,
        js: JetStreamContext,
        *,
        schema: str,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        nc: NATS | None = None,
    ) -> None:
        self._pool = pool
        self._js = js
        self._nc = nc  # without it every event is published on its own
        self._schema = schema
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()  # one batch at a time inside this process
        self.leading = False

    @contextlib.asynccontextmanager
    async def _leadership(self) -> AsyncIterator[PoolConnectionProxy[pg.Row]]:
        """Hold a dedicated connection with the service's relay lock for as long as we lead."""
        conn = await self._pool.acquire()
        try:
            # A standby relay polls for the lock; it takes over within a poll interval of the leader's exit.
            while not await conn.fetchval(  # noqa: ASYNC110
                "select pg_try_advisory_lock(hashtext($1))", f"outbox:{self._schema}"
            ):
                await asyncio.sleep(self._poll_interval)
            LEADER.set(1)
            self.leading = True
            await conn.add_listener(f"{self._schema}_outbox", self._on_notify)
            try:
                yield conn
            finally:
                LEADER.set(0)
                self.leading = False
                try:
                    await conn.remove_listener(f"{self._schema}_outbox", self._on_notify)
                    await conn.execute("select pg_advisory_unlock(hashtext($1))", f"outbox:{self._schema}")
                except Exception:
                    conn.terminate()  # the lock ends with the session; never hand a locked one back
        finally:
            await self._pool.release(conn, timeout=5)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Relay forever: wake on NOTIFY, fall back to polling, survive database and NATS outages."""
        backoff = 0.2
        while True:
            try:
                async with self._leadership():
                    log.info("outbox relay active", schema=self._schema)
                    purged_at = 0.0
                    while True:
                        self._wake.clear()
                        if time.monotonic() - purged_at > PURGE_EVERY_S:
                            await self.purge_sent()
                            purged_at = time.monotonic()
                        sent = await self.publish_batch()
                        backoff = 0.2
                        if sent < self._batch_size:
                            await woken_or_timeout(self._wake, self._poll_interval)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay interrupted, retrying", error=repr(exc), retry_in_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def publish_batch(self) -> int:
        """Publish one batch of unsent rows; return how many JetStream acknowledged."""
        async with self._lock:
            rows = await self._pool.fetch(
                "select seq, event_id, subject, payload, correlation_id from outbox"
                " where sent_at is null order by seq limit $1",
                self._batch_size,
            )
            if not rows:
                return 0
            acked: list[int] = []
            failed: list[BaseException] = []
            for run in _runs_of_one_stream(rows):
                if len(run) > 1 and await self._publish_atomic(run):
                    acked += [r["seq"] for r in run]
                    continue
                results = await asyncio.gather(*(self._publish(r) for r in run), return_exceptions=True)
                acked += [r["seq"] for r, res in zip(run, results, strict=True) if isinstance(res, PubAck)]
                failed += [res for res in results if isinstance(res, BaseException)]
            if acked:
                await self._pool.execute("update outbox set sent_at = now() where seq = any($1::bigint[])", acked)
                PUBLISHED.inc(len(acked))
            if failed:
                PUBLISH_ERRORS.inc(len(failed))
                raise failed[0]
            return len(acked)

    async def _publish(self, row: pg.Row) -> PubAck:
        return await self._js.publish(row["subject"], bytes(row["payload"]), headers=_headers(row), timeout=5)

    async def _publish_atomic(self, run: Sequence[pg.Row]) -> bool:
        """The rows as one atomic batch; True once JetStream stored them all."""
        if self._nc is None:
            return False
        batch = uuid.uuid4().hex

        def headers(n: int, row: pg.Row) -> dict[str, str]:
            return {**_headers(row), Header.BATCH_ID.value: batch, Header.BATCH_SEQUENCE.value: str(n)}

        *first, last = run
        try:
            for n, row in enumerate(first, start=1):
                await self._nc.publish(row["subject"], bytes(row["payload"]), headers=headers(n, row))
            # only the last one is answered: JetStream's acknowledgement of the whole batch
            commit = {**headers(len(run), last), Header.BATCH_COMMIT.value: "1"}
            reply = await self._nc.request(last["subject"], bytes(last["payload"]), timeout=5, headers=commit)
            answer = json.loads(reply.data)
        except (nats.errors.Error, TimeoutError, ValueError) as exc:
            answer = {"error": repr(exc)}
        if "error" in answer or answer.get("count") != len(run):
            BATCHES_REFUSED.inc()
            log.info("atomic batch refused, publishing one by one", size=len(run), answer=str(answer)[:200])
            return False
        return True

    async def flush(self, timeout: float = 5.0) -> None:
        """Publish what is pending (at shutdown); whatever is left stays in the outbox for next time."""
        if not self.leading:
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(timeout):
                while await self.publish_batch() > 0:
                    pass

    async def purge_sent(self, older_than_s: float = SENT_RETENTION_S) -> None:
        await self._pool.execute("delete from outbox where sent_at < now() - make_interval(secs => $1)", older_than_s)


def _headers(row: pg.Row) -> dict[str, str]:
    headers = {"Nats-Msg-Id": str(row["event_id"])}
    if row["correlation_id"]:
        headers["Correlation-Id"] = row["correlation_id"]
    return headers


def _runs_of_one_stream(rows: Sequence[pg.Row]) -> list[list[pg.Row]]:
    """Consecutive rows whose subjects share the stream prefix (`<ns>.<stream>` before
    `<meeting>.<family>.<name>`), at most ATOMIC_MAX each: what one atomic batch can hold. A wrong cut
    only costs speed: JetStream refuses a batch that spans streams, and its events go one by one."""
    runs = []
    for _, run in itertools.groupby(rows, lambda r: r["subject"].rsplit(".", 3)[0]):
        group = list(run)
        runs += [group[i : i + ATOMIC_MAX] for i in range(0, len(group), ATOMIC_MAX)]
    return runs
