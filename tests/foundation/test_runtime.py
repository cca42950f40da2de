from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from devstack.infra import EmbeddedPostgres, NatsServer, free_port
from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from servicekit.migrations import BUS_SQL, SchemaTooNew, migrate
from servicekit.runtime import Runtime
from servicekit.settings import CommonSettings, SettingsError, load
from tests.conftest import settings_of, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_invalid_setting_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="PORT"):
        load(Settings, {"PORT": "eighty"})
    with pytest.raises(SettingsError, match="DB_POOL_SIZE"):
        load(Settings, {"DB_POOL_SIZE": "1.5x"})
    assert load(Settings, {"PORT": "9000"}).port == 9000


def test_service_refuses_to_start_with_an_invalid_setting() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "meeting_svc"],
        env={"PORT": "not-a-port", "PATH": ""},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "invalid setting PORT" in result.stderr


@pytest.mark.parametrize(
    ("service", "env", "named"),
    [
        ("meeting_svc", {}, "TOKEN_PRIVATE_KEY"),
        ("meeting_svc", {"TOKEN_PRIVATE_KEY": "/nonexistent/key.pem"}, "TOKEN_PRIVATE_KEY"),
        ("resolution_svc", {}, "TOKEN_PUBLIC_KEY"),
        ("notifier", {}, "TOKEN_PUBLIC_KEY"),
    ],
)
def test_service_refuses_to_start_without_its_token_key(service: str, env: dict[str, str], named: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", service],
        env={**env, "PATH": ""},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert f"invalid setting {named}" in result.stderr


async def test_health_ready_and_metrics(env: dict[str, Any], start_service: Any) -> None:
    client = await start_service(
        create_app(Settings(**{k: v for k, v in env.items() if k in Settings.__struct_fields__}))
    )
    assert (await client.get("/healthz")).status == 200
    ready = await client.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["checks"] == {"database": "up", "nats": "up", "started": "yes"}
    metrics = await client.get("/metrics")
    assert "http_requests_total" in await metrics.text()
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status == 404
    assert missing.content_type == "application/problem+json"
    assert missing.headers["X-Correlation-Id"]


async def test_refuses_a_schema_newer_than_it_knows(database_url: str, tmp_path: Path) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "insert into meeting.schema_migrations (component, version, name) values ('meeting', 999, '999_future.sql')"
        )
        with pytest.raises(SchemaTooNew, match="999"):
            await migrate(conn, "meeting", {"bus": BUS_SQL, "meeting": ROOT / "meeting_svc" / "sql"})
    finally:
        await conn.close()


