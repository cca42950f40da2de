"""resolution_svc under test: the real service; its read model is fed by meeting events published straight
to NATS, as meeting_svc would publish them, and tokens are signed the way meeting_svc signs them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from resolution_svc.app import create_app
from resolution_svc.settings import Settings
from schemas import events as ev
from schemas.codec import encode, new_event
from schemas.events import Event
from schemas.subjects import MEETINGS, Subjects, stream_of
from servicekit.runtime import RUNTIME
from servicekit.tokens import Claims, TokenSigner, expires_in
from tests.conftest import EventTap, MovableClock, settings_of, wait_for

Client = TestClient[Any, Any]


class Publisher:
    """Plays meeting_svc: numbers each meeting's events (meeting_seq) and answers how far they have gone."""

    def __init__(self, jsc: JetStreamContext, namespace: str) -> None:
        self.js = jsc
        self.subjects = Subjects(namespace)
        self.positions: dict[uuid.UUID, int] = {}

    def number(self, *events: Event) -> list[Event]:
        """Number meeting events in the order meeting_svc committed them (to publish them in another)."""
        numbered = []
        for event in events:
            # organisation-wide events (departments) are about no meeting and carry no meeting_seq
            if (
                stream_of(event.event_type) is MEETINGS
                and event.meeting_seq is None
                and event.meeting_id != ev.NO_MEETING
            ):
                self.positions[event.meeting_id] = self.positions.get(event.meeting_id, 0) + 1
                event = msgspec.structs.replace(event, meeting_seq=self.positions[event.meeting_id])
            numbered.append(event)
        return numbered

    async def __call__(self, *events: Event) -> None:
        for event in self.number(*events):
            await self.js.publish(self.subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": str(event.id)})

    async def answer(self, msg: Msg) -> None:
        position = self.positions.get(uuid.UUID(msg.data.decode()))
        await msg.respond(msgspec.json.encode({"position": position}))


@pytest.fixture
async def publish(js: tuple[NATS, JetStreamContext], namespace: str, tap: EventTap) -> AsyncIterator[Publisher]:
    publisher = Publisher(js[1], namespace)  # `tap` has created the streams
    sub = await js[0].subscribe(publisher.subjects.meeting_position(), cb=publisher.answer)
    yield publisher
    await sub.unsubscribe()


@pytest.fixture
async def client(
    env: dict[str, Any],
    start_service: Callable[[web.Application], Awaitable[Client]],
    schedule_clock: MovableClock,
) -> Client:
    return await start_service(create_app(settings_of(Settings, env, schedule_interval_s=0.1), schedule_clock))


@dataclass
class Person:
    id: uuid.UUID
    token: str
    role: str
    weight: int = 1
    department: uuid.UUID | None = None

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Meeting:
    """A meeting as resolution_svc learns it from events, with its people's tokens."""

    client: Client
    publish: Publisher
    signer: TokenSigner
    org: uuid.UUID = field(default_factory=uuid.uuid4)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    people: list[Person] = field(default_factory=list)

    @property
    def organiser(self) -> dict[str, str]:
        token = self.signer.sign(
            Claims(kind="organiser", sub=uuid.uuid4(), org=self.org, jti=uuid.uuid4(), exp=expires_in(1))
        )
        return {"Authorization": f"Bearer {token}"}

    def token(
        self, pid: uuid.UUID, role: str, department: uuid.UUID | None = None, meeting: uuid.UUID | None = None
    ) -> str:
        return self.signer.sign(
            Claims(
                kind="participant",
                sub=pid,
                org=self.org,
                jti=uuid.uuid4(),
                exp=expires_in(1),
                meeting=meeting or self.id,
                role=role,
                department=department,
            )
        )

    async def start(self, status: str = "in_progress") -> Meeting:
        starts = dt.datetime(2030, 1, 14, 6, 30, tzinfo=dt.UTC)  # ahead: its sessions are open
        await self.publish(
            new_event(
                ev.MeetingCreated,
                meeting_id=self.id,
                organisation_id=self.org,
                title=ev.Bilingual(vi="Hội nghị tổng kết năm 2020", en="2020 review"),
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=4),
                timezone="Asia/Ho_Chi_Minh",
                status="scheduled",
            )
        )
        if status == "in_progress":
            await self.publish(new_event(ev.MeetingStarted, meeting_id=self.id))
        await self.settled("meetings", "status = $2", status)
        return self

    async def add(
        self,
        n: int = 1,
        role: str = "voting_member",
        weight: int = 1,
        department: uuid.UUID | None = None,
        present: bool = True,
    ) -> list[Person]:
        added = [Person(uuid.uuid4(), "", role, weight, department) for _ in range(n)]
        events: list[Event] = []
        for p in added:
            p.token = self.token(p.id, role, department)
            events.append(
                new_event(
                    ev.ParticipantInvited,
                    meeting_id=self.id,
                    participant_id=p.id,
                    name="Nguyễn Văn A",
                    role=role,  # type: ignore[arg-type]
                    weight=weight,
                    department_id=department,
                )
            )
            if present:
                events.append(
                    new_event(ev.CheckedIn, meeting_id=self.id, participant_id=p.id, present_count=0, present_weight=0)
                )
        await self.publish(*events)
        self.people += added
        await self.settled("participants", "meeting_id = $1", count=len(self.people))
        return added

    async def settled(self, table: str, where: str, *args: Any, count: int = 1) -> None:
        db = self.client.app[RUNTIME].db()
        key = self.id if table == "participants" else None

        async def probe() -> bool:
            if table == "meetings":
                return bool(
                    await db.fetchval(f"select count(*) from meetings where id = $1 and {where}", self.id, *args)
                )
            return await db.fetchval(f"select count(*) from participants where {where}", key) >= count  # type: ignore[no-any-return]

        await wait_for(probe, what=f"{table} in the read model")


