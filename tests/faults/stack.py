"""The product as real processes for the fault suite: each service (and each replica of it) is
`python -m <service>` so that it can be SIGKILLed or SIGTERMed; PostgreSQL and NATS are reached
through fault proxies; NATS is a private nats-server (or a three-node cluster) that can be killed."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import asyncpg
import nats
import nats.errors
import nats.js.errors

from devstack.infra import NatsServer, end_with_parent, free_port, with_database
from meeting_svc.__main__ import create_organiser
from meeting_svc.settings import Settings as MeetingSettings
from schemas import Event, Subjects, decode
from schemas.subjects import Stream
from servicekit.db_roles import prepare_service, with_role
from servicekit.sealed import generate_seal_keypair
from servicekit.tokens import TokenSigner, generate_keypair
from tests.faults.cluster import NatsCluster
from tests.faults.proxy import FaultProxy

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = {"meeting_svc": "meeting", "resolution_svc": "resolution", "notifier": "notifier"}


@dataclass
class Service:
    """One process of a service: restartable on the same port."""

    name: str
    replica: int
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.name],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=end_with_parent(),  # a killed test run leaves no service behind
            )

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    async def exited(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        for _ in range(int(timeout / 0.05)):
            code = self.process.poll()
            if code is not None:
                return code
            await asyncio.sleep(0.05)
        raise AssertionError(f"{self.name}#{self.replica} did not exit within {timeout}s")

    async def kill(self) -> None:
        self.signal(signal.SIGKILL)
        await self.exited()

    async def terminate(self) -> int:
        self.signal(signal.SIGTERM)
        return await self.exited()

    async def ready(self, timeout: float = 60.0, may_move: bool = False) -> None:
        """Ready on its port. The machine is shared: another program can take the port between
        free_port() and the bind; with `may_move` (a first start) the service is started on another."""
        for _ in range(3):
            if await self._answering(timeout):
                return
            assert self.process is not None
            if not (may_move and self.process.poll() is not None and "address already in use" in self._log_tail()):
                break
            self.port = free_port()
            self.env["PORT"] = str(self.port)
            self.start()
        raise AssertionError(f"{self.name}#{self.replica} not ready:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    async def _answering(self, timeout: float) -> bool:
        """Its /readyz answers 200, from this process (not another that holds the port)."""
        async with aiohttp.ClientSession() as session:
            for _ in range(int(timeout / 0.1)):
                if self.process is not None and self.process.poll() is not None:
                    return False
                try:
                    async with session.get(f"{self.url}/readyz") as response:
                        if response.status == 200 and self.process is not None and listens(self.process.pid, self.port):
                            return True
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def listens(pid: int, port: int) -> bool:
    """Process `pid` holds the listening TCP socket of `port` (Linux: /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                    inodes.add(f"socket:[{fields[9]}]")
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return True
    return False


async def pg_proxy_for(url: str) -> FaultProxy:
    """A fault proxy on 127.0.0.1 in front of the PostgreSQL of `url` (TCP or a unix socket)."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or 5432
    if parts.hostname:
        return await FaultProxy(parts.hostname, port).start()
    query = urllib.parse.parse_qs(parts.query)
    folder = query["host"][0]
    port = int(query.get("port", [port])[0])
    return await FaultProxy("", 0, upstream_unix=f"{folder}/.s.PGSQL.{port}").start()


@dataclass
class FaultStack:
    admin_url: str  # an administrator's URL of the PostgreSQL under test
    directory: Path
    replicas: int = 1
    cluster: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    namespace: str = field(default_factory=lambda: f"f{uuid.uuid4().hex[:8]}")
    services: dict[str, list[Service]] = field(default_factory=dict)
    smtp_port: int = 0
    database: str = ""
    pg_proxy: FaultProxy | None = None
    nats_proxies: list[FaultProxy] = field(default_factory=list)
    nats_server: NatsServer | None = None
    nats: NatsCluster | None = None

    async def __aenter__(self) -> FaultStack:
        try:
            await self._start()
        except BaseException:
            await self.__aexit__()  # a stack that failed to start leaves nothing running
            raise
        return self

    async def _start(self) -> None:
        private, public = generate_keypair()
        self.signer = TokenSigner(private.encode())
        (self.directory / "key.pem").write_text(private)
        (self.directory / "key.pub.pem").write_text(public)
        seal_private, seal_public = generate_seal_keypair()
        admin = await asyncpg.connect(self.admin_url)
        try:
            await admin.execute(f'create database "hoinghi_f_{self.namespace}"')
            self.database = f"hoinghi_f_{self.namespace}"
        finally:
            await admin.close()
        self.database_url = with_database(self.admin_url, self.database)
        self.pg_proxy = await pg_proxy_for(self.admin_url)
        password = uuid.uuid4().hex
        owner = await asyncpg.connect(self.database_url)
        urls, self.direct_database_urls = {}, {}
        try:
            for name, schema in SCHEMAS.items():
                role = await prepare_service(owner, schema, password=password)
                self.direct_database_urls[name] = with_role(self.database_url, role, password)
                urls[name] = f"postgresql://{role}:{password}@127.0.0.1:{self.pg_proxy.port}/{self.database}"
        finally:
            await owner.close()
        self.service_database_urls = urls
        if self.cluster:
            self.nats = NatsCluster(self.directory / "nats")
            self.nats.start()
            ports = self.nats.ports
        else:
            self.nats_server = NatsServer(self.directory / "nats")
            self.nats_server.start()
            ports = [self.nats_server.port]
        for port in ports:
            self.nats_proxies.append(await FaultProxy("127.0.0.1", port).start())
        self.nats_url = ",".join(f"nats://127.0.0.1:{p.port}" for p in self.nats_proxies)
        self.direct_nats_url = ",".join(f"nats://127.0.0.1:{port}" for port in ports)
        common = {
            **os.environ,
            "NATS_URL": self.nats_url,
            "NATS_NAMESPACE": self.namespace,
            "STREAM_REPLICAS": "3" if self.cluster else "1",
            "TOKEN_PUBLIC_KEY": str(self.directory / "key.pub.pem"),
            "WEBHOOK_ALLOW_PRIVATE": "true",
            "WEBHOOK_RETRY_SCHEDULE_S": "0.5,0.5,1,1,2,2,2",
            "WEBHOOK_RETRY_JITTER": "0",
            "EMAIL_RETRY_SCHEDULE_S": "0.5,1,2",
            "DISPATCH_POLL_S": "0.2",
            "SMTP_PORT": str(self.smtp_port or free_port()),
            "LOG_LEVEL": "WARNING",
            "DB_ACQUIRE_TIMEOUT_S": "5",
            # every stop goes through the drain, kept short: nothing stands in front unless a test says so
            "SHUTDOWN_DRAIN_S": "0.5",
            **self.extra_env,
        }
        # each service holds its own secrets only, as in production
        own = {
            "meeting_svc": {
                "TOKEN_PRIVATE_KEY": str(self.directory / "key.pem"),
                "INVITE_SEAL_PUBLIC_KEY": seal_public,
            },
            "resolution_svc": {"BALLOT_KEY": base64.b64encode(os.urandom(32)).decode()},
            "notifier": {"INVITE_SEAL_PRIVATE_KEY": seal_private},
        }
        for name in SCHEMAS:
            self.services[name] = []
            for replica in range(self.replicas):
                port = free_port()
                env = {**common, **own[name], "DATABASE_URL": urls[name], "PORT": str(port)}
                self.services[name].append(Service(name, replica, port, env, self.directory / f"{name}-{replica}.log"))
        for replicas in self.services.values():
            for service in replicas:
                service.start()
        await asyncio.gather(*(s.ready(may_move=True) for replicas in self.services.values() for s in replicas))

    def crash_nats(self) -> None:
        """SIGKILL the single NATS node and start it again on its port and store."""
        assert self.nats_server is not None and self.nats_server.process is not None
        self.nats_server.process.kill()
        self.nats_server.process.wait()
        self.nats_server.process = None
        self.nats_server.start()

    @property
    def cluster_nodes(self) -> NatsCluster:
        assert self.nats is not None, "a stack started with cluster=True"
        return self.nats

    def __getitem__(self, name: str) -> Service:
        return self.services[name][0]

    def url(self, name: str, replica: int = 0) -> str:
        return self.services[name][replica].url

    async def organiser(self) -> tuple[uuid.UUID, dict[str, str]]:
        settings = MeetingSettings(
            database_url=self.direct_database_urls["meeting_svc"], token_private_key=str(self.directory / "key.pem")
        )
        org, token = await create_organiser(settings, f"Org {uuid.uuid4().hex[:6]}", "organiser")
        return org, {"Authorization": f"Bearer {token}"}

    async def db(self, schema: str) -> asyncpg.Connection[Any]:
        """A direct (unproxied) administrator connection looking into one service's schema."""
        return await asyncpg.connect(self.database_url, server_settings={"search_path": schema})

    async def __aexit__(self, *exc: object) -> None:
        for replicas in self.services.values():
            for service in replicas:
                if service.process is not None and service.process.poll() is None:
                    # a graceful stop without the drain (a test may have set a long one): no one is routed here
                    service.signal(signal.SIGINT)
        for replicas in self.services.values():
            for service in replicas:
                try:
                    await service.exited(20)
                except AssertionError:
                    service.stop()
        for proxy in [*([self.pg_proxy] if self.pg_proxy else []), *self.nats_proxies]:
            await proxy.stop()
        for server in (self.nats, self.nats_server):
            if server is not None:
                server.stop()
        if self.database:
            admin = await asyncpg.connect(self.admin_url)
            try:
                await admin.execute(f'drop database if exists "{self.database}" with (force)')
            finally:
                await admin.close()


async def stream_events(stack: FaultStack, stream: Stream) -> list[Event]:
    """Every event stored in one of the stack's streams, in stream order (read directly, not through a
    proxy). A cluster node that has just come back may time out a request: each is tried again (bounded)."""
    nc = await nats.connect(stack.direct_nats_url.split(","))
    try:
        js = nc.jetstream()
        name = Subjects(stack.namespace).stream_name(stream)

        async def retried(request: Callable[[], Awaitable[T]]) -> T:
            for _ in range(20):
                try:
                    return await request()
                except nats.errors.TimeoutError:
                    await asyncio.sleep(0.2)
            return await request()

        last = (await retried(lambda: js.stream_info(name))).state.last_seq

        async def event_at(seq: int) -> Event | None:
            try:
                message = await retried(lambda: js.get_msg(name, seq))
            except nats.js.errors.NotFoundError:
                return None
            return decode(message.data) if message.data else None

        events: list[Event] = []
        for first in range(1, last + 1, 200):
            found = await asyncio.gather(*(event_at(seq) for seq in range(first, min(first + 200, last + 1))))
            events += [e for e in found if e is not None]
        return events
    finally:
        await nc.close()
