"""Test harness: real PostgreSQL and a real NATS JetStream server, each test isolated.

- NATS: a private pinned nats-server per session (or `TEST_NATS_URL`); each test gets its own
  namespace, so its streams, subjects and consumers are its own.
- PostgreSQL: `TEST_DATABASE_URL` / `DATABASE_URL` / 127.0.0.1:5432 when reachable, otherwise an
  embedded server; each test gets a fresh database cloned from a template migrated once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import email
import email.policy
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import hypothesis
import nats
import nats.js.errors
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from devstack.infra import EmbeddedPostgres, NatsServer, free_port, url_reachable, with_database
from schemas import STREAMS, Event, Subjects, decode
from servicekit import logs
from servicekit.db_roles import prepare_service, role_of, with_role
from servicekit.migrations import BUS_SQL, migrate
from servicekit.runtime import RUNTIME
from servicekit.sealed import generate_seal_keypair
from servicekit.tokens import TokenSigner, generate_keypair

ROOT = Path(__file__).resolve().parent.parent
SERVICE_SQL = {
    "meeting": ROOT / "meeting_svc" / "sql",
    "resolution": ROOT / "resolution_svc" / "sql",
    "notifier": ROOT / "notifier" / "sql",
}

T = TypeVar("T")
S = TypeVar("S")

logs.configure("tests", os.environ.get("TEST_LOG_LEVEL", "WARNING"))

# Property tests draw the same examples on every run, so a run's verdict is the code's, never the draw's
# (a new counterexample found at random would block whoever happens to land next).
# HYPOTHESIS_PROFILE=explore draws afresh each time, to go looking for new ones.
hypothesis.settings.register_profile("repeatable", derandomize=True)
hypothesis.settings.register_profile("explore", derandomize=False)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# Connections each service under test may pool (see `env`).
TEST_POOL_SIZE = 5


# A lengthy test's timeout: twice the suite's, as it shares two cores with the other workers' tests.
LENGTHY_TIMEOUT_S = 360


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The lengthy tests first, spread over the workers from the start, so they end before the short ones
    instead of one starting last and running on alone; the browser's tests in the middle of the rest, so
    the workers' Chromiums neither crowd the lengthy tests nor run on together at the end."""
    lengthy = [i for i in items if i.get_closest_marker("lengthy")]
    browser = [i for i in items if not i.get_closest_marker("lengthy") and i.nodeid.startswith("tests/web/")]
    rest = [i for i in items if not i.get_closest_marker("lengthy") and not i.nodeid.startswith("tests/web/")]
    half = len(rest) // 2
    items[:] = [*lengthy, *rest[:half], *browser, *rest[half:]]
    for item in items:
        if item.get_closest_marker("lengthy") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(LENGTHY_TIMEOUT_S))


