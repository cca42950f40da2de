"""Helpers for the notifier's tests: the service with fast retry settings, organiser tokens, events
published straight to NATS, and real local webhook endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from notifier.app import create_app
from notifier.settings import Settings
from schemas import events as ev
from schemas.codec import encode, new_event
from schemas.events import Event
from schemas.subjects import Subjects
from servicekit.runtime import RUNTIME
from servicekit.sealed import read_seal_key, seal
from servicekit.tokens import Claims, TokenSigner, expires_in
from tests.conftest import Inbox, settings_of, wait_for

FAST = {
    "webhook_allow_private": True,
    "webhook_retry_schedule_s": "0.2,0.2,0.2",
    "webhook_retry_jitter": 0.0,
    "webhook_timeout_s": 2.0,
    "webhook_lease_margin_s": 0.5,
    "dispatch_poll_s": 0.1,
    "email_retry_schedule_s": "0.2,0.2",
    "reminder_interval_s": 0.2,
    "sse_heartbeat_s": 0.5,
}


class RefusingServer(Inbox):
    """A real SMTP server that answers RCPT for some mailboxes with a refusal (e.g. `550 ...` for a
    mailbox it does not know, `450 ...` for one it cannot take now), and takes the rest."""

    def __init__(self, refusals: dict[str, str]) -> None:
        super().__init__()
        self.refusals = refusals

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


def notifier_settings(env: dict[str, Any], **overrides: Any) -> Settings:
    return settings_of(Settings, env, **{**FAST, **overrides})


@pytest.fixture
async def notifier(
    env: dict[str, Any], start_service: Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
) -> Callable[..., Awaitable[TestClient[Any, Any]]]:
    async def start(**overrides: Any) -> TestClient[Any, Any]:
        return await start_service(create_app(notifier_settings(env, **overrides)))

    return start


@dataclass
class Org:
    id: uuid.UUID
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def organiser(signer: TokenSigner, org: uuid.UUID | None = None) -> Org:
    org = org or uuid.uuid4()
    claims = Claims(kind="organiser", sub=uuid.uuid4(), org=org, jti=uuid.uuid4(), exp=expires_in(365))
    return Org(org, signer.sign(claims))


def participant_token(
    signer: TokenSigner,
    org: uuid.UUID,
    meeting: uuid.UUID,
    participant: uuid.UUID | None = None,
    role: str = "voting_member",
) -> str:
    claims = Claims(
        kind="participant",
        sub=participant or uuid.uuid4(),
        org=org,
        meeting=meeting,
        role=role,
        jti=uuid.uuid4(),
        exp=expires_in(1),
    )
    return signer.sign(claims)


async def enrolled(
    client: Any, publish: Any, signer: TokenSigner, org: uuid.UUID, meeting: uuid.UUID, role: str = "voting_member"
) -> str:
    """The session token of a participant the notifier knows (from their participant.invited)."""
    pid = uuid.uuid4()
    await publish(
        new_event(ev.ParticipantInvited, meeting_id=meeting, participant_id=pid, name="Trần Thị B", role=role)
    )
    await wait_for(
        lambda: client.app[RUNTIME].db().fetchval("select true from participants where participant_id = $1", pid),
        what="the participant known",
    )
    return participant_token(signer, org, meeting, pid, role)


class Publisher:
    def __init__(self, jsc: JetStreamContext, namespace: str) -> None:
        self.js = jsc
        self.subjects = Subjects(namespace)

    async def __call__(self, event: Event, msg_id: str | None = None) -> Event:
        await self.js.publish(
            self.subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": msg_id or str(event.id)}
        )
        return event


@pytest.fixture
async def publish(js: tuple[NATS, JetStreamContext], namespace: str, tap: Any) -> Publisher:
    # `tap` creates the streams, so events can be published before the notifier is up.
    return Publisher(js[1], namespace)


def meeting_created(
    org: uuid.UUID, meeting_id: uuid.UUID | None = None, starts_in: dt.timedelta | None = None
) -> Event:
    starts = dt.datetime.now(dt.UTC) + (starts_in or dt.timedelta(days=7))
    return new_event(
        ev.MeetingCreated,
        meeting_id=meeting_id or uuid.uuid4(),
        organisation_id=org,
        title=ev.Bilingual(vi="Hội nghị tổng kết năm 2020", en="2020 year-end review conference"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        timezone="Asia/Ho_Chi_Minh",
        status="scheduled",
        venue=ev.Venue(name="Khách sạn Mường Thanh", address="Đà Nẵng"),
    )


def invitation_sent(env: dict[str, Any], invited: Event, link: str) -> Event:
    """meeting_svc's order to email `invited` their personal link, sealed to the notifier's key."""
    assert isinstance(invited, ev.ParticipantInvited)
    return new_event(
        ev.InvitationSent,
        meeting_id=invited.meeting_id,
        participant_id=invited.participant_id,
        sealed_link=seal(read_seal_key(env["invite_seal_public_key"], "INVITE_SEAL_PUBLIC_KEY"), link),
    )


async def invite(publish: Any, env: dict[str, Any], meeting_id: uuid.UUID, address: str, language: str = "vi") -> None:
    """A participant joins the roster and meeting_svc orders their invitation emailed."""
    invited = new_event(
        ev.ParticipantInvited,
        meeting_id=meeting_id,
        participant_id=uuid.uuid4(),
        name=address,
        email=address,
        role="voting_member",
        language=language,
    )
    await publish(invited)
    await publish(invitation_sent(env, invited, "https://meet.example.org/join/code"))