@pytest.fixture
def meeting(client: Client, publish: Publisher, signer: TokenSigner) -> Callable[..., Awaitable[Meeting]]:
    async def make(status: str = "in_progress") -> Meeting:
        return await Meeting(client, publish, signer).start(status)

    return make


DIRECTIVES = [
    {
        "title": {"vi": "Hoàn thành vượt mức kế hoạch năm 2021", "en": "Exceed the 2021 plan"},
        "department_ids": [],
        "due_date": "2021-12-31",
        "priority": "high",
    },
    {
        "title": {"vi": "Số hóa các khâu quản lý", "en": "Digitise management"},
        "department_ids": [],
        "due_date": "2021-06-30",
    },
]


async def ok(response: Any, status: int = 200) -> Any:
    body = await response.json() if response.status != 204 else None
    assert response.status == status, body
    return body


async def resolution(m: Meeting, departments: list[uuid.UUID]) -> dict[str, Any]:
    directives = [{**d, "department_ids": [str(departments[i % len(departments)])]} for i, d in enumerate(DIRECTIVES)]
    body = {
        "title": {"vi": "Nghị quyết Hội nghị", "en": "Resolution of the conference"},
        "text": {"vi": "Hội nghị thống nhất thông qua...", "en": "The conference adopts..."},
        "directives": directives,
    }
    return await ok(await m.client.post(f"/api/v1/meetings/{m.id}/resolutions", json=body, headers=m.organiser), 201)


async def poll(m: Meeting, *, open_: bool = True, **fields: Any) -> dict[str, Any]:
    body = {"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}, **fields}
    created = await ok(await m.client.post(f"/api/v1/meetings/{m.id}/polls", json=body, headers=m.organiser), 201)
    if open_:
        await ok(await m.client.post(f"/api/v1/polls/{created['id']}/open", headers=m.organiser))
    return created  # type: ignore[no-any-return]


async def vote(m: Meeting, poll_id: str, person: Person, choice: str, **extra: Any) -> Any:
    return await m.client.post(
        f"/api/v1/polls/{poll_id}/ballots", json={"choice": choice, **extra}, headers=person.auth
    )
