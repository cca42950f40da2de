"""The skeleton every service runs in: connections, migrations, relay, consumers, health and shutdown.

The HTTP server starts at once; PostgreSQL and NATS are connected in the background with backoff,
so an outage at start is logged and reported by `/readyz` (503) instead of crashing the process.
Cleanup runs in reverse order: consumers finish the batch in hand, background tasks stop, the relay
flushes what is pending, NATS drains, the pool closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import nats
import nats.js.errors
import structlog
from aiohttp import web
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from schemas.bus import EventConsumer, OutboxRelay
from schemas.bus.consumer import Bulk, Handler
from schemas.subjects import STREAMS, Stream, Subjects
from servicekit import pg
from servicekit.clients import Clients
from servicekit.http import (
    Problem,
    allow_origins,
    body_deadline,
    correlation_middleware,
    json_response,
    problem_middleware,
)
from servicekit.limits import RateLimits, rate_limit
from servicekit.migrations import BUS_SQL, SchemaTooNew, migrate
from servicekit.settings import CommonSettings

log = structlog.get_logger("runtime")

# At shutdown a background task is cancelled, then left this long for its own cleanup before it is
# cancelled again; a task's cleanup that must finish (handing back claimed work) fits inside it.
CLEANUP_ROUND_S = 2.0


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable consumer `<service>-<purpose>` of one stream, optionally narrowed to one event type."""

    purpose: str
    stream: Stream
    handler: Handler
    event_type: str | None = None
    settle: Handler | None = None  # for a dead-lettered event (see EventConsumer)
    bulk: Bulk | None = None  # for many events of some types at once (see EventConsumer)


Task = Callable[["Runtime"], Awaitable[None]]


class PooledConnection(asyncpg.Connection):
    """Our services keep no session state on a pooled connection (search_path is a server setting;
    advisory locks and listeners are released explicitly), so giving one back skips asyncpg's reset
    query: one round trip fewer on every use of the pool."""

    def get_reset_query(self) -> str:
        return ""


class BoundedPool(asyncpg.Pool):
    """A pool whose every acquire gives up after `acquire_timeout` seconds (TimeoutError, answered
    503 by the HTTP layer) instead of queueing without end when every connection is busy."""

    acquire_timeout: float = 30.0

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