def test_service_exits_against_a_schema_newer_than_it_knows(
    database_url: str, nats_url: str, keypair: tuple[str, str]
) -> None:
    async def mark_future() -> None:
        conn = await asyncpg.connect(database_url)
        await conn.execute(
            "insert into meeting.schema_migrations (component, version, name) values ('meeting', 999, '999_x.sql')"
        )
        await conn.close()

    asyncio.run(mark_future())
    result = subprocess.run(
        [sys.executable, "-m", "meeting_svc"],
        env={
            "DATABASE_URL": database_url,
            "NATS_URL": nats_url,
            "PORT": "0",
            "PATH": "",
            "TOKEN_PRIVATE_KEY": keypair[0],
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "refusing to start against a newer database" in result.stderr


async def test_readyz_follows_postgres_down_and_back(
    tmp_path: Path,
    nats_url: str,
    namespace: str,
    keypair: tuple[str, str],
    start_service: Any,
    js: tuple[NATS, JetStreamContext],
) -> None:
    pg = EmbeddedPostgres(tmp_path / "pg").start()
    try:
        settings = Settings(
            database_url=pg.url("hoinghi"), nats_url=nats_url, nats_namespace=namespace, token_private_key=keypair[0]
        )
        client = await start_service(create_app(settings))
        assert (await client.get("/readyz")).status == 200

        pg.stop()

        async def status() -> int:
            return (await client.get("/readyz")).status

        await wait_for(lambda: _is(status, 503), timeout=15, what="readyz 503 with PostgreSQL down")
        body = await (await client.get("/readyz")).json()
        assert body["checks"]["database"] == "down"

        pg.start()
        await wait_for(lambda: _is(status, 200), timeout=30, what="readyz 200 with PostgreSQL back")
    finally:
        pg.stop()


async def _is(probe: Any, expected: int) -> bool:
    return bool(await probe() == expected)


async def test_starts_without_nats_and_becomes_ready_when_it_appears(
    env: dict[str, Any], tmp_path: Path, start_service: Any
) -> None:
    server = NatsServer(tmp_path / "nats")  # not started yet: its port refuses connections
    app = create_app(settings_of(Settings, env, nats_url=server.url))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        body = await (await client.get("/readyz")).json()
        assert body["checks"]["nats"] == "down"
        assert (await client.get("/readyz")).status == 503
        server.start()

        async def status() -> int:
            return (await client.get("/readyz")).status

        await wait_for(lambda: _is(status, 200), timeout=20, what="ready once NATS is up")
    finally:
        await client.close()
        server.stop()


async def test_shutdown_stops_a_background_task_that_swallowed_its_cancellation() -> None:
    """A library can eat one cancellation (asyncio.wait_for on 3.11); shutdown must still end."""
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1

    runtime = Runtime(settings=CommonSettings(shutdown_timeout_s=5), service="meeting", sql=ROOT)
    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await runtime._cancel([task])
    assert swallowed == 1
    assert task.cancelled()


def test_a_private_nats_server_ends_with_the_process_that_started_it(tmp_path: Path) -> None:
    """A test run or `make run` killed with SIGKILL leaves no nats-server behind."""
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib\n"
            "from devstack.infra import NatsServer\n"
            f"server = NatsServer(pathlib.Path({str(tmp_path)!r}) / 'nats').start()\n"
            "print(server.process.pid, flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    with starter:
        assert starter.stdout is not None
        server = int(starter.stdout.readline())
        starter.kill()
    for _ in range(200):
        if not Path(f"/proc/{server}").exists() or " Z " in Path(f"/proc/{server}/stat").read_text():
            return
        time.sleep(0.05)
    os.kill(server, signal.SIGKILL)
    raise AssertionError("nats-server outlived the process that started it")


def _process(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "meeting_svc"], env=env, cwd=ROOT)


async def _serving(database_url: str, nats_url: str, keypair: tuple[str, str], drain_s: str) -> tuple[Any, str]:
    """meeting_svc as a process (signals reach it as in production), ready."""
    port = free_port()
    process = _process(
        {
            "DATABASE_URL": database_url,
            "NATS_URL": nats_url,
            "PORT": str(port),
            "PATH": "",
            "TOKEN_PRIVATE_KEY": keypair[0],
            "SHUTDOWN_DRAIN_S": drain_s,
            "LOG_LEVEL": "WARNING",
        }
    )
    url = f"http://127.0.0.1:{port}"

    async def ready() -> bool:
        assert process.poll() is None, "meeting_svc exited"
        try:
            async with aiohttp.ClientSession() as session, session.get(f"{url}/readyz") as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    await wait_for(ready, timeout=60, what="meeting_svc ready")
    return process, url


async def _exit_code(process: Any, timeout: float = 60) -> int:
    for _ in range(int(timeout / 0.1)):
        if process.poll() is not None:
            return int(process.returncode)
        await asyncio.sleep(0.1)
    process.kill()
    raise AssertionError("did not exit")


async def test_sigterm_drains_readyz_answers_503_while_requests_are_still_served(
    database_url: str, nats_url: str, keypair: tuple[str, str]
) -> None:
    # a drain longer than the test: only the second signal ends it
    process, url = await _serving(database_url, nats_url, keypair, "600")
    try:
        process.send_signal(signal.SIGTERM)
        async with aiohttp.ClientSession() as session:

            async def draining() -> bool:
                async with session.get(f"{url}/readyz") as response:
                    return response.status == 503 and (await response.json())["checks"].get("draining") == "yes"

            await wait_for(draining, timeout=30, what="readyz 503 while draining")
            async with session.get(f"{url}/healthz") as response:
                assert response.status == 200  # still serving
            async with session.get(f"{url}/api/v1/nothing-here") as response:
                assert response.status == 404  # requests are still answered
        process.send_signal(signal.SIGTERM)  # a second signal ends the drain
        assert await _exit_code(process) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def test_the_drain_ends_by_itself_and_sigint_skips_it(
    database_url: str, nats_url: str, keypair: tuple[str, str]
) -> None:
    process, _ = await _serving(database_url, nats_url, keypair, "0.5")
    process.send_signal(signal.SIGTERM)
    assert await _exit_code(process) == 0
    process, _ = await _serving(database_url, nats_url, keypair, "600")
    process.send_signal(signal.SIGINT)  # Ctrl-C: no load balancer to drain for
    assert await _exit_code(process) == 0
