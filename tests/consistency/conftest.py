"""The three real services together, driven through their public APIs only, as a new user would."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from resolution_svc.app import create_app as resolution_app
from resolution_svc.settings import Settings as ResolutionSettings
from tests.conftest import Inbox, settings_of
from tests.notifier.conftest import notifier_settings

Client = TestClient[Any, Any]
Start = Callable[[web.Application], Awaitable[Client]]


async def answer(response: aiohttp.ClientResponse | Any, status: int = 200) -> Any:
    body = await response.json() if response.status != 204 else None
    assert response.status == status, body
    return body


@dataclass
class Stack:
    env: dict[str, Any]
    start_service: Start
    smtp_port: int
    meeting: Client
    resolution: Client
    notifier: Client | None
    org: uuid.UUID
    token: str
    waited_503: list[float] = field(default_factory=list)  # Retry-After of every 503 a call was told

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def start_notifier(self) -> Client:
        self.notifier = await self.start_service(notifier_app(notifier_settings(self.env, smtp_port=self.smtp_port)))
        return self.notifier

    async def stop_notifier(self) -> None:
        assert self.notifier is not None
        await self.notifier.close()  # a graceful stop, as on SIGTERM
        self.notifier = None

    async def new_meeting(self, people: int = 0, *, start: bool = True, emails: bool = False) -> Meeting:
        starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        body = {
            "title": {"vi": "Hội nghị tổng kết năm 2020", "en": "2020 year-end review"},
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=4)).isoformat(),
            "timezone": "Asia/Ho_Chi_Minh",
        }
        m = await answer(await self.meeting.post("/api/v1/meetings", json=body, headers=self.auth), 201)
        meeting = Meeting(self, m["id"])
        await meeting.transition("schedule")
        if people:
            await meeting.import_people(people, emails=emails)
        if start:
            await meeting.transition("start")
        return meeting

    async def resolution_call(self, path: str, json: Any = None, status: int = 200) -> Any:
        """A chair's call to resolution_svc that honours 503 + Retry-After, as the consistency model asks."""
        while True:
            response = await self.resolution.post(path, json=json, headers=self.auth)
            if response.status != 503:
                return await answer(response, status)
            problem = await response.json()
            assert response.headers["Content-Type"].startswith("application/problem+json"), problem
            retry_after = float(response.headers["Retry-After"])
            self.waited_503.append(retry_after)
            await asyncio.sleep(0.2)  # a client would wait Retry-After; the test need not


@dataclass
class Meeting:
    stack: Stack
    id: str
    people: list[dict[str, Any]] = field(default_factory=list)

    async def transition(self, action: str) -> Any:
        return await answer(
            await self.stack.meeting.post(f"/api/v1/meetings/{self.id}/{action}", headers=self.stack.auth)
        )

    async def import_people(self, n: int, *, emails: bool = False) -> None:
        rows = "\n".join(
            f"Người dự {i:05d},{f'nd{i}.{self.id[:8]}@quatest2.example.org' if emails else ''},,voting_member,1,vi"
            for i in range(n)
        )
        csv = ("name,email,department,role,weight,language\n" + rows + "\n").encode()
        done = await answer(
            await self.stack.meeting.post(
                f"/api/v1/meetings/{self.id}/participants:import",
                data=csv,
                headers={**self.stack.auth, "Content-Type": "text/csv"},
            ),
            201,
        )
        self.people += done["items"]

    async def check_in(self, person: dict[str, Any], present: bool = True) -> None:
        action = "check-in" if present else "check-out"
        await answer(
            await self.stack.meeting.post(
                f"/api/v1/meetings/{self.id}/participants/{person['id']}/{action}", headers=self.stack.auth
            )
        )

    async def attendance(self) -> Any:
        return await answer(
            await self.stack.meeting.get(f"/api/v1/meetings/{self.id}/attendance", headers=self.stack.auth)
        )

    async def poll(self, rules: dict[str, Any] | None = None) -> str:
        body = {"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}, "rules": rules or {}}
        created = await self.stack.resolution_call(f"/api/v1/meetings/{self.id}/polls", body, 201)
        return str(created["id"])

    async def open(self, poll_id: str) -> Any:
        return await self.stack.resolution_call(f"/api/v1/polls/{poll_id}/open")

    async def close(self, poll_id: str) -> Any:
        await self.stack.resolution_call(f"/api/v1/polls/{poll_id}/close")
        return await answer(await self.stack.resolution.get(f"/api/v1/polls/{poll_id}/result", headers=self.stack.auth))


@pytest.fixture
async def stack_of(
    env: dict[str, Any], smtp: tuple[Inbox, int], start_service: Start
) -> Callable[..., Awaitable[Stack]]:
    async def make(*, notifier: bool = False) -> Stack:
        meeting_settings = settings_of(MeetingSettings, env)
        meeting = await start_service(meeting_app(meeting_settings))
        resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env)))
        org, token = await create_organiser(meeting_settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức")
        stack = Stack(env, start_service, smtp[1], meeting, resolution, None, org, token)
        if notifier:
            await stack.start_notifier()
        return stack

    return make