async def wait_for(
    probe: Callable[[], Awaitable[T]], timeout: float = 10.0, interval: float = 0.02, what: str = "condition"
) -> T:
    """Poll `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {result!r})")
        await asyncio.sleep(interval)


class MovableClock:
    """A service's clock in a test: the wall clock plus what the test has moved it by, so a test makes
    a moment come (a poll's closing time, a deadline) instead of racing it."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, by: dt.timedelta) -> None:
        self.offset += by


@pytest.fixture
def schedule_clock() -> MovableClock:
    """The clock the service under test schedules by (scheduled polls, overdue notices)."""
    return MovableClock()


@pytest.fixture(scope="session")
def run_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hoinghi-test-") as d:
        os.chmod(d, 0o755)
        yield Path(d)


@pytest.fixture(scope="session")
def nats_url(run_dir: Path) -> Iterator[str]:
    if os.environ.get("TEST_NATS_URL"):
        yield os.environ["TEST_NATS_URL"]
        return
    server = NatsServer(run_dir / "nats").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_admin_url(run_dir: Path) -> Iterator[str]:
    configured = (
        os.environ.get("TEST_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or ("postgresql://postgres@127.0.0.1:5432/postgres")
    )
    if url_reachable(configured):
        yield with_database(configured, "postgres")
        return
    embedded = EmbeddedPostgres(run_dir / "pg").start()
    try:
        yield embedded.url("postgres")
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
async def template_db(pg_admin_url: str) -> AsyncIterator[str]:
    name = f"hoinghi_tpl_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(pg_admin_url)
    await admin.execute(f'create database "{name}"')
    conn = await asyncpg.connect(with_database(pg_admin_url, name))
    try:
        for schema, sql in SERVICE_SQL.items():
            # migrated as the service's own role, which then owns the schema and everything in it
            role = await prepare_service(conn, schema)
            await conn.execute(f'set role "{role}"')
            await migrate(conn, schema, {"bus": BUS_SQL, schema: sql})
            await conn.execute("reset role")
    finally:
        await conn.close()
    try:
        yield name
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


@pytest.fixture
async def database_url(pg_admin_url: str, template_db: str) -> AsyncIterator[str]:
    name = f"hoinghi_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_admin_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_db}"')
        yield with_database(pg_admin_url, name)
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


@pytest.fixture
def namespace() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def keypair() -> tuple[str, str]:
    return generate_keypair()


@pytest.fixture(scope="session")
def seal_keypair() -> tuple[str, str]:
    """The notifier's invitation key: meeting_svc seals personal links to its public half."""
    return generate_seal_keypair()


@pytest.fixture
async def js(nats_url: str) -> AsyncIterator[tuple[NATS, JetStreamContext]]:
    nc = await nats.connect(nats_url)
    try:
        yield nc, nc.jetstream()
    finally:
        await nc.close()


@pytest.fixture(scope="session")
def ballot_key() -> str:
    """resolution_svc's BALLOT_KEY: base64 of 32 random bytes."""
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def env(
    database_url: str,
    nats_url: str,
    namespace: str,
    keypair: tuple[str, str],
    seal_keypair: tuple[str, str],
    ballot_key: str,
) -> dict[str, Any]:
    """Settings shared by every service under test."""
    private, public = keypair
    return {
        "database_url": database_url,
        "nats_url": nats_url,
        "nats_namespace": namespace,
        "token_public_key": public,
        "token_private_key": private,
        "invite_seal_public_key": seal_keypair[1],
        "invite_seal_private_key": seal_keypair[0],
        "ballot_key": ballot_key,
        # Each test starts up to three services; at the production pool size (16 each) a few tests at once
        # on several workers would use up PostgreSQL's 100 connections.
        "db_pool_size": TEST_POOL_SIZE,
    }


async def wait_ready(app: web.Application, timeout: float = 20.0) -> None:
    await asyncio.wait_for(app[RUNTIME].ready.wait(), timeout)


@pytest.fixture
async def start_service() -> AsyncIterator[Callable[..., Awaitable[TestClient[Any, Any]]]]:
    """Start an app on a real local port (a free one unless given); stopped (gracefully) at the end of the test."""
    clients: list[TestClient[Any, Any]] = []

    async def start(app: web.Application, port: int | None = None) -> TestClient[Any, Any]:
        client = TestClient(TestServer(app, host="127.0.0.1", port=port))
        await client.start_server()
        clients.append(client)
        await wait_ready(app)
        return client

    yield start
    for client in reversed(clients):
        await client.close()


@pytest.fixture(scope="session")
def signer(keypair: tuple[str, str]) -> TokenSigner:
    """Signs tokens the way meeting_svc does, for tests of services that only verify them."""
    return TokenSigner(keypair[0].encode())


SERVICE_OF_PACKAGE = {"meeting_svc": "meeting", "resolution_svc": "resolution", "notifier": "notifier"}


def settings_of(cls: type[S], env: dict[str, Any], **overrides: Any) -> S:
    """A service's Settings from the shared test env (fields the service does not have are skipped).
    A service connects as its own PostgreSQL role, as in production; `env["database_url"]` stays the
    administrator's, for tests that look into every schema."""
    values = {k: v for k, v in {**env, **overrides}.items() if k in cls.__struct_fields__}
    service = SERVICE_OF_PACKAGE.get(cls.__module__.split(".")[0])
    if service and "database_url" in values and "database_url" not in overrides:
        values["database_url"] = with_role(values["database_url"], role_of(service))
    return cls(**values)


class EventTap:
    """Collects every event published under a namespace, for asserting what a request caused."""

    def __init__(self, jsc: JetStreamContext, namespace: str) -> None:
        self._js = jsc
        self.subjects = Subjects(namespace)
        self.events: list[Event] = []
        self._subs: list[Any] = []

    async def start(self) -> EventTap:
        for stream in STREAMS:
            with contextlib.suppress(nats.js.errors.BadRequestError):
                await self._js.add_stream(self.subjects.stream_config(stream))
            self._subs.append(
                await self._js.subscribe(self.subjects.all_of(stream), ordered_consumer=True, cb=self._on_msg)
            )
        return self

    async def _on_msg(self, msg: Any) -> None:
        self.events.append(decode(msg.data))

    def of_type(self, event_type: str) -> list[Event]:
        return [e for e in self.events if e.event_type == event_type]

    async def wait(self, event_type: str, timeout: float = 10.0, **match: Any) -> Event:
        """The first event of this type whose attributes equal `match`."""

        async def probe() -> Event | None:
            for e in self.of_type(event_type):
                if all(getattr(e, k) == v for k, v in match.items()):
                    return e
            return None

        return await wait_for(probe, timeout=timeout, what=f"event {event_type} {match}")

    async def stop(self) -> None:
        for sub in self._subs:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()


@pytest.fixture
async def tap(js: tuple[NATS, JetStreamContext], namespace: str) -> AsyncIterator[EventTap]:
    tap = await EventTap(js[1], namespace).start()
    yield tap
    await tap.stop()


class Inbox:
    """What a real SMTP server received, indexed by addressee as it arrives: parsing a header is
    slow enough that scanning a thousand messages per probe would starve the services under test."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.by_addressee: dict[str, list[EmailMessage]] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.by_addressee.setdefault(str(message["To"]), []).append(message)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return list(self.by_addressee.get(address, ()))

    async def count(self, n: int) -> None:
        async def probe() -> bool:
            return len(self.messages) >= n

        await wait_for(probe, timeout=10, what=f"{n} emails")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Endpoint:
    """A real local HTTP endpoint whose answers a test scripts."""

    url: str
    received: list[tuple[dict[str, str], bytes, float]] = field(default_factory=list)
    # statuses to answer in order (then 200); a tuple is (status, headers)
    script: list[Any] = field(default_factory=list)
    hold: asyncio.Event | None = None  # when set to an unset Event, requests wait for it

    def bodies(self) -> list[bytes]:
        return [b for _, b, _ in self.received]


@pytest.fixture
async def endpoint() -> AsyncIterator[Callable[..., Awaitable[Endpoint]]]:
    servers: list[TestServer] = []

    async def make(path: str = "/hook") -> Endpoint:
        ep = Endpoint(url="")

        async def handler(request: web.Request) -> web.Response:
            body = await request.read()
            ep.received.append((dict(request.headers), body, asyncio.get_running_loop().time()))
            if ep.hold is not None:
                await ep.hold.wait()
            if ep.script:
                answer = ep.script.pop(0)
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                return web.Response(status=status, headers=headers)
            return web.Response(status=200, text="ok")

        app = web.Application()
        app.router.add_route("*", path, handler)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        ep.url = str(server.make_url(path))
        return ep

    yield make
    for server in servers:
        await server.close()
