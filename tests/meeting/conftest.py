"""meeting_svc under test: the real service on a real port, organisers created the way the CLI does."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from servicekit.migrations import BUS_SQL, migrate
from tests.conftest import SERVICE_SQL, MovableClock, settings_of

Client = TestClient[Any, Any]


@dataclass
class Caller:
    """Someone with a bearer token."""

    token: str
    id: uuid.UUID | None = None

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Org:
    id: uuid.UUID
    organiser: Caller


@pytest.fixture
def meeting_settings(env: dict[str, Any]) -> Settings:
    return settings_of(Settings, env, overdue_interval_s=0.2, public_url="https://meet.example.org")


@pytest.fixture
async def client(
    meeting_settings: Settings,
    start_service: Callable[[web.Application], Awaitable[Client]],
    schedule_clock: MovableClock,
) -> Client:
    return await start_service(create_app(meeting_settings, schedule_clock))


@pytest.fixture
def new_org(meeting_settings: Settings, client: Client) -> Callable[[str], Awaitable[Org]]:
    async def make(name: str = "QUATEST 2") -> Org:
        org, token = await create_organiser(meeting_settings, f"{name} {uuid.uuid4().hex[:6]}", "organiser")
        return Org(org, Caller(token))

    return make


@pytest.fixture
async def org(new_org: Callable[[str], Awaitable[Org]]) -> Org:
    return await new_org("QUATEST 2")


def meeting_body(**overrides: Any) -> dict[str, Any]:
    starts = dt.datetime(2030, 1, 14, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return {
        "title": {"vi": "Hội nghị tổng kết công tác năm 2020", "en": "2020 year-end review"},
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=4)).isoformat(),
        "timezone": "Asia/Ho_Chi_Minh",
        "venue": {"name": "Khách sạn Minh Toan Galaxy", "address": "306 Đường 2/9, Đà Nẵng"},
        **overrides,
    }


async def ok(response: Any, status: int = 200) -> Any:
    body = await response.json() if response.status != 204 else None
    assert response.status == status, body
    return body


async def new_meeting(client: Client, org: Org, **overrides: Any) -> dict[str, Any]:
    return await ok(
        await client.post("/api/v1/meetings", json=meeting_body(**overrides), headers=org.organiser.auth), 201
    )


async def invite(client: Client, org: Org, meeting_id: str, **person: Any) -> dict[str, Any]:
    body = {"name": "Nguyễn Văn An", "role": "voting_member", **person}
    return await ok(
        await client.post(f"/api/v1/meetings/{meeting_id}/participants", json=body, headers=org.organiser.auth), 201
    )


async def join(client: Client, participant: dict[str, Any]) -> Caller:
    code = participant["invite_url"].rsplit("/", 1)[1]
    session = await ok(await client.post("/api/v1/sessions", json={"invite_code": code}), 201)
    return Caller(session["token"], uuid.UUID(participant["id"]))


async def advance(client: Client, org: Org, meeting_id: str, *actions: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for action in actions:
        body = await ok(await client.post(f"/api/v1/meetings/{meeting_id}/{action}", headers=org.organiser.auth))
    return body


@dataclass
class EarlierSchema:
    """meeting_svc's schema as migrations before one left it, with an organisation and a meeting in it,
    for a test of how that migration treats what was already there (`migrate_rest` applies it and the
    rest)."""

    conn: asyncpg.Connection
    schema: str
    organisation: uuid.UUID
    meeting: uuid.UUID

    async def migrate_rest(self) -> None:
        await migrate(self.conn, self.schema, {"bus": BUS_SQL, "meeting": SERVICE_SQL["meeting"]})


def migrations_before(folder: Path, migration: str) -> Path:
    """`folder` holding meeting_svc's migrations that come before the one named `*_{migration}.sql`."""
    [named] = SERVICE_SQL["meeting"].glob(f"*_{migration}.sql")
    folder.mkdir()
    for path in SERVICE_SQL["meeting"].glob("*.sql"):
        if path.name < named.name:
            shutil.copy(path, folder / path.name)
    return folder


@contextlib.asynccontextmanager
async def schema_before(database_url: str, folder: Path, migration: str) -> AsyncIterator[EarlierSchema]:
    """The schema migrated up to, not including, the one migration named `*_{migration}.sql`."""
    folder = migrations_before(folder, migration)
    conn = await asyncpg.connect(database_url)
    schema = f"m{uuid.uuid4().hex[:8]}"
    try:
        await migrate(conn, schema, {"bus": BUS_SQL, "meeting": folder})
        org, meeting = uuid.uuid4(), uuid.uuid4()
        await conn.execute("insert into organisations (id, name) values ($1, 'QUATEST 2')", org)
        await conn.execute(
            "insert into meetings (id, organisation_id, starts_at, ends_at, timezone)"
            " values ($1, $2, now(), now() + interval '4 hours', 'Asia/Ho_Chi_Minh')",
            meeting,
            org,
        )
        yield EarlierSchema(conn, schema, org, meeting)
    finally:
        await conn.execute(f'drop schema if exists "{schema}" cascade')
        await conn.close()
