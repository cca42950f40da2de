"""An invitation the recipient's mail server refuses shows `bounced` to the organiser, by events only: the
notifier publishes `invitation.bounced`, meeting_svc marks the send it belongs to. A resend to a corrected
address clears it; a redelivered bounce changes nothing; a bounce of an older send never hides a newer one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import msgspec
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiosmtpd.controller import Controller
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from prometheus_client import REGISTRY

from devstack.infra import free_port
from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from schemas import events as ev
from schemas.codec import encode
from schemas.subjects import Subjects
from tests.conftest import EventTap, settings_of, wait_for
from tests.meeting.conftest import meeting_body
from tests.notifier.conftest import RefusingServer, notifier_settings

Client = TestClient[Any, Any]
WAIT_S = 30.0  # generous: the machine running the suite may be busy


async def answer(response: Any, status: int) -> Any:
    body = await response.json()
    assert response.status == status, body
    return body


def duplicates(consumer: str) -> float:
    """Redelivered events the consumer recognised and skipped (this process, every test)."""
    return REGISTRY.get_sample_value("events_duplicate_total", {"consumer": consumer}) or 0.0


async def test_a_refused_invitation_shows_bounced_until_resent_to_a_corrected_address(
    env: dict[str, Any],
    namespace: str,
    tap: EventTap,
    js: tuple[NATS, JetStreamContext],
    start_service: Callable[[web.Application], Awaitable[Client]],
) -> None:
    server = RefusingServer(
        {"nobody@example.org": "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"}
    )
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = settings_of(MeetingSettings, env, public_url="https://meet.example.org")
        meeting = await start_service(meeting_app(settings))
        await start_service(notifier_app(notifier_settings(env, smtp_port=port)))
        _, token = await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức")
        organiser = {"Authorization": f"Bearer {token}"}

        m = await answer(await meeting.post("/api/v1/meetings", json=meeting_body(), headers=organiser), 201)
        people = f"/api/v1/meetings/{m['id']}/participants"
        invitations = f"/api/v1/meetings/{m['id']}/invitations"
        an = await answer(
            await meeting.post(
                people, json={"name": "Nguyễn Văn An", "email": "an@example.org", "role": "chair"}, headers=organiser
            ),
            201,
        )
        binh = await answer(
            await meeting.post(
                people,
                json={"name": "Trần Bình", "email": "nobody@example.org", "role": "voting_member"},
                headers=organiser,
            ),
            201,
        )
        sent = await answer(await meeting.post(f"{invitations}:send", headers=organiser), 202)
        assert sent["sent"] == 2

        async def statuses() -> dict[str, Any]:
            body = await answer(await meeting.get(invitations, headers=organiser), 200)
            return {i["participant_id"]: i for i in body["items"]}

        async def bounced() -> Any:
            mine = (await statuses())[binh["id"]]
            return mine if mine["status"] == "bounced" else None

        mine = await wait_for(bounced, timeout=WAIT_S, what="the refused invitation shown bounced")
        assert "550" in mine["bounce_reason"] and "User unknown" in mine["bounce_reason"]
        assert mine["bounced_at"] is not None
        await server.count(1)
        assert [str(x["To"]) for x in server.messages] == ["an@example.org"]
        assert (await statuses())[an["id"]]["status"] == "sent"
        # refused for good: given up at the first answer, not retried on the schedule
        db = await asyncpg.connect(env["database_url"])
        try:
            row = await db.fetchrow("select status, attempts from notifier.emails where to_addr = 'nobody@example.org'")
            assert (row["status"], row["attempts"]) == ("failed", 1)
        finally:
            await db.close()

        # The console's filter finds exactly the bounced one; nobody but an organiser may ask.
        found = await answer(await meeting.get(people, params={"invitation": "bounced"}, headers=organiser), 200)
        assert [p["id"] for p in found["items"]] == [binh["id"]]
        found = await answer(await meeting.get(people, params={"invitation": "sent"}, headers=organiser), 200)
        assert [p["id"] for p in found["items"]] == [an["id"]]
        refused = await answer(await meeting.get(people, params={"invitation": "lost"}, headers=organiser), 400)
        assert refused["field"] == "invitation"

        # The same bounce delivered again (a redelivery after a crash) is recognised and changes nothing.
        bounce = await tap.wait("invitation.bounced", timeout=WAIT_S, participant_id=uuid.UUID(binh["id"]))
        assert isinstance(bounce, ev.InvitationBounced)
        consumer = f"{namespace.replace('.', '_')}-meeting-deliveries"
        before = duplicates(consumer)
        subjects = Subjects(namespace)
        await js[1].publish(subjects.for_event(bounce), encode(bounce), headers={"Nats-Msg-Id": str(uuid.uuid4())})

        async def skipped() -> bool:
            return duplicates(consumer) > before

        await wait_for(skipped, timeout=WAIT_S, what="the redelivered bounce skipped")
        again = (await statuses())[binh["id"]]
        assert again == mine

        # The organiser corrects the address and resends: the new send is not bounced, and arrives.
        await answer(
            await meeting.patch(f"{people}/{binh['id']}", json={"email": "binh@example.org"}, headers=organiser), 200
        )
        resent = await answer(
            await meeting.post(
                f"{invitations}:send", json={"participant_ids": [binh["id"]], "resend": True}, headers=organiser
            ),
            202,
        )
        now = next(i for i in resent["items"] if i["participant_id"] == binh["id"])
        assert (now["status"], now["times_sent"], now["bounce_reason"]) == ("sent", 2, None)
        await server.count(2)
        assert len(server.to("binh@example.org")) == 1

        # A bounce of the first send, arriving late, does not put the newer send back to bounced.
        late = msgspec.structs.replace(bounce, id=uuid.uuid4())
        await js[1].publish(subjects.for_event(late), encode(late), headers={"Nats-Msg-Id": str(late.id)})
        db = await asyncpg.connect(env["database_url"])
        try:

            async def handled() -> bool:
                return bool(await db.fetchval("select true from meeting.processed_events where event_id = $1", late.id))

            await wait_for(handled, timeout=WAIT_S, what="the late bounce handled")
        finally:
            await db.close()
        final = (await statuses())[binh["id"]]
        assert (final["status"], final["bounce_reason"]) == ("sent", None)
        # the notifier told of the refused invitation only, once
        assert {e.id for e in tap.of_type("invitation.bounced")} == {bounce.id, late.id}
    finally:
        controller.stop()
