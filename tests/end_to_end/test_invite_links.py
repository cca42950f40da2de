"""Personal invite links are credentials: they never travel on the bus in clear, and the invitation
email still carries a link that works. Invitations wait while a meeting is a draft."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import nats
from aiohttp import web
from aiohttp.test_utils import TestClient

from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from schemas.subjects import MEETINGS, Subjects
from tests.conftest import Inbox, settings_of, wait_for
from tests.meeting.conftest import meeting_body
from tests.notifier.conftest import notifier_settings

Client = TestClient[Any, Any]
LINK = re.compile(r"https://meet\.example\.org/join/([A-Za-z0-9_-]+)")


async def answer(response: Any, status: int) -> Any:
    body = await response.json()
    assert response.status == status, body
    return body


async def test_no_invite_code_on_the_bus_and_the_emailed_link_works(
    env: dict[str, Any],
    nats_url: str,
    namespace: str,
    smtp: tuple[Inbox, int],
    start_service: Callable[[web.Application], Awaitable[Client]],
) -> None:
    inbox, smtp_port = smtp
    settings = settings_of(MeetingSettings, env, public_url="https://meet.example.org")
    meeting = await start_service(meeting_app(settings))
    await start_service(notifier_app(notifier_settings(env, smtp_port=smtp_port)))
    _, token = await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức")
    organiser = {"Authorization": f"Bearer {token}"}

    # A plain consumer of the MEETINGS stream, as any service or NATS reader could run.
    nc = await nats.connect(nats_url)
    seen: list[bytes] = []

    async def collect(msg: Any) -> None:
        seen.append(msg.data)

    subjects = Subjects(namespace)
    sub = await nc.jetstream().subscribe(subjects.all_of(MEETINGS), ordered_consumer=True, cb=collect)
    try:
        m = await answer(await meeting.post("/api/v1/meetings", json=meeting_body(), headers=organiser), 201)
        people = f"/api/v1/meetings/{m['id']}/participants"
        codes: set[str] = set()

        an = await answer(
            await meeting.post(
                people, json={"name": "Nguyễn Văn An", "email": "an@example.org", "role": "chair"}, headers=organiser
            ),
            201,
        )
        codes.add(an["invite_url"].rsplit("/", 1)[1])
        csv = "name,email,department,role,weight,language\n" + "".join(
            f"Thành viên {i},member{i}@example.org,,voting_member,1,vi\n" for i in range(5)
        )
        imported = await answer(
            await meeting.post(
                people + ":import", data=csv.encode(), headers={**organiser, "Content-Type": "text/csv"}
            ),
            201,
        )
        codes |= {p["invite_url"].rsplit("/", 1)[1] for p in imported["items"]}
        reissued = await answer(await meeting.post(f"{people}/{an['id']}/invite", headers=organiser), 201)
        codes.add(reissued["invite_url"].rsplit("/", 1)[1])

        # A draft sends nothing: the organiser prepares quietly.
        status = await answer(await meeting.get(f"/api/v1/meetings/{m['id']}/invitations", headers=organiser), 200)
        assert {i["status"] for i in status["items"]} == {"not_sent"} and len(status["items"]) == 6

        # Scheduling sends every invitation at once, each with the participant's current link.
        await answer(await meeting.post(f"/api/v1/meetings/{m['id']}/schedule", headers=organiser), 200)
        await inbox.count(6)
        [first] = inbox.to("an@example.org")
        text = str(first.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        emailed = LINK.search(text)
        assert emailed is not None and emailed.group(1) == reissued["invite_url"].rsplit("/", 1)[1]
        session = await meeting.post("/api/v1/sessions", json={"invite_code": emailed.group(1)})
        assert session.status == 201  # the emailed link works

        # A late addition goes out at once; a resend sends again, counted per participant.
        late = await answer(
            await meeting.post(
                people, json={"name": "Trần Bình", "email": "binh@example.org", "role": "observer"}, headers=organiser
            ),
            201,
        )
        codes.add(late["invite_url"].rsplit("/", 1)[1])
        await inbox.count(7)
        resent = await answer(
            await meeting.post(
                f"/api/v1/meetings/{m['id']}/invitations:send",
                json={"participant_ids": [an["id"]], "resend": True},
                headers=organiser,
            ),
            202,
        )
        assert resent["sent"] == 1
        mine = next(i for i in resent["items"] if i["participant_id"] == an["id"])
        assert (mine["status"], mine["times_sent"]) == ("sent", 2)
        await inbox.count(8)
        assert len(inbox.to("an@example.org")) == 2

        # Every event the stream holds, read once more from its start: not one code, in any form.
        async def all_read() -> bool:
            info = await nc.jetstream().stream_info(subjects.stream_name(MEETINGS))
            return len(seen) >= info.state.messages

        await wait_for(all_read, what="the whole MEETINGS stream")
        assert any(b"participant.invitation_sent" in data for data in seen)
        for data in seen:
            assert b"/join/" not in data
            assert not any(code.encode() in data for code in codes)

        # Nor in the notifier's tables once the emails are out.
        conn = await asyncpg.connect(env["database_url"])
        try:

            async def forgotten() -> bool:
                return not await conn.fetchval("select count(*) from notifier.emails where sealed_link is not null")

            await wait_for(forgotten, what="sent emails to forget their sealed links")
            dump = "".join(r["t"] for r in await conn.fetch("select e::text as t from notifier.emails e"))
            assert not any(code in dump for code in codes)
        finally:
            await conn.close()
    finally:
        await sub.unsubscribe()
        await nc.close()