@dataclass
class Runtime:
    settings: CommonSettings
    service: str  # also the service's PostgreSQL schema
    sql: Path
    consumers: list[ConsumerSpec] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    pool: pg.Pool | None = None
    limits: RateLimits | None = None
    clients: Clients = field(default_factory=Clients)  # who is asking: TRUSTED_PROXIES, RATE_LIMIT_EXEMPT
    nc: NATS | None = None
    js: JetStreamContext | None = None
    relay: OutboxRelay | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    _running: list[asyncio.Task[None]] = field(default_factory=list)
    _consumers: list[EventConsumer] = field(default_factory=list)
    _consumer_tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _relay_task: asyncio.Task[None] | None = None
    fatal: str | None = None
    # Set on SIGTERM: /readyz answers 503 while requests are still served (servicekit/main.py).
    draining: bool = False
    # Called when the service can never become ready (e.g. a database migrated by newer code);
    # the process entry point uses it to exit with an error instead of idling unready.
    on_fatal: Callable[[str], None] | None = None

    @property
    def subjects(self) -> Subjects:
        return Subjects(self.settings.nats_namespace)

    def db(self) -> pg.Pool:
        if self.pool is None:
            raise Problem(503, "Service starting", "the database is not connected yet", headers={"Retry-After": "2"})
        return self.pool

    async def _connect_database(self) -> pg.Pool:
        await ensure_database(self.settings.database_url)
        pool = BoundedPool(
            self.settings.database_url,
            min_size=2,
            max_size=self.settings.db_pool_size,
            max_queries=50_000,
            max_inactive_connection_lifetime=300.0,
            loop=None,
            server_settings={"search_path": self.service, "application_name": self.service},
            connection_class=PooledConnection,
            record_class=asyncpg.Record,
        )
        pool.acquire_timeout = self.settings.db_acquire_timeout_s
        await pool
        async with pool.acquire() as conn:
            await migrate(conn, self.service, {"bus": BUS_SQL, self.service: self.sql})
        return pool

    async def _connect_nats(self) -> NATS:
        async def reconnected() -> None:
            log.info("nats reconnected")
            for consumer in self._consumers:
                consumer.on_reconnect()

        async def disconnected() -> None:
            log.warning("nats disconnected")

        async def error(exc: Exception) -> None:
            log.warning("nats error", error=repr(exc))

        return await nats.connect(
            # a cluster's nodes, comma-separated: the service starts while any one of them answers
            [url.strip() for url in self.settings.nats_url.split(",") if url.strip()],
            name=self.service,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=2,
            reconnected_cb=reconnected,
            disconnected_cb=disconnected,
            error_cb=error,
        )

    async def _with_retry(self, what: str, connect: Callable[[], Awaitable[Any]]) -> Any:
        delay = 0.2
        while True:
            try:
                return await connect()
            except (asyncio.CancelledError, SchemaTooNew):
                raise
            except Exception as exc:
                log.warning(f"{what} unreachable, retrying", error=repr(exc), retry_in_s=round(delay, 2))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def start(self) -> None:
        try:
            self.pool = await self._with_retry("database", self._connect_database)
        except SchemaTooNew as exc:
            self.fatal = str(exc)
            log.critical("cannot start", reason=self.fatal)
            if self.on_fatal is not None:
                self.on_fatal(self.fatal)
            return
        self.nc = await self._with_retry("nats", self._connect_nats)
        self.js = self.nc.jetstream(timeout=5)
        await self._with_retry("jetstream", self._ensure_streams)
        self.relay = OutboxRelay(self.pool, self.js, schema=self.service, nc=self.nc)
        self._relay_task = self._spawn(self.relay.run(), "outbox relay")
        for spec in self.consumers:
            consumer = self._consumer(spec)
            self._consumers.append(consumer)
            self._consumer_tasks.append(self._spawn(consumer.run(), consumer.durable))
        if self.limits is not None:
            self._spawn(self.limits.run(self.pool), "rate counts")
        for task in self.tasks:
            self._spawn(task(self), getattr(task, "__name__", "task"))
        self.ready.set()
        log.info("service ready", service=self.service)

    def _consumer(self, spec: ConsumerSpec) -> EventConsumer:
        assert self.pool and self.nc and self.js
        s = self.subjects
        ns = f"{self.settings.nats_namespace.replace('.', '_')}-" if self.settings.nats_namespace else ""
        purpose = f"{self.service}-{spec.purpose}".replace("_", "-")
        return EventConsumer(
            pool=self.pool,
            nc=self.nc,
            js=self.js,
            durable=f"{ns}{purpose}",
            stream=s.stream_name(spec.stream),
            filter_subject=s.of_type(spec.stream, spec.event_type) if spec.event_type else s.all_of(spec.stream),
            handler=spec.handler,
            settle=spec.settle,
            bulk=spec.bulk,
        )

    def _spawn(self, coro: Awaitable[None], name: str) -> asyncio.Task[None]:
        async def guarded() -> None:
            try:
                await coro
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background task crashed", task=name)

        task = asyncio.create_task(guarded(), name=name)
        self._running.append(task)
        return task

    async def _ensure_streams(self) -> None:
        assert self.js is not None
        for stream in STREAMS:
            config = self.subjects.stream_config(stream, self.settings.stream_replicas, self.settings.stream_max_age_s)
            try:
                await self.js.add_stream(config)
            except nats.js.errors.BadRequestError:
                # it exists with another configuration (an older age limit, or none): bring it up to date
                await self.js.update_stream(config)

    async def stop(self) -> None:
        # a consumer in the middle of a batch commits and acks it first; the idle ones end at once
        busy = [t for c, t in zip(self._consumers, self._consumer_tasks, strict=False) if c.stop_after_batch()]
        if busy:
            await asyncio.wait(busy, timeout=self.settings.shutdown_timeout_s)
        relay_task = self._relay_task
        await self._cancel([t for t in self._running if t is not relay_task])
        if self.relay is not None:
            await self.relay.flush()  # while the relay still holds its lock
        if relay_task is not None:
            await self._cancel([relay_task])
        self._running.clear()
        if self.nc is not None and self.nc.is_connected:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.nc.drain(), 5)
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await self.nc.close()
        if self.pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.pool.close(), 5)

    async def _cancel(self, tasks: list[asyncio.Task[None]]) -> None:
        """Cancel until they stop, within the shutdown timeout: a library can swallow one cancellation
        (asyncio.wait_for on Python 3.11 does when its awaitable finishes at that moment). Each round
        leaves a task CLEANUP_ROUND_S for its own cleanup."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.shutdown_timeout_s
        pending = set(tasks)
        while pending and loop.time() < deadline:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=min(CLEANUP_ROUND_S, max(0.1, deadline - loop.time())))
        for task in pending:
            log.error("background task did not stop", task=task.get_name())

    async def readiness(self) -> dict[str, str]:
        checks = {"database": "down", "nats": "down", "started": "yes" if self.ready.is_set() else "no"}
        if self.fatal:
            checks["fatal"] = self.fatal
        if self.draining:
            checks["draining"] = "yes"
        if self.pool is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await self.pool.fetchval("select 1")
                checks["database"] = "up"
        if self.nc is not None and self.nc.is_connected:
            checks["nats"] = "up"
        return checks


RUNTIME = web.AppKey("runtime", Runtime)


async def ensure_database(url: str) -> None:
    """Create the configured database on first start (a fresh machine has only `postgres`)."""
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except asyncpg.InvalidCatalogNameError:
        database = urllib.parse.urlsplit(url).path.lstrip("/")
        admin = await asyncpg.connect(url, database="postgres", timeout=3)
        try:
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                await admin.execute(f'create database "{database}"')
        finally:
            await admin.close()
        return
    await conn.close()


async def healthz(_: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    checks = await request.app[RUNTIME].readiness()
    up = checks["database"] == "up" and checks["nats"] == "up" and checks["started"] == "yes"
    ok = up and "draining" not in checks
    return json_response({"status": "ready" if ok else "not ready", "checks": checks}, status=200 if ok else 503)


async def metrics(_: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def create_base_app(runtime: Runtime) -> web.Application:
    """An app with the shared middlewares, health and metrics routes, and the runtime's lifecycle."""
    settings = runtime.settings
    runtime.clients = Clients.of(settings.trusted_proxies, settings.rate_limit_exempt)
    runtime.limits = RateLimits(
        per_caller=settings.rate_limit_caller_per_min,
        per_address=settings.rate_limit_address_per_min,
        clients=runtime.clients,
    )
    app = web.Application(
        middlewares=[
            correlation_middleware,
            problem_middleware,
            rate_limit(runtime.limits),
            body_deadline(settings.http_body_timeout_s),
        ],
        client_max_size=runtime.settings.max_body_bytes,
    )
    app[RUNTIME] = runtime
    allow_origins(app, runtime.settings.cors_origins)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        starter = asyncio.create_task(runtime.start(), name=f"{runtime.service}-start")
        yield
        starter.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await starter
        await runtime.stop()

    app.cleanup_ctx.append(lifecycle)
    return app
