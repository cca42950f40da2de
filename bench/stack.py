"""The whole product as real processes, for benchmarks: `async with Stack() as stack: ...`.

PostgreSQL: the one at DATABASE_URL (default 127.0.0.1:5432) when reachable, else an embedded one;
a fresh database per run. NATS: always a private pinned nats-server with JetStream and
`sync_interval: always` (the durability `make run` gives a fresh machine), in a temporary folder.
Services run as `python -m <service>` on free ports with fresh token keys and a fresh namespace,
each connecting as its own PostgreSQL role, as in production (`servicekit.db_roles`).
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
import asyncpg

from devstack.infra import EmbeddedPostgres, NatsServer, free_port, url_reachable, with_database
from servicekit.db_roles import prepare_service, with_role
from servicekit.sealed import generate_seal_keypair
from servicekit.tokens import TokenSigner, generate_keypair

ROOT = Path(__file__).resolve().parent.parent
ALL_SERVICES = ("meeting_svc", "resolution_svc", "notifier")
SCHEMAS = {"meeting_svc": "meeting", "resolution_svc": "resolution", "notifier": "notifier"}


class Stack:
    def __init__(self, services: tuple[str, ...] = ALL_SERVICES, env: dict[str, str] | None = None) -> None:
        self.services = services
        self.extra_env = env or {}
        self.namespace = f"b{uuid.uuid4().hex[:8]}"
        self.ports = {name: free_port() for name in services}
        self._tmp = tempfile.TemporaryDirectory(prefix="hoinghi-bench-")
        self.dir = Path(self._tmp.name)
        os.chmod(self.dir, 0o755)
        private, public = generate_keypair()
        self.signer = TokenSigner(private.encode())
        (self.dir / "key.pem").write_text(private)
        (self.dir / "key.pub.pem").write_text(public)
        self.seal_private, self.seal_public = generate_seal_keypair()
        self.ballot_key = base64.b64encode(os.urandom(32)).decode()
        self._pg: EmbeddedPostgres | None = None
        self._nats = NatsServer(self.dir / "nats")
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self.admin_url = ""
        self.database_url = ""  # the administrator's, for scenarios that look into every schema
        self.service_urls: dict[str, str] = {}
        self.db_password = uuid.uuid4().hex
        self.nats_url = ""
        self.ready_s = 0.0

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    async def __aenter__(self) -> Stack:
        configured = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        if url_reachable(configured):
            self.admin_url = with_database(configured, "postgres")
        else:
            self._pg = EmbeddedPostgres(self.dir / "pg").start()
            self.admin_url = self._pg.url("postgres")
        database = f"hoinghi_bench_{self.namespace}"
        admin = await asyncpg.connect(self.admin_url)
        await admin.execute(f'create database "{database}"')
        await admin.close()
        self.database_url = with_database(self.admin_url, database)
        owner = await asyncpg.connect(self.database_url)
        try:
            for name in ALL_SERVICES:
                role = await prepare_service(owner, SCHEMAS[name], password=self.db_password)
                self.service_urls[name] = with_role(self.database_url, role, self.db_password)
        finally:
            await owner.close()
        self.nats_url = self._nats.start().url
        started = time.perf_counter()
        for name in self.services:
            self._spawn(name)
        await asyncio.gather(*(self._wait_ready(name) for name in self.services))
        self.ready_s = time.perf_counter() - started
        return self

    def _spawn(self, name: str) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.service_urls.get(name, self.database_url),
            "NATS_URL": self.nats_url,
            "NATS_NAMESPACE": self.namespace,
            "TOKEN_PRIVATE_KEY": str(self.dir / "key.pem"),
            "TOKEN_PUBLIC_KEY": str(self.dir / "key.pub.pem"),
            "INVITE_SEAL_PUBLIC_KEY": self.seal_public,
            "INVITE_SEAL_PRIVATE_KEY": self.seal_private,
            "BALLOT_KEY": self.ballot_key,
            "WEBHOOK_ALLOW_PRIVATE": "true",
            "LOG_LEVEL": "WARNING",
            "SHUTDOWN_DRAIN_S": "0",  # nothing in front to drain for
            # a benchmark's thousand pages share a few tokens, which the per-session stream cap would refuse
            "SSE_STREAMS_PER_SESSION": "0",
            "PORT": str(self.ports[name]),
            # where meeting_svc's links point and where it forwards the web client's API calls
            **{
                variable: self.url(service)
                for variable, service in (
                    ("PUBLIC_URL", "meeting_svc"),
                    ("RESOLUTION_URL", "resolution_svc"),
                    ("NOTIFIER_URL", "notifier"),
                )
                if service in self.ports
            },
            **self.extra_env,
        }
        with open(self.dir / f"{name}.log", "ab") as log:
            self._processes[name] = subprocess.Popen(
                [sys.executable, "-m", name], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )

    async def _wait_ready(self, name: str, timeout: float = 60.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        async with aiohttp.ClientSession() as session:
            while asyncio.get_running_loop().time() < deadline:
                try:
                    async with session.get(f"{self.url(name)}/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        log = (self.dir / f"{name}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} not ready after {timeout}s:\n{log}")

    async def __aexit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        for proc in self._processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self._processes.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._nats.stop()
        try:
            admin = await asyncpg.connect(self.admin_url)
            await admin.execute(f'drop database if exists "hoinghi_bench_{self.namespace}" with (force)')
            await admin.close()
        finally:
            if self._pg is not None:
                self._pg.stop()
            self._tmp.cleanup()

    def pid(self, service: str) -> int:
        return self._processes[service].pid

    def log_of(self, service: str) -> str:
        return (self.dir / f"{service}.log").read_text(errors="replace")

    def as_dict(self) -> dict[str, Any]:
        return {"namespace": self.namespace, "services": {n: self.url(n) for n in self.services}}
