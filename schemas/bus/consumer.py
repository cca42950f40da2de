"""The one consumer base: durable pull consumer, idempotent handling, ack after commit.

For each message: decode it (undecodable → dead-letter row + `term`), then in one transaction
record `(consumer, event_id)` in `processed_events` and run the handler; ack only after the
commit. A redelivered event finds its row and is acked without running the handler again.
A handler error is transient (`nak` with backoff) until the message has been delivered
`max_deliver` times, or at once when the handler raises `PoisonEvent` or PostgreSQL refuses one of
the event's values as data (`DataError`, e.g. a NUL in a text): then it is dead-lettered.
A handler that raises `NotYet` (a related event has not arrived: two streams have no order between
them) gets the message again after a delay, however often: it is never dead-lettered for arriving early.

Under load the messages of one fetch are handled in one transaction (`handle_batch`): one commit for up
to `batch` events, in stream order, each recorded in `processed_events` as before. If anything in it goes
wrong (a poison event, one waiting for another, a failure) the transaction is undone and the messages
are handled one by one as above, so a bad message neither blocks nor drops the others.
A consumer may also take a `Bulk`: consecutive fresh events of its types in one fetch (a roster import's
thousands of participant facts) go to one call of its handler, which applies them set-based; it must leave
the same state as the handler applying them one by one in that order.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import asyncpg
import nats.errors
import nats.js.errors
import structlog
from asyncpg.exceptions import _base as asyncpg_base
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from prometheus_client import Counter, Gauge

from schemas.codec import DecodeError, correlation_id, decode
from schemas.events import Event
from servicekit import pg

log = structlog.get_logger("consumer")

HANDLED = Counter("events_handled_total", "Events handled and committed", ["consumer"])
DUPLICATES = Counter("events_duplicate_total", "Redelivered events skipped", ["consumer"])
RETRIED = Counter("events_retried_total", "Events nak'ed for a later retry", ["consumer"])
DEAD = Counter("events_dead_lettered_total", "Messages moved to the dead-letter table", ["consumer"])
WAITING = Counter("events_waiting_total", "Events put back because a related event has not arrived", ["consumer"])
PENDING = Gauge("consumer_pending_events", "Events in the stream not yet delivered to the consumer (lag)", ["consumer"])
BATCHES = Counter("event_batches_total", "Fetched batches handled in one transaction", ["consumer"])
BATCHES_SPLIT = Counter(
    "event_batches_split_total", "Fetched batches handled one by one after a failure in the batch", ["consumer"]
)
LAG = Gauge("consumer_lag_seconds", "Age of the last event the consumer handled when it handled it", ["consumer"])

Handler = Callable[[pg.Connection, Event], Awaitable[None]]
T = TypeVar("T")
BulkHandler = Callable[[pg.Connection, Sequence[Event]], Awaitable[None]]


@dataclass(frozen=True)
class Bulk:
    """Events of `types` that follow one another in a fetched batch go to `handler` together."""

    types: tuple[type[Event], ...]
    handler: BulkHandler


class PoisonEvent(Exception):
    """Raised by a handler for an event that can never be handled; it is dead-lettered at once."""


class NotYet(Exception):
    """Raised by a handler for an event it cannot act on until a related event arrived (e.g. the meeting
    of a poll event, still behind a backlog on the other stream). Nothing is committed; the message comes
    back after a short delay, without counting towards `max_deliver`."""


def distinct_runs(items: Sequence[T], key: Callable[[T], object]) -> list[list[T]]:
    """`items` cut, in order, into runs in which no key repeats: one set-based statement per run changes
    each row at most once, and a later run sees what the earlier one wrote, as one by one would."""
    runs: list[list[T]] = [[]]
    seen: set[object] = set()
    for item in items:
        k = key(item)
        if k in seen:
            runs.append([])
            seen.clear()
        seen.add(k)
        runs[-1].append(item)
    return [r for r in runs if r]


def retry_delay(num_delivered: int) -> float:
    return min(0.5 * 2 ** max(num_delivered - 1, 0), 30.0)


def wait_delay(num_delivered: int) -> float:
    # short at first (the missing event is usually a few messages behind), never more than 5 s
    return min(0.1 * 1.5 ** max(num_delivered - 1, 0), 5.0)


class EventConsumer:
    def __init__(
        self,
        *,
        pool: pg.Pool,
        nc: NATS,
        js: JetStreamContext,
        durable: str,
        stream: str,
        filter_subject: str,
        handler: Handler,
        settle: Handler | None = None,
        bulk: Bulk | None = None,
        batch: int = 500,
        max_deliver: int = 8,
        fetch_timeout: float = 1.0,
    ) -> None:
        self._pool = pool
        self._nc = nc
        self._js = js
        self.durable = durable
        self._stream = stream
        self._filter = filter_subject
        self._handler = handler
        # Runs, in its own transaction, for a decoded event that is dead-lettered: lets the read model
        # record the event's position, so a barrier waiting for it does not wait forever.
        self._settle = settle
        self._bulk = bulk
        self._batch = batch
        self._max_deliver = max_deliver
        # deliveries spent waiting for a related event, per message: they do not count as failures
        self._waited: dict[int, int] = {}
        self._fetch_timeout = fetch_timeout
        self._reconnected = asyncio.Event()
        self._busy = False  # handling a fetched batch
        self._stopping = False

    def stop_after_batch(self) -> bool:
        """Ask the consumer to end once the batch it is handling is committed and acked (a shutdown that
        waits for it leaves nothing to redeliver); True when it is handling one now."""
        self._stopping = True
        return self._busy

    def on_reconnect(self) -> None:
        """Called from the connection's reconnect callback: the consumer is checked before the next fetch."""
        self._reconnected.set()

    async def _subscribe(self) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=30,
            filter_subject=self._filter,
            max_ack_pending=10_000,
        )
        return await self._js.pull_subscribe(self._filter, durable=self.durable, stream=self._stream, config=config)

    async def _consumer_exists(self) -> bool:
        try:
            await self._js.consumer_info(self._stream, self.durable)
        except nats.js.errors.NotFoundError:
            return False
        return True

    async def run(self) -> None:
        sub: JetStreamContext.PullSubscription | None = None
        # Under load the next batch is fetched while this one is handled: the wait for JetStream's
        # delivery overlaps the transaction instead of following it. (Should handling outlast the ack
        # wait, the server delivers those messages again; processed_events makes that harmless.)
        ahead: asyncio.Task[list[Msg]] | None = None
        backoff = 0.2
        want = 1
        try:
            while not self._stopping:
                try:
                    if self._reconnected.is_set() and sub is not None and ahead is None:
                        self._reconnected.clear()
                        if not await self._consumer_exists():
                            # The server came back without our durable consumer: subscribe afresh.
                            await _let_go(sub)
                            sub = None
                    if sub is None:
                        sub = await self._subscribe()
                        log.info("consumer subscribed", consumer=self.durable, subject=self._filter)
                    try:
                        if ahead is not None:
                            fetched, ahead = ahead, None
                            msgs = await fetched
                        else:
                            msgs = await sub.fetch(want, timeout=self._fetch_timeout)
                    except nats.errors.TimeoutError:
                        PENDING.labels(self.durable).set(0)
                        want = 1
                        continue
                    backoff = 0.2
                    # nats-py's fetch of n lingers until n messages arrived or the timeout passed, so ask
                    # for exactly what the server says is waiting: one when idle (returns on arrival), a
                    # batch under load.
                    want = max(1, min(self._batch, msgs[-1].metadata.num_pending)) if msgs else 1
                    if self._stopping:
                        for msg in msgs:  # fetched as the shutdown began: straight back, for the next process
                            with contextlib.suppress(Exception):
                                await msg.nak()
                        return
                    if want > 1:
                        ahead = asyncio.create_task(sub.fetch(want, timeout=self._fetch_timeout))
                    self._busy = True
                    try:
                        await self.handle_batch(msgs)
                    finally:
                        self._busy = False
                    if msgs:
                        PENDING.labels(self.durable).set(msgs[-1].metadata.num_pending)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("consumer interrupted, retrying", consumer=self.durable, error=repr(exc))
                    await _put_back(ahead)
                    ahead = None
                    await _let_go(sub)
                    sub = None
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
        finally:
            await _put_back(ahead)
            # Let go of the pull subscription, so draining the connection at shutdown does not wait on it.
            await _let_go(sub)

    async def handle_batch(self, msgs: list[Msg]) -> None:
        """The fetched messages in one transaction, in order; one by one (`handle`) if anything fails."""
        decoded: list[tuple[Msg, Event]] = []
        for msg in msgs:
            try:
                decoded.append((msg, decode(msg.data)))
            except DecodeError as exc:
                await self._dead_letter(msg, f"undecodable: {exc}")
        if len(decoded) < 2:
            for msg, _ in decoded:
                await self.handle(msg)
            return
        handled: list[tuple[Msg, Event, bool]] = []
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                fresh = {
                    r["event_id"]
                    for r in await conn.fetch(
                        "insert into processed_events (consumer, event_id) select $1, unnest($2::uuid[])"
                        " on conflict do nothing returning event_id",
                        self.durable,
                        [event.id for _, event in decoded],
                    )
                }
                todo: list[Event] = []
                for msg, event in decoded:
                    first = event.id in fresh
                    fresh.discard(event.id)  # the same event twice in one fetch: handled once
                    if first:
                        todo.append(event)
                    handled.append((msg, event, first))
                await self._apply(conn, todo)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # nothing of the batch was committed: each message on its own, with its own outcome
            BATCHES_SPLIT.labels(self.durable).inc()
            log.info("batch handled one by one", consumer=self.durable, size=len(decoded), reason=repr(exc)[:200])
            for msg, _ in decoded:
                await self.handle(msg)
            return
        BATCHES.labels(self.durable).inc()
        for msg, _, first in handled:
            self._waited.pop(msg.metadata.sequence.stream, None)
            (HANDLED if first else DUPLICATES).labels(self.durable).inc()
            await msg.ack()
        LAG.labels(self.durable).set(max(0.0, (dt.datetime.now(dt.UTC) - decoded[-1][1].occurred_at).total_seconds()))

    async def _apply(self, conn: pg.Connection, events: list[Event]) -> None:
        """The batch's fresh events in order: runs of the bulk handler's types in one call each."""
        bulk = self._bulk
        for together, run in itertools.groupby(events, lambda e: bulk is not None and isinstance(e, bulk.types)):
            group = list(run)
            if together and len(group) > 1:
                assert bulk is not None
                token = correlation_id.set(group[0].correlation_id)
                try:
                    await bulk.handler(conn, group)
                finally:
                    correlation_id.reset(token)
                continue
            for event in group:
                token = correlation_id.set(event.correlation_id)
                try:
                    await self._handler(conn, event)
                finally:
                    correlation_id.reset(token)

    async def handle(self, msg: Msg) -> None:
        try:
            event = decode(msg.data)
        except DecodeError as exc:
            await self._dead_letter(msg, f"undecodable: {exc}")
            return
        token = correlation_id.set(event.correlation_id)
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                fresh = await conn.fetchval(
                    "insert into processed_events (consumer, event_id) values ($1, $2)"
                    " on conflict do nothing returning true",
                    self.durable,
                    event.id,
                )
                if fresh:
                    await self._handler(conn, event)
        except PoisonEvent as exc:
            await self._dead_letter(msg, f"rejected by handler: {exc}", event)
            return
        except NotYet as exc:
            delivered = msg.metadata.num_delivered
            WAITING.labels(self.durable).inc()
            if delivered in (1, 10) or delivered % 100 == 0:
                log.info(
                    "event waits for a related event",
                    consumer=self.durable,
                    event_id=str(event.id),
                    event_type=event.event_type,
                    waiting_for=str(exc),
                    delivered=delivered,
                )
            if len(self._waited) > 100_000:
                self._waited.clear()
            self._waited[msg.metadata.sequence.stream] = self._waited.get(msg.metadata.sequence.stream, 0) + 1
            await msg.nak(delay=wait_delay(delivered))
            return
        except (asyncpg.DataError, asyncpg_base.DataError) as exc:
            # PostgreSQL refuses a value of the event as data (a NUL in a text, a date out of its range):
            # every retry would fail the same way.
            await self._dead_letter(msg, f"refused by the database: {exc!r}")
            return
        except Exception as exc:
            delivered = msg.metadata.num_delivered - self._waited.get(msg.metadata.sequence.stream, 0)
            if delivered >= self._max_deliver:
                await self._dead_letter(msg, f"failed {delivered} times: {exc!r}", event)
                return
            RETRIED.labels(self.durable).inc()
            log.warning(
                "event handling failed, will retry",
                consumer=self.durable,
                event_id=str(event.id),
                event_type=event.event_type,
                error=repr(exc),
                delivered=delivered,
            )
            await msg.nak(delay=retry_delay(delivered))
            return
        finally:
            correlation_id.reset(token)
        self._waited.pop(msg.metadata.sequence.stream, None)
        (HANDLED if fresh else DUPLICATES).labels(self.durable).inc()
        LAG.labels(self.durable).set(max(0.0, (dt.datetime.now(dt.UTC) - event.occurred_at).total_seconds()))
        await msg.ack()

    async def _dead_letter(self, msg: Msg, reason: str, event: Event | None = None) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "insert into dead_letters (consumer, subject, payload, reason) values ($1, $2, $3, $4)",
                self.durable,
                msg.subject,
                msg.data,
                reason[:2000],
            )
            if event is not None and self._settle is not None:
                await self._settle(conn, event)
        DEAD.labels(self.durable).inc()
        log.error("message dead-lettered", consumer=self.durable, subject=msg.subject, reason=reason[:200])
        await msg.term()


async def _put_back(ahead: asyncio.Task[list[Msg]] | None) -> None:
    """Messages fetched ahead but not handled go back at once (not after the ack wait)."""
    if ahead is None:
        return
    if not ahead.done():
        ahead.cancel()
    with contextlib.suppress(BaseException):
        for msg in await ahead:
            await msg.nak()


async def _let_go(sub: JetStreamContext.PullSubscription | None) -> None:
    """Unsubscribe, whatever state the subscription is in; the caller subscribes afresh if it goes on."""
    if sub is not None:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
