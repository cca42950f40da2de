"""A meeting made through the real APIs of the processes under test, and voters that keep trying
through faults (bounded): what the scenarios share."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from servicekit.tokens import Claims, expires_in
from tests.conftest import wait_for
from tests.faults.stack import FaultStack

# what a client sees while a process restarts: no answer, or 502/503 from whatever stands in front
TRANSIENT = (502, 503, 504)


@dataclass
class Meeting:
    id: str
    org: uuid.UUID
    organiser: dict[str, str]
    voters: list[uuid.UUID] = field(default_factory=list)


async def answer(response: aiohttp.ClientResponse, *expected: int) -> Any:
    body = await response.json(content_type=None) if response.status != 204 else None
    assert response.status in (expected or (200,)), (response.status, str(body)[:500])
    return body


def meeting_body(title: str = "Hội nghị") -> dict[str, Any]:
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    return {
        "title": {"vi": title, "en": "Conference"},
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=4)).isoformat(),
        "timezone": "Asia/Ho_Chi_Minh",
    }


def roster_csv(count: int, prefix: str = "v") -> bytes:
    rows = [f"Cử tri {prefix}{i},{prefix}{i}@example.org,,voting_member,1,vi" for i in range(count)]
    return ("name,email,department,role,weight,language\n" + "\n".join(rows) + "\n").encode()


async def new_meeting(
    stack: FaultStack, session: aiohttp.ClientSession, owner: tuple[uuid.UUID, dict[str, str]] | None = None
) -> Meeting:
    """A meeting of `owner` (an organisation and its organiser's headers), or of a new organisation."""
    org, organiser = owner or await stack.organiser()
    created = await answer(
        await session.post(f"{stack.url('meeting_svc')}/api/v1/meetings", json=meeting_body(), headers=organiser), 201
    )
    return Meeting(created["id"], org, organiser)


async def import_voters(
    stack: FaultStack, session: aiohttp.ClientSession, meeting: Meeting, count: int, prefix: str = "v"
) -> None:
    url = f"{stack.url('meeting_svc')}/api/v1/meetings/{meeting.id}/participants:import"
    done = await answer(
        await session.post(
            url, data=roster_csv(count, prefix), headers={**meeting.organiser, "Content-Type": "text/csv"}, timeout=120
        ),
        201,
    )
    meeting.voters += [uuid.UUID(p["id"]) for p in done["items"]]


async def start(stack: FaultStack, session: aiohttp.ClientSession, meeting: Meeting) -> None:
    base = f"{stack.url('meeting_svc')}/api/v1/meetings/{meeting.id}"
    for action in ("schedule", "start"):
        await answer(await session.post(f"{base}/{action}", headers=meeting.organiser))


async def resolution_knows_roster(stack: FaultStack, meeting: Meeting, timeout: float = 120) -> None:
    db = await stack.db("resolution")
    try:

        async def known() -> bool:
            n = await db.fetchval("select count(*) from participants where meeting_id = $1", uuid.UUID(meeting.id))
            return bool(n == len(meeting.voters))

        await wait_for(known, timeout=timeout, interval=0.2, what="resolution_svc's roster")
    finally:
        await db.close()


def voter_token(stack: FaultStack, meeting: Meeting, voter: uuid.UUID) -> str:
    """A participant token as meeting_svc signs one for a session."""
    claims = Claims(
        kind="participant",
        sub=voter,
        org=meeting.org,
        meeting=uuid.UUID(meeting.id),
        role="voting_member",
        jti=uuid.uuid4(),
        exp=expires_in(1),
    )
    return stack.signer.sign(claims)


async def open_poll(stack: FaultStack, session: aiohttp.ClientSession, meeting: Meeting, secret: bool = True) -> str:
    """A poll opened by the organiser; a 503 while resolution_svc catches up with the meeting's events
    (its consistency barrier) is waited out, as a client would."""
    api = f"{stack.url('resolution_svc')}/api/v1"
    question = {"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}, "secret": secret}
    poll, _ = await call(session, "POST", f"{api}/meetings/{meeting.id}/polls", meeting.organiser, 201, json=question)
    await call(session, "POST", f"{api}/polls/{poll['id']}/open", meeting.organiser)
    return str(poll["id"])


@dataclass
class Ballot:
    voter: uuid.UUID
    token: str
    choice: str
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    receipt: str | None = None
    attempts: int = 0
    statuses: list[int] = field(default_factory=list)


async def cast(session: aiohttp.ClientSession, url: str, ballot: Ballot, tries: int = 200) -> None:
    """POST the ballot until an answer says what became of it; the same nonce each time, so a retry
    after a lost answer gets the same receipt. Gives up after `tries` (bounded), leaving receipt None."""
    for _ in range(tries):
        ballot.attempts += 1
        try:
            async with session.post(
                url,
                json={"choice": ballot.choice, "nonce": ballot.nonce},
                headers={"Authorization": f"Bearer {ballot.token}"},
                timeout=aiohttp.ClientTimeout(total=15),
            ) as response:
                ballot.statuses.append(response.status)
                if response.status in (200, 201):  # 200: the same ballot again, its receipt given again
                    ballot.receipt = (await response.json())["receipt"]
                    return
                if response.status not in TRANSIENT:
                    return
        except (aiohttp.ClientError, TimeoutError):
            ballot.statuses.append(0)
        await asyncio.sleep(0.1)


async def call(
    session: aiohttp.ClientSession, method: str, url: str, headers: dict[str, str], expected: int = 200, **kw: Any
) -> tuple[Any, int]:
    """A request retried while it is answered 503 (bounded: about a minute), as a client told
    `Retry-After` would; its answer and how many 503s came first."""
    for refused in range(300):
        async with session.request(method, url, headers=headers, **kw) as response:
            if response.status != 503:
                return await answer(response, expected), refused
            assert response.headers.get("Retry-After"), await response.text()
        await asyncio.sleep(0.2)
    raise AssertionError(f"{method} {url} still 503 after a minute")
